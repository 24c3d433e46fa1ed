/// The result of checking one pod spec against a policy, bounded by `FindingLimits`.
public struct Evaluation: Sendable, Hashable {
    /// Why the policy did not apply at all, when it did not.
    public enum Skip: Sendable, Hashable {
        /// `spec.os.name: windows`: Linux capabilities do not exist there.
        case windowsPod
    }

    /// The violations that decide: all of them, or on an UPDATE those the old object did not have.
    public var violations: FindingList<Violation>
    /// On an UPDATE, the violations the old object already had (see `PreviousViolations`).
    public var existingViolations: FindingList<Violation>
    public var advisories: FindingList<Advisory>
    /// What grants allowed, each capability (or privileged) of each container.
    public var grantUses: FindingList<GrantUse>
    /// The names of the grants that allowed anything, in the order first used, none left out (there are at
    /// most as many as the policy has grants).
    public var grantsUsed: [String] = []
    public var skipped: Skip?

    public init(limits: FindingLimits = .default, skipped: Skip? = nil) {
        violations = FindingList(limits: limits)
        existingViolations = FindingList(limits: limits)
        advisories = FindingList(limits: limits)
        grantUses = FindingList(limits: limits)
        self.skipped = skipped
    }

    public var isCompliant: Bool { violations.isEmpty }
}

/// Sorts what the checks report into an evaluation, as new or existing violations.
struct EvaluationSink: FindingSink {
    var evaluation: Evaluation
    /// The old object's violations; empty on a CREATE.
    let existing: PreviousViolations

    mutating func report(_ violation: Violation) {
        if !existing.isEmpty && existing.contains(violation) {
            evaluation.existingViolations.append(violation)
        } else {
            evaluation.violations.append(violation)
        }
    }

    mutating func report(_ advisory: Advisory) { evaluation.advisories.append(advisory) }

    mutating func report(_ use: GrantUse) {
        evaluation.grantUses.append(use)
        if !evaluation.grantsUsed.contains(use.grant) { evaluation.grantsUsed.append(use.grant) }
    }
}
