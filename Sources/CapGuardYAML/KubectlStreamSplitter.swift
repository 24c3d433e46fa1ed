/// Cuts a file into documents the way kubectl does before any YAML parser sees them
/// (k8s.io/apimachinery's YAMLOrJSONDecoder), so that a document boundary is where kubectl puts it:
///
/// - a stream whose first character that is not white space, within the first 4096 bytes, is `{` is a
///   stream of JSON values, one after another, read by Go's JSON decoder;
/// - any other stream is YAML, cut at every line that starts with `---`: such a line is a separator when
///   nothing but white space or a `#` comment follows the dashes, and an error otherwise (`--- |`,
///   `----`, `---x`), where kubectl stops reading. A separator line with nothing before it in its
///   document (at the start of the file, or right after another separator) does not cut: it stays the
///   first line of the document, which libyaml then reads as go-yaml does.
struct KubectlStreamSplitter {
    struct Piece {
        /// Bytes of the piece, without the separator line that ends the piece before it.
        let range: Range<Int>
        /// Lines of the file before the piece.
        let lineOffset: Int
    }

    /// How far kubectl looks for the `{` that makes a stream JSON.
    static let jsonSniffLength = 4096

    private(set) var pieces: [Piece] = []
    /// Where kubectl stops reading, if it does before the end.
    private(set) var error: YAMLError?

    init(_ input: UnsafeBufferPointer<UInt8>) {
        if Self.isJSONStream(input) {
            splitJSON(input)
        } else {
            splitYAML(input)
        }
    }

    static func isJSONStream(_ input: UnsafeBufferPointer<UInt8>) -> Bool {
        let window = String(decoding: input.prefix(jsonSniffLength), as: UTF8.self)
        let first = window.unicodeScalars.first { !$0.properties.isWhitespace }
        return first == "{"
    }

    private mutating func splitYAML(_ input: UnsafeBufferPointer<UInt8>) {
        var lines = TextPositionCounter(input)
        var pieceStart = 0
        var lineStart = 0
        while lineStart < input.count {
            let newline = input[lineStart...].firstIndex(of: UInt8(ascii: "\n"))
            let lineEnd = newline ?? input.count
            let next = newline.map { $0 + 1 } ?? input.count
            if Self.startsWithDashes(input, at: lineStart, end: lineEnd) {
                let rest = String(decoding: UnsafeBufferPointer(rebasing: input[(lineStart + 3)..<lineEnd]), as: UTF8.self)
                let trimmed = rest.unicodeScalars.drop { $0.properties.isWhitespace }
                if let first = trimmed.first, first != "#" {
                    let shown = String(String.UnicodeScalarView(trimmed.prefix(40)))
                    lines.advance(to: lineStart)
                    error = YAMLError(
                        message: "invalid document separator: kubectl refuses a line that starts with --- and goes on "
                            + "with anything but spaces or a # comment (found \(Self.quoted(shown)))",
                        mark: YAMLMark(line: lines.position.line + 1, column: 4))
                    return
                }
                // kubectl keeps a separator line that would end an empty document as that document's
                // first line: `---` then opens it, but `---#x` is text to the YAML parser.
                if lineStart > pieceStart {
                    addPiece(pieceStart..<lineStart, counter: &lines)
                    pieceStart = next
                }
            }
            lineStart = next
        }
        addPiece(pieceStart..<input.count, counter: &lines)
        checkByteOrderMarks(input)
    }

    /// libyaml skips a byte order mark anywhere between tokens; go-yaml, only at the start, and reads or
    /// refuses one elsewhere. No manifest needs one there, so capguard refuses the file.
    private mutating func checkByteOrderMarks(_ input: UnsafeBufferPointer<UInt8>) {
        let starts = Set(pieces.map(\.range.lowerBound))
        var from = 0
        while let index = input[from...].firstIndex(of: 0xEF) {
            from = index + 1
            guard index + 2 < input.count, input[index + 1] == 0xBB, input[index + 2] == 0xBF,
                  !starts.contains(index) else { continue }
            let keptPieces = pieces.prefix { $0.range.upperBound <= index }
            var counter = TextPositionCounter(input)
            counter.advance(to: index)
            pieces = Array(keptPieces)
            error = YAMLError(message: "a byte order mark (U+FEFF) that does not start a document, which kubectl's YAML "
                                  + "parser reads its own way; remove it",
                              mark: YAMLMark(line: counter.position.line + 1, column: counter.position.column + 1))
            return
        }
    }

    private static func startsWithDashes(_ input: UnsafeBufferPointer<UInt8>, at start: Int, end: Int) -> Bool {
        end - start >= 3 && input[start] == UInt8(ascii: "-") && input[start + 1] == UInt8(ascii: "-")
            && input[start + 2] == UInt8(ascii: "-")
    }

    private mutating func splitJSON(_ input: UnsafeBufferPointer<UInt8>) {
        var lines = TextPositionCounter(input)
        var scanner = JSONValueScanner(input)
        while true {
            scanner.skipWhitespace()
            guard !scanner.isAtEnd else { return }
            let start = scanner.offset
            do {
                try scanner.skipValue()
            } catch {
                lines.advance(to: error.offset)
                self.error = YAMLError(message: "invalid JSON: \(error.message)",
                                       mark: YAMLMark(line: lines.position.line + 1, column: lines.position.column + 1))
                return
            }
            addPiece(start..<scanner.offset, counter: &lines)
        }
    }

    private mutating func addPiece(_ range: Range<Int>, counter: inout TextPositionCounter) {
        guard !range.isEmpty else { return }
        counter.advance(to: range.lowerBound)
        pieces.append(Piece(range: range, lineOffset: counter.position.line))
    }

    private static func quoted(_ text: String) -> String {
        "\"" + text.unicodeScalars.map { $0.escaped(asASCII: false) }.joined() + "\""
    }
}
