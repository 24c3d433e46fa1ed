/// Everything a policy file says: the cluster-wide policy, per-namespace overrides and exemptions.
public struct PolicySet: Sendable, Hashable {
    public var base: Policy
    /// Complete policies for namespaces that override the base (unset keys already filled from the base).
    public var namespaceOverrides: [String: Policy]
    public var exemptions: Exemptions
    /// What `/mutate` changes; validation and `capguard fix` do not read it.
    public var mutation: MutationSettings

    public init(
        base: Policy = .default, namespaceOverrides: [String: Policy] = [:], exemptions: Exemptions = Exemptions(),
        mutation: MutationSettings = MutationSettings()
    ) {
        self.base = base
        self.namespaceOverrides = namespaceOverrides
        self.exemptions = exemptions
        self.mutation = mutation
    }

    /// The embedded default: enforce, drop ALL, the default allowlist, privileged denied, no exemptions.
    public static let `default` = PolicySet()

    public func policy(forNamespace namespace: String?) -> Policy {
        namespace.flatMap { namespaceOverrides[$0] } ?? base
    }

    /// Evaluates a pod spec with the policy of `namespace`, leaving out containers whose image is exempt;
    /// returns the exemptions that applied so that they can be logged. `existing` is as in `Policy.evaluate`.
    public func evaluate(
        _ spec: PodSpec, namespace: String?, limits: FindingLimits = .default, existing: PreviousViolations = PreviousViolations()
    ) -> (evaluation: Evaluation, policy: Policy, exemptImages: [Exemption]) {
        let policy = policy(forNamespace: namespace)
        guard !exemptions.images.isEmpty else { return (policy.evaluate(spec, limits: limits, existing: existing), policy, []) }
        var applied: [Exemption] = []
        let evaluation = policy.evaluate(spec, limits: limits, existing: existing) { container in
            guard let exemption = exemptions.matching(image: container.image) else { return false }
            if !applied.contains(exemption) { applied.append(exemption) }
            return true
        }
        return (evaluation, policy, applied)
    }

    /// Every violation of `spec` under the policy of `namespace`, image exemptions applied: an UPDATE's old
    /// object (see `Policy.previousViolations`).
    public func previousViolations(_ spec: PodSpec, namespace: String?) -> PreviousViolations {
        policy(forNamespace: namespace).previousViolations(spec) { exemptions.matching(image: $0.image) != nil }
    }
}
