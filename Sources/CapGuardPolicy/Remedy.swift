/// The smallest change to one container that removes a violation, where that change is safe (SPEC section
/// 7a). Shared by `capguard fix`, which edits files, and `/mutate`, which answers with a JSON Patch.
///
/// Only two changes are ever made. Setting `drop: [ALL]` never breaks a workload that the policy would
/// admit anyway, and rewriting `cap_chown` as `CHOWN` changes no runtime's reading of the name. Removing an
/// added capability or `privileged: true` could break the workload at run time, which is worse than a clear
/// denial, so those stay violations that need a decision.
public struct Remedy: Sendable, Hashable {
    public enum Change: Sendable, Hashable {
        /// Set `securityContext.capabilities.drop` to `[ALL]`: it replaces individual drops, `CAP_ALL` and
        /// `all` in another case. `creating` says which of the objects above the list are missing.
        case dropAll(creating: MissingParent)
        /// Write the entry of `capabilities.add` at `index`, spelled `written`, as the plain name.
        case renameAdded(index: Int, written: String, capability: LinuxCapability)
    }

    /// The object that must be created for `drop` to be set; `capabilities` implies `securityContext` exists.
    public enum MissingParent: Sendable, Hashable {
        case none
        case capabilities
        case securityContext
    }

    public var container: ContainerReference
    public var change: Change

    public init(container: ContainerReference, change: Change) {
        self.container = container
        self.change = change
    }

    /// Where below the container the change writes: the object it creates, the drop list, or the add entry.
    public var field: FieldPath {
        switch change {
        case .dropAll(creating: .securityContext): ["securityContext"]
        case .dropAll(creating: .capabilities): ["securityContext", "capabilities"]
        case .dropAll(creating: .none): CapabilityField.drop
        case .renameAdded(let index, _, _): CapabilityField.add.appending(.index(index))
        }
    }
}

/// What the remedy does to one pod spec: the changes it makes, and the violations it leaves for a person.
public struct PodSpecRemedy: Sendable, Hashable {
    /// In the order of the containers, those of one container next to each other.
    public var changes: [Remedy] = []
    /// Violations no safe change removes (capabilities beyond the allowlist, unknown names, `ALL` in `add`,
    /// privileged), bounded as an evaluation's are.
    public var undecided: FindingList<Violation>
    /// Set when the policy does not apply at all (a Windows pod): nothing is changed.
    public var skipped: Evaluation.Skip?

    public init(limits: FindingLimits = .default, skipped: Evaluation.Skip? = nil) {
        undecided = FindingList(limits: limits)
        self.skipped = skipped
    }
}

extension Policy {
    /// The remedy for every container of `spec` that the policy covers; `grants` and `skippingContainer`
    /// are as in `evaluate`: what a grant allows a container needs no decision, and its spelling is fixed
    /// as the allowlist's is.
    public func remedy(
        for spec: PodSpec, limits: FindingLimits = .default, grants: PodGrants = .none,
        skippingContainer isExempt: (ContainerReference) -> Bool = { _ in false }
    ) -> PodSpecRemedy {
        let evaluation = evaluate(
            spec, limits: FindingLimits(perContainer: .max, total: .max), grants: grants, skippingContainer: isExempt)
        var remedy = PodSpecRemedy(limits: limits, skipped: evaluation.skipped)
        guard evaluation.skipped == nil else { return remedy }
        for violation in evaluation.violations {
            if case .mustDropAll = violation.rule { continue }
            remedy.undecided.append(violation)
        }
        for list in ContainerList.allCases {
            for (index, container) in spec.containers(in: list).enumerated() {
                let reference = ContainerReference(list: list, index: index, name: container.name, image: container.image)
                if isExempt(reference) { continue }
                remedy.changes += changes(for: container, at: reference, grants: grants.forContainer(reference))
            }
        }
        return remedy
    }

    private func changes(for container: Container, at reference: ContainerReference, grants: ContainerGrants) -> [Remedy] {
        var changes: [Remedy] = []
        if let missing = Self.dropAllParent(container) {
            changes.append(Remedy(container: reference, change: .dropAll(creating: missing)))
        }
        for (index, entry) in (container.securityContext?.capabilities?.add ?? []).enumerated() {
            // Only names the allowlist or a grant admits: a capability that needs a decision is left as written.
            guard case .known(let capability) = CapabilityName.added(entry),
                  allows(capability) || grants.grant(allowing: capability) != nil, entry != capability.name
            else { continue }
            changes.append(Remedy(container: reference, change: .renameAdded(index: index, written: entry, capability: capability)))
        }
        return changes
    }

    /// Which parent `drop: [ALL]` needs, or nil when the drop list already holds `ALL` exactly. `all` in
    /// another case passes the policy but not Pod Security Admission's restricted profile, so it is
    /// rewritten too.
    private static func dropAllParent(_ container: Container) -> Remedy.MissingParent? {
        guard let securityContext = container.securityContext else { return .securityContext }
        guard let capabilities = securityContext.capabilities else { return .capabilities }
        return capabilities.drop.contains("ALL") ? nil : Remedy.MissingParent.none
    }
}

extension PolicySet {
    /// The remedy for `spec` under the policy of `namespace` and the grants that select it, leaving out
    /// containers whose image is exempt.
    public func remedy(for spec: PodSpec, namespace: String?, limits: FindingLimits = .default) -> PodSpecRemedy {
        policy(forNamespace: namespace).remedy(for: spec, limits: limits, grants: grants(for: spec, namespace: namespace)) {
            exemptions.matching(image: $0.image) != nil
        }
    }
}
