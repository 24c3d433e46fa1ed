import CapGuardPolicy

/// The kinds of object that carry a pod spec, and where it is.
///
/// A kind is matched with its API group, so that a custom resource that happens to be called `Deployment`
/// is not mistaken for one.
public enum WorkloadKind: String, Sendable, Hashable, CaseIterable {
    case pod = "Pod"
    case deployment = "Deployment"
    case replicaSet = "ReplicaSet"
    case statefulSet = "StatefulSet"
    case daemonSet = "DaemonSet"
    case job = "Job"
    case cronJob = "CronJob"
    case replicationController = "ReplicationController"
    case podTemplate = "PodTemplate"

    /// The kind for `kind` in API group `group` (`""` is the core group), or nil if it carries no pod spec.
    public init?(group: String, kind: String) {
        guard let workload = WorkloadKind(rawValue: kind), workload.groups.contains(group) else { return nil }
        self = workload
    }

    /// The kind named by an object's `apiVersion` (`apps/v1`, `v1`) and `kind`.
    public init?(apiVersion: String, kind: String) {
        let group = apiVersion.firstIndex(of: "/").map { String(apiVersion[..<$0]) } ?? ""
        self.init(group: group, kind: kind)
    }

    /// API groups that serve the kind, old ones included so that old manifests are still checked.
    public var groups: Set<String> {
        switch self {
        case .pod, .replicationController, .podTemplate: [""]
        case .deployment, .replicaSet, .daemonSet: ["apps", "extensions"]
        case .statefulSet: ["apps"]
        case .job, .cronJob: ["batch"]
        }
    }

    /// Where the object keeps its pod spec.
    public var podSpecPath: FieldPath {
        switch self {
        case .pod: ["spec"]
        case .deployment, .replicaSet, .statefulSet, .daemonSet, .job, .replicationController: ["spec", "template", "spec"]
        case .cronJob: ["spec", "jobTemplate", "spec", "template", "spec"]
        case .podTemplate: ["template", "spec"]
        }
    }
}
