import CapGuardPolicy

/// Evaluates what runs in a cluster, page by page, and folds each Pod under its top owner so that one bad
/// Deployment is one finding with the count of its pods, not one per pod.
///
/// Objects must come owners first, in `listingOrder`: an owner is then known when what it owns arrives, so a
/// Pod folds at once and only top owners and standalone Pods are kept (as `AuditedObject`s); intermediate
/// owners (a Deployment's ReplicaSets, a CronJob's Jobs) cost one entry in a map from uid to top owner.
///
/// Which spec decides: the top owner's template, since it makes the next pods. Pods made from an older
/// template (a Deployment already fixed whose old ReplicaSet's pods still run) are counted apart as
/// `violatingPods`, so the report can say "the template complies, 3 running pods still violate".
///
/// An owner missing from the lists (deleted with orphaning, a kind capguard does not list, such as a Node for
/// mirror pods or a custom controller, or one RBAC did not allow listing) leaves the object reported under its
/// nearest listed owner, or as itself, with a note naming the missing owner.
///
/// Exemptions by namespace and image apply as in the webhook; exemptions by user or group do not, since no
/// request (and so no user) is involved.
public struct ClusterAudit: Sendable {
    /// Owners before what they own: CronJobs before Jobs, Deployments before ReplicaSets, workloads before Pods.
    public static let listingOrder: [APIResource] = [
        .cronJobs, .jobs, .deployments, .replicaSets, .statefulSets, .daemonSets, .replicationControllers, .pods,
    ]

    private let checker: ObjectChecker
    private var reported: [AuditedObject] = []
    /// Every listed workload's uid, to the index in `reported` of the object its pods count under.
    private var topOwner: [String: Int] = [:]

    public init(policies: PolicySet) {
        checker = ObjectChecker(policies: policies)
    }

    /// Adds one page of a list (objects of one kind, from `listingOrder`).
    public mutating func add(_ objects: [KubeObject]) {
        for object in objects { add(object) }
    }

    public mutating func add(_ object: KubeObject) {
        guard let workload = object.workload, workload != .podTemplate else { return }
        let owner = object.metadata.controller
        let ownerIndex = owner.flatMap { topOwner[$0.uid] }
        if workload == .pod, let ownerIndex {
            fold(object, into: ownerIndex)
            return
        }
        if let ownerIndex {
            // An intermediate owner: its pods count under the top owner, whose template decides.
            if let uid = object.metadata.uid { topOwner[uid] = ownerIndex }
            return
        }
        var audited = evaluate(object)
        if let owner {
            audited.note = "owned by \(ManifestText.escaped(ObjectReference(kind: owner.kind, namespace: object.metadata.namespace, name: owner.name))), "
                + "which is not among the listed objects: reported as itself"
        }
        if workload == .pod {
            audited.pods = 1
            if audited.status == .violating {
                audited.violatingPods = 1
                audited.exampleViolatingPod = audited.name
            }
        }
        if let uid = object.metadata.uid { topOwner[uid] = reported.count }
        reported.append(audited)
    }

    /// The audit so far, sorted by namespace, kind and name.
    public var result: AuditResult {
        AuditResult(objects: reported.sorted {
            ($0.namespace ?? "", $0.kind, $0.name) < ($1.namespace ?? "", $1.kind, $1.name)
        })
    }

    private mutating func fold(_ pod: KubeObject, into index: Int) {
        reported[index].pods += 1
        guard case .evaluated(let findings) = checker.check(pod, namespace: pod.metadata.namespace),
              findings.evaluation.skipped == nil, !findings.evaluation.violations.isEmpty else { return }
        reported[index].violatingPods += 1
        if reported[index].exampleViolatingPod == nil { reported[index].exampleViolatingPod = pod.metadata.displayName }
    }

    private func evaluate(_ object: KubeObject) -> AuditedObject {
        var audited = AuditedObject(
            apiVersion: object.apiVersion, kind: object.kind, namespace: object.metadata.namespace,
            name: object.metadata.displayName ?? "", uid: object.metadata.uid, status: .compliant)
        switch checker.check(object, namespace: object.metadata.namespace) {
        case .noPodSpec:
            break
        case .exempt(let exemption):
            audited.status = .exempt
            audited.exemptions = [exemption.description]
        case .evaluated(let findings):
            audited.exemptions = findings.exemptImages.map(\.description)
            let evaluation = findings.evaluation
            if evaluation.skipped == .windowsPod {
                audited.status = .windowsPod
                break
            }
            let formatter = findings.formatter(naming: audited.reference)
            audited.violations = evaluation.violations.map { violation in
                AuditedObject.Violation(
                    rule: violation.rule.id, container: ManifestText.escaped(violation.container.name),
                    field: violation.container.path(below: findings.podSpecPath, field: violation.field).description,
                    message: formatter.message(for: violation))
            }
            audited.omittedViolations = evaluation.violations.omittedCount
            audited.advisories = evaluation.advisories.map { formatter.message(for: $0) }
            audited.grants = evaluation.grantUses.map { formatter.message(for: $0) }
            audited.status = evaluation.violations.isEmpty ? .compliant : .violating
        }
        return audited
    }
}

/// What an audit found, and its counts.
public struct AuditResult: Sendable, Hashable {
    public struct Summary: Sendable, Hashable, Encodable {
        /// Objects reported: top owners and standalone Pods.
        public var objects = 0
        public var violating = 0
        public var compliant = 0
        /// Compliant objects whose running pods still violate (made from an older template).
        public var compliantWithViolatingPods = 0
        public var exempt = 0
        public var windows = 0
        /// Pods covered by the reported objects.
        public var pods = 0
        public var violatingPods = 0
    }

    public var objects: [AuditedObject]
    public var summary: Summary

    public init(objects: [AuditedObject]) {
        self.objects = objects
        var summary = Summary()
        for object in objects {
            summary.objects += 1
            summary.pods += object.pods
            summary.violatingPods += object.violatingPods
            switch object.status {
            case .violating: summary.violating += 1
            case .compliant:
                summary.compliant += 1
                if object.violatingPods > 0 { summary.compliantWithViolatingPods += 1 }
            case .exempt: summary.exempt += 1
            case .windowsPod: summary.windows += 1
            }
        }
        self.summary = summary
    }

    /// Whether anything that runs or will run next breaks the policy: what exit status 1 means.
    public var needsAttention: Bool { objects.contains(where: \.needsAttention) }
}
