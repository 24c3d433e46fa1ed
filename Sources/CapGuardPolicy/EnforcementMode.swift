/// What capguard does with a request that violates the policy.
public enum EnforcementMode: String, Sendable, Hashable, CaseIterable, Codable {
    /// Refuse the request.
    case enforce
    /// Allow it, and report what would have been refused (warnings, audit annotations, logs).
    case audit
}
