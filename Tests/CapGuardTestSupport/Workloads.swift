/// Objects of every kind that carries a pod spec, for tests that must cover them all.
public enum Workloads {
    /// Each kind with an apiVersion that serves it and the path of its first container.
    public static let kinds: [(apiVersion: String, kind: String, containerPath: String)] = [
        ("v1", "Pod", "spec.containers[0]"),
        ("apps/v1", "Deployment", "spec.template.spec.containers[0]"),
        ("apps/v1", "ReplicaSet", "spec.template.spec.containers[0]"),
        ("apps/v1", "StatefulSet", "spec.template.spec.containers[0]"),
        ("apps/v1", "DaemonSet", "spec.template.spec.containers[0]"),
        ("batch/v1", "Job", "spec.template.spec.containers[0]"),
        ("batch/v1", "CronJob", "spec.jobTemplate.spec.template.spec.containers[0]"),
        ("v1", "ReplicationController", "spec.template.spec.containers[0]"),
        ("v1", "PodTemplate", "template.spec.containers[0]"),
    ]

    /// An object named prod/web of `kind`, holding `podSpec` where that kind keeps it.
    public static func object(apiVersion: String, kind: String, podSpec: [String: Any]) -> [String: Any] {
        let template: [String: Any] = ["metadata": ["labels": ["app": "web"]], "spec": podSpec]
        var object: [String: Any] = ["apiVersion": apiVersion, "kind": kind, "metadata": ["name": "web", "namespace": "prod"]]
        switch kind {
        case "Pod": object["spec"] = podSpec
        case "CronJob": object["spec"] = ["schedule": "* * * * *", "jobTemplate": ["spec": ["template": template]]]
        case "PodTemplate": object["template"] = template
        default: object["spec"] = ["replicas": 2, "selector": ["matchLabels": ["app": "web"]], "template": template]
        }
        return object
    }
}
