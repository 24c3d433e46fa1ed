/// JSON string literals as bytes: written for the small documents capguard writes by hand (admission responses
/// and log lines, both on the path of every request), and read back to the text they stand for.
public enum JSONText {
    private static let hexDigits = Array("0123456789abcdef".utf8)

    /// A JSON string literal, escaping what RFC 8259 requires and every scalar of `TextSafety.mustEscape`.
    public static func string(_ text: String) -> String {
        var bytes: [UInt8] = []
        append(text, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Appends `text` as a JSON string literal, copying runs that need no escape at once.
    ///
    /// Besides what RFC 8259 requires, the scalars of `TextSafety.mustEscape` are written as `\uXXXX`, so a
    /// log line read raw (`kubectl logs`) shows them instead of obeying them. They all start with one of
    /// the lead bytes 0x7F, 0xC2, 0xE2 and 0xEF, so other bytes stay on the fast path.
    public static func append(_ text: String, to bytes: inout [UInt8]) {
        bytes.append(UInt8(ascii: "\""))
        var text = text
        text.withUTF8 { utf8 in
            var runStart = 0
            var index = 0
            while index < utf8.count {
                let byte = utf8[index]
                let length: Int
                let scalar: UInt32
                switch byte {
                case 0x00..<0x20, UInt8(ascii: "\""), UInt8(ascii: "\\"), 0x7F:
                    (length, scalar) = (1, UInt32(byte))
                // A String is valid UTF-8: a lead byte is always followed by its continuation bytes.
                case 0xC2:
                    let value = UInt32(utf8[index + 1] & 0x3F) | 0x80
                    guard value < 0xA0 else {
                        index += 2
                        continue
                    }
                    (length, scalar) = (2, value)
                case 0xE2, 0xEF:
                    let value = UInt32(byte & 0x0F) << 12 | UInt32(utf8[index + 1] & 0x3F) << 6 | UInt32(utf8[index + 2] & 0x3F)
                    guard Unicode.Scalar(value).map(TextSafety.mustEscape) == true else {
                        index += 3
                        continue
                    }
                    (length, scalar) = (3, value)
                default:
                    index += 1
                    continue
                }
                bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart..<index]))
                bytes.append(UInt8(ascii: "\\"))
                switch scalar {
                case 0x22, 0x5C: bytes.append(UInt8(scalar))
                case 0x0A: bytes.append(UInt8(ascii: "n"))
                case 0x0D: bytes.append(UInt8(ascii: "r"))
                case 0x09: bytes.append(UInt8(ascii: "t"))
                default:
                    bytes += [UInt8(ascii: "u"), hexDigits[Int(scalar >> 12)], hexDigits[Int(scalar >> 8 & 0xF)],
                              hexDigits[Int(scalar >> 4 & 0xF)], hexDigits[Int(scalar & 0xF)]]
                }
                index += length
                runStart = index
            }
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart...]))
        }
        bytes.append(UInt8(ascii: "\""))
    }

    /// The UTF-8 bytes the text of a JSON string (between its quotes) stands for, as Go decodes them: a lone
    /// surrogate becomes U+FFFD.
    public static func unescaped(_ raw: UnsafeBufferPointer<UInt8>) -> [UInt8] {
        var out: [UInt8] = []
        var index = 0
        while index < raw.count {
            let byte = raw[index]
            guard byte == UInt8(ascii: "\\"), index + 1 < raw.count else {
                out.append(byte)
                index += 1
                continue
            }
            let escape = raw[index + 1]
            index += 2
            switch escape {
            case UInt8(ascii: "b"): out.append(0x08)
            case UInt8(ascii: "f"): out.append(0x0C)
            case UInt8(ascii: "n"): out.append(0x0A)
            case UInt8(ascii: "r"): out.append(0x0D)
            case UInt8(ascii: "t"): out.append(0x09)
            case UInt8(ascii: "u"):
                guard var value = HexDigit.value4(raw, at: index) else { continue }
                index += 4
                if (0xD800..<0xDC00).contains(value), index + 6 <= raw.count, raw[index] == UInt8(ascii: "\\"),
                   raw[index + 1] == UInt8(ascii: "u"), let low = HexDigit.value4(raw, at: index + 2), (0xDC00..<0xE000).contains(low) {
                    value = 0x10000 + ((value - 0xD800) << 10) + (low - 0xDC00)
                    index += 6
                }
                out.append(contentsOf: String(Unicode.Scalar(value) ?? "\u{FFFD}").utf8)
            default: out.append(escape)
            }
        }
        return out
    }
}
