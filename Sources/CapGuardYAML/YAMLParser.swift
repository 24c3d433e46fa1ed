/// The documents of a manifest file as kubectl reads it, and the error where it stops reading, if any.
public struct KubectlDocuments: Sendable {
    public var documents: [YAMLDocument]
    public var error: YAMLError?
}

/// Reads YAML streams (and JSON, which is YAML) into documents of nodes.
public enum YAMLParser {
    public static func parse(_ text: String) throws(YAMLError) -> [YAMLDocument] {
        try parse(text, limits: NodeTreeBuilder.Limits())
    }

    public static func parse(_ bytes: [UInt8]) throws(YAMLError) -> [YAMLDocument] {
        try parse(bytes, limits: NodeTreeBuilder.Limits())
    }

    /// Reads a manifest file as kubectl reads it (see `KubectlStreamSplitter` and `ReadingRules`): the
    /// documents kubectl would send, up to the first error, where kubectl stops reading too.
    public static func parseAsKubectl(_ bytes: [UInt8]) -> KubectlDocuments {
        parseAsKubectl(bytes, limits: NodeTreeBuilder.Limits())
    }

    static func parseAsKubectl(_ bytes: [UInt8], limits: NodeTreeBuilder.Limits) -> KubectlDocuments {
        let decoded = utf8DecodingUTF16(bytes)
        return decoded.bytes.withUnsafeBufferPointer { input in
            let splitter = KubectlStreamSplitter(input)
            var result = KubectlDocuments(documents: [], error: nil)
            var expandedNodes = 0
            for piece in splitter.pieces {
                do throws(YAMLError) {
                    let origin = SourceOffsets.Origin(base: piece.range.lowerBound,
                                                      transcodedOffsets: decoded.originalOffsets)
                    let context = Context(limits: limits, rules: .kubectl, lineOffset: piece.lineOffset, origin: origin,
                                          expandedNodes: expandedNodes)
                    let parsed = try parse(UnsafeBufferPointer(rebasing: input[piece.range]), context)
                    // go-yaml reads only the first document of what kubectl hands it.
                    if parsed.documents.count > 1 {
                        throw YAMLError(message: "a second document in one piece, after a document end marker (...) or a "
                                            + "line break kubectl does not split at, which kubectl ignores; use ---",
                                        mark: parsed.documents[1].mark)
                    }
                    result.documents += parsed.documents
                    expandedNodes = parsed.expandedNodes
                } catch {
                    result.error = error
                    return result
                }
            }
            result.error = splitter.error
            return result
        }
    }

    /// True when kubectl reads `bytes` as a stream of JSON values rather than as YAML: the first character that
    /// is not white space, within the first 4096 bytes, is `{`. Editing keeps such a file JSON.
    public static func isJSONStream(_ bytes: [UInt8]) -> Bool {
        bytes.withUnsafeBufferPointer(KubectlStreamSplitter.isJSONStream)
    }

    /// kubectl decodes UTF-16 text (after its byte order mark) to UTF-8 before it looks for separators,
    /// so `---` lines of a UTF-16 file separate too. A UTF-8 byte order mark stays: for kubectl,
    /// `\u{FEFF}---#x` on the first line is not a separator. For decoded text, `originalOffsets` holds for each
    /// byte, and for the end, the offset in `bytes` of the character it belongs to.
    static func utf8DecodingUTF16(_ bytes: [UInt8]) -> (bytes: [UInt8], originalOffsets: [Int]?) {
        let isBigEndian: Bool
        if bytes.starts(with: [0xFE, 0xFF]) {
            isBigEndian = true
        } else if bytes.starts(with: [0xFF, 0xFE]) {
            isBigEndian = false
        } else {
            return (bytes, nil)
        }
        var units: [UInt16] = []
        units.reserveCapacity(bytes.count / 2)
        var index = 2
        while index + 1 < bytes.count {
            let first = UInt16(bytes[index]), second = UInt16(bytes[index + 1])
            units.append(isBigEndian ? first << 8 | second : second << 8 | first)
            index += 2
        }
        var utf8: [UInt8] = []
        var originalOffsets: [Int] = []
        utf8.reserveCapacity(units.count)
        originalOffsets.reserveCapacity(units.count)
        func append(_ scalar: Unicode.Scalar, from offset: Int) {
            let encoded = UTF8.encode(scalar)!
            utf8.append(contentsOf: encoded)
            originalOffsets.append(contentsOf: repeatElement(offset, count: encoded.count))
        }
        // Ill-formed units become U+FFFD, as String(decoding:as:) and Go's decoder make them.
        var iterator = units.makeIterator()
        var parser = UTF16.ForwardParser()
        var unitOffset = 0
        parsing: while true {
            switch parser.parseScalar(from: &iterator) {
            case .valid(let encoded):
                append(UTF16.decode(encoded), from: 2 + 2 * unitOffset)
                unitOffset += encoded.count
            case .error(let length):
                append("\u{FFFD}", from: 2 + 2 * unitOffset)
                unitOffset += length
            case .emptyInput:
                break parsing
            }
        }
        // An odd last byte is half a character; Go's decoder turns it into U+FFFD as well.
        if index < bytes.count { append("\u{FFFD}", from: index) }
        originalOffsets.append(bytes.count)
        return (utf8, originalOffsets)
    }

