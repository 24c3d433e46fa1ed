/// Stable names of the policy's rules, for reports that other tools read (`check --output json|sarif`)
/// and that users filter or suppress by: renaming one breaks their configuration, so these never change.
public enum RuleID: String, Sendable, Hashable, CaseIterable, Encodable {
    /// `capabilities.drop` does not contain `ALL`.
    case dropAll = "drop-all"
    /// `capabilities.add` names a capability that is not on the allowlist.
    case addedCapability = "added-capability"
    /// `capabilities.add` names `ALL`.
    case addsAll = "adds-all"
    /// `capabilities.add` names something that is no Linux capability.
    case unknownCapability = "unknown-capability"
    /// `securityContext.privileged: true`.
    case privileged
    /// `drop` holds `ALL` in another case: an advisory, not a violation.
    case dropAllSpelling = "drop-all-spelling"
}

extension Violation.Rule {
    public var id: RuleID {
        switch self {
        case .mustDropAll: .dropAll
        case .capabilityNotAllowed: .addedCapability
        case .addsAll: .addsAll
        case .unknownCapability: .unknownCapability
        case .privileged: .privileged
        }
    }
}

extension Advisory.Kind {
    public var id: RuleID {
        switch self {
        case .dropAllSpelling: .dropAllSpelling
        }
    }
}
