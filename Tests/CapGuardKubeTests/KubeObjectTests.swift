import Foundation
import Testing
import CapGuardPolicy
import CapGuardKube

/// Wraps a pod spec (JSON) in an object of `kind`, at the place that kind keeps it.
func workloadJSON(apiVersion: String, kind: String, podSpec: String) -> String {
    let template = #"{"metadata": {"labels": {"app": "web"}}, "spec": \#(podSpec)}"#
    let body: String = switch kind {
    case "Pod": #""spec": \#(podSpec)"#
    case "CronJob": #""spec": {"schedule": "* * * * *", "jobTemplate": {"spec": {"template": \#(template)}}}"#
    case "PodTemplate": #""template": \#(template)"#
    default: #""spec": {"replicas": 2, "selector": {"matchLabels": {"app": "web"}}, "template": \#(template)}"#
    }
    return #"{"apiVersion": "\#(apiVersion)", "kind": "\#(kind)", "metadata": {"name": "web", "namespace": "prod"}, \#(body)}"#
}

@Suite("Pod specs of every workload kind")
struct KubeObjectTests {
    static let noDrop = #"{"containers": [{"name": "nginx", "image": "nginx", "securityContext": {"capabilities": {"add": ["NET_ADMIN"]}}}]}"#

    static let kinds: [(String, String, String)] = [
        ("v1", "Pod", "spec.containers[0]"),
        ("apps/v1", "Deployment", "spec.template.spec.containers[0]"),
        ("apps/v1", "ReplicaSet", "spec.template.spec.containers[0]"),
        ("apps/v1", "StatefulSet", "spec.template.spec.containers[0]"),
        ("apps/v1", "DaemonSet", "spec.template.spec.containers[0]"),
        ("batch/v1", "Job", "spec.template.spec.containers[0]"),
        ("batch/v1", "CronJob", "spec.jobTemplate.spec.template.spec.containers[0]"),
        ("batch/v1beta1", "CronJob", "spec.jobTemplate.spec.template.spec.containers[0]"),
        ("v1", "ReplicationController", "spec.template.spec.containers[0]"),
        ("v1", "PodTemplate", "template.spec.containers[0]"),
        ("extensions/v1beta1", "Deployment", "spec.template.spec.containers[0]"),
    ]

    @Test("each kind reports its field path", arguments: kinds)
    func fieldPath(apiVersion: String, kind: String, path: String) throws {
        let json = workloadJSON(apiVersion: apiVersion, kind: kind, podSpec: Self.noDrop)
        let object = try JSONDecoder().decode(KubeObject.self, from: Data(json.utf8))
        let workload = try #require(object.workload)
        let spec = try #require(object.podSpec)
        let evaluation = Policy.default.evaluate(spec)
        #expect(evaluation.violations.count == 2)
        let formatter = ViolationFormatter(object: object.reference(), podSpecPath: workload.podSpecPath, policy: .default)
        #expect(formatter.path(of: evaluation.violations[0].container) == path)
        #expect(formatter.message(for: evaluation.violations[0]).hasPrefix("\(kind) prod/web: container \"nginx\" (\(path))"))
    }

    @Test("kinds of other API groups carry no pod spec", arguments: [
        ("example.com/v1", "Deployment"), ("v1", "Deployment"), ("apps/v1", "Job"), ("v1", "Service"), ("v1", "ConfigMap"),
    ])
    func otherGroups(apiVersion: String, kind: String) throws {
        let json = workloadJSON(apiVersion: apiVersion, kind: kind, podSpec: Self.noDrop)
        let object = try JSONDecoder().decode(KubeObject.self, from: Data(json.utf8))
        #expect(object.workload == nil)
        #expect(object.podSpec == nil)
    }

    @Test func nullsReadAsAbsent() throws {
        let json = #"{"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"}, "spec": {"os": null, "initContainers": null,"#
            + #" "containers": [{"name": "a", "securityContext": {"privileged": null, "capabilities": {"add": null, "drop": ["ALL"]}}}]}}"#
        let object = try JSONDecoder().decode(KubeObject.self, from: Data(json.utf8))
        #expect(object.podSpec == PodSpec(containers: [Container(name: "a", securityContext: SecurityContext(capabilities: Capabilities(drop: ["ALL"])))]))
    }

    @Test func workloadWithoutTemplateHasAnEmptyPodSpec() throws {
        let object = try JSONDecoder().decode(KubeObject.self, from: Data(#"{"apiVersion": "apps/v1", "kind": "Deployment", "spec": {}}"#.utf8))
        #expect(object.podSpec == PodSpec())
    }

    @Test func windowsPodsDecodeTheirOS() throws {
        let json = #"{"apiVersion": "v1", "kind": "Pod", "spec": {"os": {"name": "windows"}, "containers": [{"name": "a"}]}}"#
        let object = try JSONDecoder().decode(KubeObject.self, from: Data(json.utf8))
        #expect(object.podSpec?.osName == "windows")
    }

    @Test("wrong types are errors, not guesses", arguments: [
        #"{"apiVersion": "v1", "kind": "Pod", "spec": {"containers": {"name": "a"}}}"#,
        #"{"apiVersion": "v1", "kind": "Pod", "spec": {"containers": [{"name": "a", "securityContext": {"privileged": "true"}}]}}"#,
        #"{"apiVersion": "v1", "kind": "Pod", "spec": {"containers": [{"name": "a", "securityContext": {"capabilities": {"drop": "ALL"}}}]}}"#,
        #"{"apiVersion": "v1", "kind": "Pod", "spec": "none"}"#,
    ])
    func wrongTypes(json: String) {
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(KubeObject.self, from: Data(json.utf8)) }
    }

    @Test func generatedNamesAreShownAsPrefixes() {
        #expect(ObjectMetadata(generateName: "web-6d4cf56db6-").displayName == "web-6d4cf56db6-*")
        #expect(ObjectMetadata(name: "a", generateName: "web-").displayName == "a")
    }
}