    static func parse(_ text: String, limits: NodeTreeBuilder.Limits) throws(YAMLError) -> [YAMLDocument] {
        var text = text
        return try text.withUTF8 { buffer in
            Result { () throws(YAMLError) in try parse(buffer, limits: limits) }
        }.get()
    }

    static func parse(_ bytes: [UInt8], limits: NodeTreeBuilder.Limits) throws(YAMLError) -> [YAMLDocument] {
        try bytes.withUnsafeBufferPointer { buffer in
            Result { () throws(YAMLError) in try parse(buffer, limits: limits) }
        }.get()
    }

    private static func parse(_ input: UnsafeBufferPointer<UInt8>,
                              limits: NodeTreeBuilder.Limits) throws(YAMLError) -> [YAMLDocument] {
        try parse(input, Context(limits: limits, rules: .yaml, lineOffset: 0, origin: SourceOffsets.Origin(),
                                 expandedNodes: 0)).documents
    }

    private static func parse(_ input: UnsafeBufferPointer<UInt8>, _ context: Context) throws(YAMLError) -> Parsed {
        // libyaml refuses a null input pointer, and an empty stream holds no documents anyway.
        guard !input.isEmpty else { return Parsed(documents: [], expandedNodes: context.expandedNodes) }
        do {
            return try parsed(in: input, rewrites: .none, context).parsed
        } catch where error.isInvalidUnicodeEscape {
            guard let parsed = try parseRewritingSurrogatePairs(input, context) else { throw error }
            return parsed
        }
    }

    /// Parses again with surrogate pair escapes rewritten; nil when the input has none.
    ///
    /// Rewriting never changes how libyaml splits the text into tokens (the rewrite holds no quote,
    /// space or indicator), so one parse with every pair rewritten tells exactly which pairs sit in
    /// double-quoted scalars. Only if some do not is a third parse needed, rewriting just those that do.
    private static func parseRewritingSurrogatePairs(_ input: UnsafeBufferPointer<UInt8>,
                                                     _ context: Context) throws(YAMLError) -> Parsed? {
        let occurrences = SurrogatePairEscapes(scanning: input).occurrences
        guard !occurrences.isEmpty else { return nil }
        let everyPair = SurrogatePairEscapes.rewrite(input, occurrences)
        let attempt = try everyPair.bytes.withUnsafeBufferPointer { buffer in
            Result { () throws(YAMLError) in try parsed(in: buffer, rewrites: everyPair.rewrites, context) }
        }.get()
        guard !attempt.rewrites.allConfirmed else { return attempt.parsed }

        let quotedPairs = SurrogatePairEscapes.rewrite(input, attempt.rewrites.confirmedIndices.map { occurrences[$0] })
        return try quotedPairs.bytes.withUnsafeBufferPointer { buffer in
            Result { () throws(YAMLError) in try parsed(in: buffer, rewrites: quotedPairs.rewrites, context) }
        }.get().parsed
    }

    private struct Context {
        let limits: NodeTreeBuilder.Limits
        let rules: ReadingRules
        let lineOffset: Int
        let origin: SourceOffsets.Origin
        /// Nodes aliases added in the pieces of the file before this one.
        let expandedNodes: Int
    }

    private struct Parsed {
        let documents: [YAMLDocument]
        let expandedNodes: Int
    }

    private static func parsed(in input: UnsafeBufferPointer<UInt8>, rewrites: EscapeRewrites,
                               _ context: Context) throws(YAMLError) -> (parsed: Parsed, rewrites: EscapeRewrites) {
        var reader = try LibYAMLEventReader(input: input, rewrites: rewrites, lineOffset: context.lineOffset,
                                            origin: context.origin)
        let (documents, expandedNodes) = try NodeTreeBuilder.documents(from: &reader, limits: context.limits, rules: context.rules,
                                                                        expandedNodes: context.expandedNodes)
        return (Parsed(documents: documents, expandedNodes: expandedNodes), reader.rewrites)
    }
}
