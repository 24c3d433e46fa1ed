/// A hexadecimal digit's value: for `\uXXXX` escapes in JSON and YAML, chunk sizes and percent-escapes in HTTP.
public enum HexDigit {
    public static func value(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }

    /// The value of the four hexadecimal digits at `start` (a `\uXXXX` escape's), nil if there are not four.
    public static func value4(_ bytes: UnsafeBufferPointer<UInt8>, at start: Int) -> UInt32? {
        guard start >= 0, start + 4 <= bytes.count else { return nil }
        var value: UInt32 = 0
        for index in start..<start + 4 {
            guard let digit = HexDigit.value(bytes[index]) else { return nil }
            value = value << 4 | UInt32(digit)
        }
        return value
    }
}
