/// The text of a scalar node exactly as YAML defines it (escapes decoded, lines folded),
/// together with how it was written, because quoting decides whether `true` is a boolean or a string.
public struct YAMLScalar: Sendable, Hashable {
    public enum Style: Sendable {
        case plain, singleQuoted, doubleQuoted, literal, folded
    }

    public let value: String
    public let style: Style

    public init(value: String, style: Style) {
        self.value = value
        self.style = style
    }
}
