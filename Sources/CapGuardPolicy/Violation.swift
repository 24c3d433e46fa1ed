/// One way a container breaks the policy, as data: messages are rendered by `ViolationFormatter`.
public struct Violation: Sendable, Hashable {
    public enum Rule: Sendable, Hashable {
        /// `capabilities.drop` does not contain `ALL`; says what was there instead.
        case mustDropAll(DropProblem)
        /// `capabilities.add` names a capability that is not on the allowlist (and how the manifest wrote it).
        case capabilityNotAllowed(LinuxCapability, written: String)
        /// `capabilities.add` names `ALL` (carries the spelling): never allowed, whatever the allowlist says.
        case addsAll(String)
        /// `capabilities.add` names something that is no Linux capability (carries it as written).
        case unknownCapability(String)
        /// `securityContext.privileged: true`.
        case privileged
    }

    /// What the drop list held when it did not drop ALL.
    public enum DropProblem: Sendable, Hashable {
        case noSecurityContext
        case noCapabilities
        case emptyDropList
        /// Individual capabilities only; carries them as written.
        case individualCapabilities([String])
        /// `CAP_ALL` (as written), which no runtime reads as `ALL`.
        case capPrefixedAll(String)
    }

    public var container: ContainerReference
    public var rule: Rule
    /// Where below the container, e.g. `securityContext.capabilities.add[1]`.
    public var field: FieldPath

    public init(container: ContainerReference, rule: Rule, field: FieldPath) {
        self.container = container
        self.rule = rule
        self.field = field
    }
}

/// A finding that does not violate the policy but that the user should hear about.
public struct Advisory: Sendable, Hashable {
    public enum Kind: Sendable, Hashable {
        /// `drop` holds `ALL` in another case (carries the spelling): runtimes accept it, Pod Security
        /// Admission's restricted profile does not.
        case dropAllSpelling(String)
    }

    public var container: ContainerReference
    public var kind: Kind
    /// Where below the container, as for a violation.
    public var field: FieldPath

    public init(container: ContainerReference, kind: Kind, field: FieldPath) {
        self.container = container
        self.kind = kind
        self.field = field
    }
}
