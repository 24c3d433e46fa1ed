/// Everything a policy file says: the cluster-wide policy, per-namespace overrides, exemptions and grants.
public struct PolicySet: Sendable, Hashable {
    public var base: Policy
    /// Complete policies for namespaces that override the base (unset keys already filled from the base).
    public var namespaceOverrides: [String: Policy]
    public var exemptions: Exemptions
    /// In the policy file's order, which decides the grant reported when several allow the same thing.
    public var grants: [Grant]
    /// What `/mutate` changes; validation and `capguard fix` do not read it.
    public var mutation: MutationSettings

    public init(
        base: Policy = .default, namespaceOverrides: [String: Policy] = [:], exemptions: Exemptions = Exemptions(),
        grants: [Grant] = [], mutation: MutationSettings = MutationSettings()
    ) {
        self.base = base
        self.namespaceOverrides = namespaceOverrides
        self.exemptions = exemptions
        self.grants = grants
        self.mutation = mutation
    }

    /// The embedded default: enforce, drop ALL, the default allowlist, privileged denied, no exemptions.
    public static let `default` = PolicySet()

    public func policy(forNamespace namespace: String?) -> Policy {
        namespace.flatMap { namespaceOverrides[$0] } ?? base
    }

    /// The grants that select a pod `spec` in `namespace`; a grant's capabilities add to the allowlist of
    /// the namespace's policy, override or not.
    public func grants(for spec: PodSpec, namespace: String?) -> PodGrants {
        grants.isEmpty ? .none : PodGrants(grants, namespace: namespace, serviceAccount: spec.effectiveServiceAccountName)
    }

    /// Evaluates a pod spec with the policy of `namespace` and the grants that select it, leaving out
    /// containers whose image is exempt; returns the exemptions that applied so that they can be logged.
    /// What grants allowed is in the evaluation. `existing` is as in `Policy.evaluate`.
    public func evaluate(
        _ spec: PodSpec, namespace: String?, limits: FindingLimits = .default, existing: PreviousViolations = PreviousViolations()
    ) -> (evaluation: Evaluation, policy: Policy, exemptImages: [Exemption]) {
        let policy = policy(forNamespace: namespace)
        let grants = grants(for: spec, namespace: namespace)
        guard !exemptions.images.isEmpty else {
            return (policy.evaluate(spec, limits: limits, existing: existing, grants: grants), policy, [])
        }
        var applied: [Exemption] = []
        let evaluation = policy.evaluate(spec, limits: limits, existing: existing, grants: grants) { container in
            guard let exemption = exemptions.matching(image: container.image) else { return false }
            if !applied.contains(exemption) { applied.append(exemption) }
            return true
        }
        return (evaluation, policy, applied)
    }

    /// Every violation of `spec` under the policy of `namespace`, image exemptions and grants applied: an
    /// UPDATE's old object (see `Policy.previousViolations`).
    public func previousViolations(_ spec: PodSpec, namespace: String?) -> PreviousViolations {
        policy(forNamespace: namespace).previousViolations(spec, grants: grants(for: spec, namespace: namespace)) {
            exemptions.matching(image: $0.image) != nil
        }
    }
}
