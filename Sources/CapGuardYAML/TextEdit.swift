/// A change to a text as bytes: what replaces a range of the original. Edits made from node extents change
/// only what they cover, so every other byte of a file (comments, quoting, line endings) stays as it was.
public struct TextEdit: Sendable, Hashable {
    /// Bytes of the original text that are replaced; empty for an insertion.
    public let range: Range<Int>
    public let replacement: [UInt8]

    public init(range: Range<Int>, replacement: [UInt8]) {
        self.range = range
        self.replacement = replacement
    }

    public init(range: Range<Int>, replacement: String) {
        self.init(range: range, replacement: Array(replacement.utf8))
    }

    /// `bytes` with every edit made, or nil when two edits overlap (an insertion may touch the end of a
    /// replacement, which it then follows).
    public static func apply(_ edits: [TextEdit], to bytes: [UInt8]) -> [UInt8]? {
        let sorted = edits.sorted { ($0.range.lowerBound, $0.range.upperBound) < ($1.range.lowerBound, $1.range.upperBound) }
        var result: [UInt8] = []
        result.reserveCapacity(bytes.count + sorted.reduce(0) { $0 + $1.replacement.count })
        var copied = 0
        for edit in sorted {
            guard edit.range.lowerBound >= copied, edit.range.upperBound <= bytes.count else { return nil }
            result += bytes[copied..<edit.range.lowerBound]
            result += edit.replacement
            copied = edit.range.upperBound
        }
        result += bytes[copied...]
        return result
    }
}
