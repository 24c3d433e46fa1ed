import CapGuardPolicy

/// The step every way of checking shares (the webhook, `capguard check`): from an object to the findings
/// of its pod spec, under the policy of its namespace, with exemptions applied. Findings come back as data;
/// callers word them and add what they know (a file's lines, a request's mode).
public struct ObjectChecker: Sendable {
    public var policies: PolicySet

    public init(policies: PolicySet) { self.policies = policies }

    /// Checks `object` (nil when a request carried none) in `namespace`. An exemption by namespace, or by
    /// `user` or `groups` when there is a request, covers the object whatever it is. `previous` is an
    /// UPDATE's old object: violations it already had are sorted apart (see `PreviousViolations`).
    public func check(
        _ object: KubeObject?, namespace: String?, user: String? = nil, groups: [String] = [], previous: KubeObject? = nil
    ) -> ObjectCheck {
        if let exemption = policies.exemptions.matching(namespace: namespace, user: user, groups: groups) {
            return .exempt(exemption)
        }
        guard let object, let workload = object.workload, let spec = object.podSpec else { return .noPodSpec }
        let existing = previous?.podSpec.map { policies.previousViolations($0, namespace: namespace) } ?? PreviousViolations()
        let (evaluation, policy, exemptImages) = policies.evaluate(spec, namespace: namespace, existing: existing)
        return .evaluated(PodSpecFindings(object: object, podSpecPath: workload.podSpecPath, policy: policy,
                                          evaluation: evaluation, exemptImages: exemptImages))
    }
}

/// What checking one object gave.
public enum ObjectCheck: Sendable, Hashable {
    /// An exemption covers the whole object: nothing of it was checked.
    case exempt(Exemption)
    /// Not a kind that carries a pod spec, or no object at all.
    case noPodSpec
    case evaluated(PodSpecFindings)
}

/// The findings of one object's pod spec, with what is needed to word them and to find their fields.
public struct PodSpecFindings: Sendable, Hashable {
    /// The object checked.
    public var object: KubeObject
    /// Where the object keeps its pod spec.
    public var podSpecPath: FieldPath
    /// The policy of the object's namespace.
    public var policy: Policy
    /// `skipped` says when the policy did not apply (a Windows pod).
    public var evaluation: Evaluation
    /// Exemptions by image that left containers out, for logs and reports.
    public var exemptImages: [Exemption]

    public init(object: KubeObject, podSpecPath: FieldPath, policy: Policy, evaluation: Evaluation, exemptImages: [Exemption]) {
        self.object = object
        self.podSpecPath = podSpecPath
        self.policy = policy
        self.evaluation = evaluation
        self.exemptImages = exemptImages
    }

    /// Words the findings for `object`, as messages name it.
    public func formatter(naming object: ObjectReference) -> ViolationFormatter {
        ViolationFormatter(object: object, podSpecPath: podSpecPath, policy: policy)
    }
}
