import CYAML

/// Owns one libyaml parser over a borrowed input buffer and hands out its events one by one.
/// The parser and every event are freed whatever happens, including on errors.
struct LibYAMLEventReader: ~Copyable {
    private let parser: UnsafeMutablePointer<yaml_parser_t>
    private let input: UnsafeBufferPointer<UInt8>
    private(set) var rewrites: EscapeRewrites
    /// Lines before the input in its file, when the input is one piece of a larger text.
    private let lineOffset: Int
    private var offsets: SourceOffsets

    /// `input` must stay valid for the reader's lifetime; `baseAddress` must not be nil.
    init(input: UnsafeBufferPointer<UInt8>, rewrites: EscapeRewrites, lineOffset: Int,
         origin: SourceOffsets.Origin) throws(YAMLError) {
        let parser = UnsafeMutablePointer<yaml_parser_t>.allocate(capacity: 1)
        guard yaml_parser_initialize(parser) != 0 else {
            parser.deallocate()
            throw YAMLError(message: "out of memory", mark: YAMLMark(line: 1, column: 1))
        }
        yaml_parser_set_input_string(parser, input.baseAddress, input.count)
        self.parser = parser
        self.input = input
        self.rewrites = rewrites
        self.lineOffset = lineOffset
        offsets = SourceOffsets(text: input, rewrittenOffsets: rewrites.offsets, origin: origin)
    }

    deinit {
        yaml_parser_delete(parser)
        parser.deallocate()
    }

    mutating func next() throws(YAMLError) -> ParseEvent {
        var event = yaml_event_t()
        guard yaml_parser_parse(parser, &event) != 0 else { throw currentError() }
        defer { yaml_event_delete(&event) }

        switch event.type {
        case YAML_STREAM_START_EVENT:
            return .streamStart
        case YAML_STREAM_END_EVENT:
            return .streamEnd
        case YAML_DOCUMENT_START_EVENT:
            return .documentStart(mark(event.start_mark))
        case YAML_DOCUMENT_END_EVENT:
            return .documentEnd
        case YAML_ALIAS_EVENT:
            let start = offsets.offset(ofIndex: event.start_mark.index)
            return .alias(anchor: string(event.data.alias.anchor) ?? "", mark: mark(event.start_mark),
                          extent: start..<offsets.offset(ofIndex: event.end_mark.index))
        case YAML_SCALAR_EVENT:
            let data = event.data.scalar
            let style = Self.style(data.style)
            if style == .doubleQuoted, !rewrites.isEmpty {
                rewrites.noteDoubleQuotedScalar(from: position(event.start_mark), to: position(event.end_mark))
            }
            let value = String(decoding: UnsafeBufferPointer(start: data.value, count: data.length), as: UTF8.self)
            let properties = properties(event.start_mark, tag: data.tag, anchor: data.anchor)
            let end = style == .literal || style == .folded
                ? offsets.offset(trimmingWhiteSpaceBefore: event.end_mark.index, notBefore: event.start_mark.index)
                : offsets.offset(ofIndex: event.end_mark.index)
            return .scalar(YAMLScalar(value: value, style: style), properties, end: end)
        case YAML_SEQUENCE_START_EVENT:
            let data = event.data.sequence_start
            var properties = properties(event.start_mark, tag: data.tag, anchor: data.anchor)
            properties.isFlow = data.style == YAML_FLOW_SEQUENCE_STYLE
            return .sequenceStart(properties)
        case YAML_SEQUENCE_END_EVENT:
            return .sequenceEnd(end: offsets.offset(ofIndex: event.end_mark.index))
        case YAML_MAPPING_START_EVENT:
            let data = event.data.mapping_start
            var properties = properties(event.start_mark, tag: data.tag, anchor: data.anchor)
            properties.isFlow = data.style == YAML_FLOW_MAPPING_STYLE
            return .mappingStart(properties)
        case YAML_MAPPING_END_EVENT:
            return .mappingEnd(end: offsets.offset(ofIndex: event.end_mark.index))
        default:
            throw YAMLError(message: "unexpected event from the YAML parser", mark: mark(event.start_mark))
        }
    }

    private mutating func properties(_ start: yaml_mark_t, tag: UnsafeMutablePointer<yaml_char_t>?,
                                     anchor: UnsafeMutablePointer<yaml_char_t>?) -> ParseEvent.NodeProperties {
        ParseEvent.NodeProperties(mark: mark(start), start: offsets.offset(ofIndex: start.index), tag: string(tag),
                                  anchor: string(anchor))
    }

    private func string(_ pointer: UnsafeMutablePointer<yaml_char_t>?) -> String? {
        pointer.map { String(cString: $0) }
    }

    private func position(_ mark: yaml_mark_t) -> TextPosition {
        TextPosition(line: Int(mark.line), column: Int(mark.column))
    }

    private func mark(_ mark: yaml_mark_t) -> YAMLMark {
        shifted(rewrites.mark(for: position(mark)))
    }

    private func shifted(_ mark: YAMLMark) -> YAMLMark {
        YAMLMark(line: mark.line + lineOffset, column: mark.column)
    }

    private static func style(_ style: yaml_scalar_style_t) -> YAMLScalar.Style {
        switch style {
        case YAML_SINGLE_QUOTED_SCALAR_STYLE: .singleQuoted
        case YAML_DOUBLE_QUOTED_SCALAR_STYLE: .doubleQuoted
        case YAML_LITERAL_SCALAR_STYLE: .literal
        case YAML_FOLDED_SCALAR_STYLE: .folded
        default: .plain
        }
    }

    /// libyaml's error state in plain words: its problem, then what it was doing and from where.
    private func currentError() -> YAMLError {
        let state = parser.pointee
        let problem = state.problem.map { String(cString: $0) } ?? "unknown error"
        switch state.error {
        case YAML_MEMORY_ERROR:
            return YAMLError(message: "out of memory", mark: mark(state.mark))
        case YAML_READER_ERROR:
            // The reader runs ahead of the scanner and knows only the byte offset of the problem.
            let position = TextPositionCounter.position(ofByteOffset: state.problem_offset, in: input)
            return YAMLError(message: problem + Self.describe(readerValue: state.problem_value, problem: problem),
                             mark: shifted(rewrites.mark(for: position)))
        default:
            let problemMark = mark(state.problem_mark)
            var message = problem
            if let context = state.context.map({ String(cString: $0) }) {
                let contextMark = mark(state.context_mark)
                message += contextMark == problemMark ? " (\(context))" : " (\(context) at \(contextMark))"
            }
            return YAMLError(message: message, mark: problemMark,
                             isInvalidUnicodeEscape: problem == "found invalid Unicode character escape code")
        }
    }

    /// The offending byte or character the reader names, as a suffix for its message.
    private static func describe(readerValue value: Int32, problem: String) -> String {
        guard value >= 0 else { return "" }
        let hex = String(value, radix: 16, uppercase: true)
        if problem.contains("octet") {
            return " (0x" + String(repeating: "0", count: max(0, 2 - hex.count)) + hex + ")"
        }
        return " (U+" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex + ")"
    }
}
