/// `!!binary` scalars, decoded as go-yaml v2 decodes them: kubectl sends the decoded text, so
/// `kind: !!binary UG9k` is a Pod and capguard must read it as one.
enum BinaryScalar {
    static let tag = "tag:yaml.org,2002:binary"

    /// The node itself, or for a `!!binary` scalar a string node holding the decoded text.
    static func decodingIfTagged(_ node: YAMLNode) throws(YAMLError) -> YAMLNode {
        guard node.tag == tag, let scalar = node.scalar else { return node }
        guard let bytes = decode(scalar.value) else {
            throw YAMLError(message: "a !!binary value that is not base64, which kubectl refuses", mark: node.mark)
        }
        // Go would send invalid UTF-8 as U+FFFD; nothing legitimate in a manifest depends on that.
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw YAMLError(message: "a !!binary value that is not UTF-8 text once decoded", mark: node.mark)
        }
        return YAMLNode(.scalar(YAMLScalar(value: text, style: .doubleQuoted)), mark: node.mark, tag: CoreTag.str,
                        extent: node.extent)
    }

    /// Standard base64 with padding, as Go's `base64.StdEncoding` reads it: line breaks are skipped,
    /// anything else outside the alphabet is an error.
    static func decode(_ text: String) -> [UInt8]? {
        var values: [UInt8] = []
        var padding = 0
        for byte in text.utf8 where byte != UInt8(ascii: "\n") && byte != UInt8(ascii: "\r") {
            if byte == UInt8(ascii: "=") {
                padding += 1
                continue
            }
            guard padding == 0, let value = sextet(byte) else { return nil }
            values.append(value)
        }
        guard (values.count + padding) % 4 == 0, padding <= 2, values.count % 4 != 1 else { return nil }
        guard padding == 0 || (values.count % 4) + padding == 4 else { return nil }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(values.count * 3 / 4)
        var index = 0
        while index < values.count {
            let group = values[index..<min(index + 4, values.count)]
            let bits = group.enumerated().reduce(UInt32(0)) { $0 | UInt32($1.element) << (18 - 6 * $1.offset) }
            let count = group.count - 1
            // Like Go's non-strict decoding, bits left over in the last group are ignored.
            for shift in [16, 8, 0].prefix(count) { bytes.append(UInt8(truncatingIfNeeded: bits >> shift)) }
            index += 4
        }
        return bytes
    }

    private static func sextet(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"): byte - UInt8(ascii: "A")
        case UInt8(ascii: "a")...UInt8(ascii: "z"): byte - UInt8(ascii: "a") + 26
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0") + 52
        case UInt8(ascii: "+"): 62
        case UInt8(ascii: "/"): 63
        default: nil
        }
    }
}
