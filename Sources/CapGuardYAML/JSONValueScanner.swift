/// Finds where each value of a JSON stream ends, checking RFC 8259 syntax as Go's `encoding/json`
/// does, so that text Go refuses (trailing commas, comments, single quotes, bare words) is refused
/// here too instead of being read by the more lenient YAML parser.
struct JSONValueScanner {
    struct SyntaxError: Error {
        let message: String
        let offset: Int
    }

    private enum Expecting {
        case value, valueOrEnd, key, keyOrEnd, colon, commaOrEnd
    }

    private let input: UnsafeBufferPointer<UInt8>
    private(set) var offset = 0

    init(_ input: UnsafeBufferPointer<UInt8>) {
        self.input = input
    }

    var isAtEnd: Bool { offset >= input.count }

    mutating func skipWhitespace() {
        while offset < input.count, Self.isWhitespace(input[offset]) { offset += 1 }
    }

    /// Moves past one value; nesting is tracked on a stack of its own, not by recursion.
    mutating func skipValue() throws(SyntaxError) {
        var open: [UInt8] = []
        var expecting = Expecting.value
        while true {
            skipWhitespace()
            guard offset < input.count else { throw error("unexpected end of input") }
            let byte = input[offset]
            switch expecting {
            case .value, .valueOrEnd:
                if expecting == .valueOrEnd, byte == UInt8(ascii: "]") {
                    offset += 1
                    open.removeLast()
                } else {
                    switch byte {
                    case UInt8(ascii: "{"):
                        offset += 1
                        open.append(byte)
                        expecting = .keyOrEnd
                        continue
                    case UInt8(ascii: "["):
                        offset += 1
                        open.append(byte)
                        expecting = .valueOrEnd
                        continue
                    case UInt8(ascii: "\""): try skipString()
                    case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): try skipNumber()
                    case UInt8(ascii: "t"): try skipLiteral("true")
                    case UInt8(ascii: "f"): try skipLiteral("false")
                    case UInt8(ascii: "n"): try skipLiteral("null")
                    default: throw error("invalid character \(Self.describe(byte)) looking for the beginning of a value")
                    }
                }
            case .key, .keyOrEnd:
                if expecting == .keyOrEnd, byte == UInt8(ascii: "}") {
                    offset += 1
                    open.removeLast()
                } else {
                    guard byte == UInt8(ascii: "\"") else { throw error("invalid character \(Self.describe(byte)) looking for the beginning of a key") }
                    try skipString()
                    expecting = .colon
                    continue
                }
            case .colon:
                guard byte == UInt8(ascii: ":") else { throw error("invalid character \(Self.describe(byte)) after a key") }
                offset += 1
                expecting = .value
                continue
            case .commaOrEnd:
                let closing = open.last == UInt8(ascii: "{") ? UInt8(ascii: "}") : UInt8(ascii: "]")
                if byte == UInt8(ascii: ",") {
                    offset += 1
                    expecting = open.last == UInt8(ascii: "{") ? .key : .value
                    continue
                }
                guard byte == closing else { throw error("invalid character \(Self.describe(byte)) after a value") }
                offset += 1
                open.removeLast()
            }
            // A value was completed.
            if open.isEmpty { return }
            expecting = .commaOrEnd
        }
    }

    private mutating func skipString() throws(SyntaxError) {
        offset += 1
        while offset < input.count {
            let byte = input[offset]
            switch byte {
            case UInt8(ascii: "\""):
                offset += 1
                return
            case UInt8(ascii: "\\"):
                guard offset + 1 < input.count else { break }
                switch input[offset + 1] {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"), UInt8(ascii: "f"),
                     UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
                    offset += 2
                case UInt8(ascii: "u"):
                    guard offset + 6 <= input.count,
                          input[(offset + 2)..<(offset + 6)].allSatisfy({ Self.isHexDigit($0) }) else {
                        throw error("invalid \\u escape in a string")
                    }
                    offset += 6
                default:
                    throw error("invalid escape \\\(Self.describe(input[offset + 1])) in a string")
                }
            case 0..<0x20:
                throw error("control character \(Self.describe(byte)) in a string")
            default:
                offset += 1
            }
        }
        throw error("unexpected end of input in a string")
    }

    /// `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?`
    private mutating func skipNumber() throws(SyntaxError) {
        if input[offset] == UInt8(ascii: "-") { offset += 1 }
        guard offset < input.count, Self.isDigit(input[offset]) else { throw error("invalid number") }
        if input[offset] == UInt8(ascii: "0") {
            offset += 1
        } else {
            skipDigits()
        }
        if offset < input.count, input[offset] == UInt8(ascii: ".") {
            offset += 1
            guard offset < input.count, Self.isDigit(input[offset]) else { throw error("invalid number") }
            skipDigits()
        }
        if offset < input.count, input[offset] == UInt8(ascii: "e") || input[offset] == UInt8(ascii: "E") {
            offset += 1
            if offset < input.count, input[offset] == UInt8(ascii: "+") || input[offset] == UInt8(ascii: "-") { offset += 1 }
            guard offset < input.count, Self.isDigit(input[offset]) else { throw error("invalid number") }
            skipDigits()
        }
    }

    private mutating func skipDigits() {
        while offset < input.count, Self.isDigit(input[offset]) { offset += 1 }
    }

    private mutating func skipLiteral(_ literal: StaticString) throws(SyntaxError) {
        let bytes = UnsafeBufferPointer(start: literal.utf8Start, count: literal.utf8CodeUnitCount)
        guard offset + bytes.count <= input.count, input[offset..<(offset + bytes.count)].elementsEqual(bytes) else {
            throw error("invalid literal, expected \(literal)")
        }
        offset += bytes.count
    }

    private func error(_ message: String) -> SyntaxError {
        SyntaxError(message: message, offset: offset)
    }

    private static func isWhitespace(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") || byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\r")
    }

    private static func isDigit(_ byte: UInt8) -> Bool {
        byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
    }

    private static func isHexDigit(_ byte: UInt8) -> Bool {
        isDigit(byte) || (byte | 0x20 >= UInt8(ascii: "a") && byte | 0x20 <= UInt8(ascii: "f"))
    }

    private static func describe(_ byte: UInt8) -> String {
        byte >= 0x20 && byte < 0x7F ? "'\(Character(Unicode.Scalar(byte)))'" : "0x" + String(byte, radix: 16, uppercase: true)
    }
}
