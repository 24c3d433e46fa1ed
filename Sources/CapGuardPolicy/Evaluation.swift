/// The result of checking one pod spec against a policy.
public struct Evaluation: Sendable, Hashable {
    /// Why the policy did not apply at all, when it did not.
    public enum Skip: Sendable, Hashable {
        /// `spec.os.name: windows`: Linux capabilities do not exist there.
        case windowsPod
    }

    public var violations: [Violation] = []
    public var advisories: [Advisory] = []
    public var skipped: Skip?

    public init(violations: [Violation] = [], advisories: [Advisory] = [], skipped: Skip? = nil) {
        self.violations = violations
        self.advisories = advisories
        self.skipped = skipped
    }

    public var isCompliant: Bool { violations.isEmpty }

    /// The violations of this evaluation that `previous` does not have (see `Violation.Identity`).
    public func violations(notIn previous: Evaluation) -> [Violation] {
        let old = Set(previous.violations.map(\.identity))
        return violations.filter { !old.contains($0.identity) }
    }
}
