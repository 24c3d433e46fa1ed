/// A position in YAML text, both numbers counted from 1 as editors show them.
///
/// Columns count Unicode characters, not bytes, and a leading byte order mark is not counted.
public struct YAMLMark: Sendable, Hashable, CustomStringConvertible {
    public let line: Int
    public let column: Int

    public init(line: Int, column: Int) {
        self.line = line
        self.column = column
    }

    public var description: String { "line \(line), column \(column)" }
}
