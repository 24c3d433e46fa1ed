import CapGuardPolicy

/// One line of an audit: a top owner (a Deployment, a CronJob, a StatefulSet, ...) with the pods it runs, or
/// a Pod that no listed workload owns. Only what reports and metrics need is kept, never the object itself,
/// so that an audit of a large cluster holds one of these per workload, not per pod.
public struct AuditedObject: Sendable, Hashable {
    public enum Status: String, Sendable, Hashable, Encodable {
        /// The spec that creates the next pods complies (its running pods may not: see `violatingPods`).
        case compliant
        case violating
        /// An exemption by namespace covers it: nothing was checked.
        case exempt
        case windowsPod = "windows_pod"
    }

    /// One violation of the evaluated spec, worded as `capguard check` words it.
    public struct Violation: Sendable, Hashable {
        public var rule: RuleID
        public var container: String
        /// The field's path in the object, e.g. `spec.template.spec.containers[0].securityContext.capabilities.drop`.
        public var field: String
        public var message: String
    }

    public var apiVersion: String
    public var kind: String
    public var namespace: String?
    public var name: String
    public var uid: String?
    public var status: Status
    /// The violations kept within `FindingLimits`; `omittedViolations` more were counted.
    public var violations: [Violation] = []
    public var omittedViolations = 0
    public var advisories: [String] = []
    /// What grants allowed the object's containers, worded as `check` words it.
    public var grants: [String] = []
    /// Exemptions that applied: the namespace's, or images left out of the check.
    public var exemptions: [String] = []
    /// Pods running under this object (a standalone Pod counts itself).
    public var pods = 0
    /// Of `pods`, those whose own spec violates: pods made from an older template keep running until replaced.
    public var violatingPods = 0
    /// One of the violating pods, to look at.
    public var exampleViolatingPod: String?
    /// Why the object is reported itself although it has an owner (the owner was not among the listed objects).
    public var note: String?

    public init(apiVersion: String, kind: String, namespace: String?, name: String, uid: String?, status: Status) {
        self.apiVersion = apiVersion
        self.kind = kind
        self.namespace = namespace
        self.name = name
        self.uid = uid
        self.status = status
    }

    /// How messages name the object.
    public var reference: ObjectReference {
        ManifestText.escaped(ObjectReference(kind: kind, namespace: namespace, name: name))
    }

    /// Whether what runs, or what will run next, breaks the policy.
    public var needsAttention: Bool { status == .violating || violatingPods > 0 }

    /// The violations counted, those left out included.
    public var violationCount: Int { violations.count + omittedViolations }
}
