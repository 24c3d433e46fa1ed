/// A collection of the Kubernetes API that capguard lists: where it lives and what kind its items are.
public struct APIResource: Sendable, Hashable {
    /// Empty for the core group (`/api/v1`).
    public var group: String
    public var version: String
    /// The plural name used in URLs, such as `pods` or `replicasets`.
    public var resource: String
    /// The kind of the items, which list responses leave out of each item.
    public var kind: String

    public init(group: String, version: String, resource: String, kind: String) {
        self.group = group
        self.version = version
        self.resource = resource
        self.kind = kind
    }

    public var apiVersion: String { group.isEmpty ? version : "\(group)/\(version)" }

    /// The collection's path, in one namespace or in all of them.
    public func collectionPath(namespace: String?) -> String {
        let root = group.isEmpty ? "/api/\(version)" : "/apis/\(group)/\(version)"
        guard let namespace else { return "\(root)/\(resource)" }
        return "\(root)/namespaces/\(namespace)/\(resource)"
    }

    public static let pods = APIResource(group: "", version: "v1", resource: "pods", kind: "Pod")
    public static let replicationControllers = APIResource(
        group: "", version: "v1", resource: "replicationcontrollers", kind: "ReplicationController")
    public static let deployments = APIResource(group: "apps", version: "v1", resource: "deployments", kind: "Deployment")
    public static let replicaSets = APIResource(group: "apps", version: "v1", resource: "replicasets", kind: "ReplicaSet")
    public static let statefulSets = APIResource(group: "apps", version: "v1", resource: "statefulsets", kind: "StatefulSet")
    public static let daemonSets = APIResource(group: "apps", version: "v1", resource: "daemonsets", kind: "DaemonSet")
    public static let jobs = APIResource(group: "batch", version: "v1", resource: "jobs", kind: "Job")
    public static let cronJobs = APIResource(group: "batch", version: "v1", resource: "cronjobs", kind: "CronJob")
}
