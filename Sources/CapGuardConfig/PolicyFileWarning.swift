import CapGuardYAML

/// Something in a valid policy file that deserves a second look: it does not stop the file from loading.
public struct PolicyFileWarning: Sendable, Hashable, CustomStringConvertible {
    public let file: String
    public let line: Int
    public let column: Int
    public let message: String

    public init(file: String, mark: YAMLMark, message: String) {
        self.file = file
        self.line = mark.line
        self.column = mark.column
        self.message = message
    }

    /// `policy.yaml:9:7: warning: ...`, the form compilers use, so that editors and CI logs link to it.
    public var description: String { "\(file):\(line):\(column): warning: \(message)" }
}
