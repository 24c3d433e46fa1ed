/// Why YAML text could not be read, and where.
public struct YAMLError: Error, Sendable, CustomStringConvertible {
    public let message: String
    public let mark: YAMLMark

    /// Set only for libyaml's refusal of a `\uD800`-`\uDFFF` escape, which may be half of a surrogate
    /// pair that the parser can still read after rewriting it.
    let isInvalidUnicodeEscape: Bool

    public init(message: String, mark: YAMLMark) {
        self.init(message: message, mark: mark, isInvalidUnicodeEscape: false)
    }

    init(message: String, mark: YAMLMark, isInvalidUnicodeEscape: Bool) {
        self.message = message
        self.mark = mark
        self.isInvalidUnicodeEscape = isInvalidUnicodeEscape
    }

    public var description: String { "\(mark): \(message)" }
}
