import CapGuardYAML

/// One problem in a policy file, where it is, and how to fix it.
public struct PolicyFileError: Error, Sendable, Hashable, CustomStringConvertible {
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

    /// `policy.yaml:3:5: unknown key "allowedCapabilites" (did you mean "allowedCapabilities"?)`, the form
    /// editors and CI logs link to.
    public var description: String { "\(file):\(line):\(column): \(message)" }
}

/// Every problem found in a policy file: all are reported, not only the first.
public struct PolicyFileErrors: Error, Sendable, Hashable, CustomStringConvertible {
    public let errors: [PolicyFileError]

    public init(_ errors: [PolicyFileError]) { self.errors = errors }

    public var description: String { errors.map(\.description).joined(separator: "\n") }
}
