import Foundation
import Testing
import CapGuardPolicy
import CapGuardKube
import CapGuardTestSupport

/// An object of `kind` holding `podSpec` (JSON), as JSON bytes.
func workloadJSON(apiVersion: String, kind: String, podSpec: String) throws -> Data {
    let spec = try #require(try JSONSerialization.jsonObject(with: Data(podSpec.utf8)) as? [String: Any])
    return try JSONSerialization.data(withJSONObject: Workloads.object(apiVersion: apiVersion, kind: kind, podSpec: spec))
}

@Suite("Pod specs of every workload kind")
struct KubeObjectTests {
    static let noDrop = #"{"containers": [{"name": "nginx", "image": "nginx", "securityContext": {"capabilities": {"add": ["NET_ADMIN"]}}}]}"#

    static let kinds = Workloads.kinds.map { ($0.apiVersion, $0.kind, $0.containerPath) } + [
        ("batch/v1beta1", "CronJob", "spec.jobTemplate.spec.template.spec.containers[0]"),
        ("extensions/v1beta1", "Deployment", "spec.template.spec.containers[0]"),
    ]

    @Test("each kind reports its field path", arguments: kinds)
    func fieldPath(apiVersion: String, kind: String, path: String) throws {
        let object = try JSONDecoder().decode(KubeObject.self, from: try workloadJSON(apiVersion: apiVersion, kind: kind, podSpec: Self.noDrop))
        let workload = try #require(object.workload)
        let spec = try #require(object.podSpec)
        let evaluation = Policy.default.evaluate(spec)
        #expect(evaluation.violations.count == 2)
        let formatter = ViolationFormatter(object: object.reference(), podSpecPath: workload.podSpecPath, policy: .default)
        #expect(formatter.path(of: evaluation.violations[0].container).description == path)
        #expect(formatter.message(for: evaluation.violations[0]).hasPrefix("\(kind) prod/web: container \"nginx\" (\(path))"))
    }

    @Test("kinds of other API groups carry no pod spec", arguments: [
        ("example.com/v1", "Deployment"), ("v1", "Deployment"), ("apps/v1", "Job"), ("v1", "Service"), ("v1", "ConfigMap"),
    ])
    func otherGroups(apiVersion: String, kind: String) throws {
        let object = try JSONDecoder().decode(KubeObject.self, from: try workloadJSON(apiVersion: apiVersion, kind: kind, podSpec: Self.noDrop))
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

    @Test func uidAndOwnerReferencesDecodeAndTheControllerIsTheOneMarkedSo() throws {
        let json = #"""
            {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "web-0", "uid": "u-pod", "ownerReferences": [
              {"apiVersion": "example.com/v1", "kind": "Watcher", "name": "w", "uid": "u-w"},
              {"apiVersion": "apps/v1", "kind": "ReplicaSet", "name": "web", "uid": "u-rs", "controller": true, "blockOwnerDeletion": true}
            ]}, "spec": {"containers": []}}
            """#
        let metadata = try JSONDecoder().decode(KubeObject.self, from: Data(json.utf8)).metadata
        #expect(metadata.uid == "u-pod")
        #expect(metadata.ownerReferences?.count == 2)
        #expect(metadata.controller == OwnerReference(apiVersion: "apps/v1", kind: "ReplicaSet", name: "web", uid: "u-rs", controller: true))
    }

    @Test func objectsWithoutOwnersHaveNoController() throws {
        let json = #"{"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "a", "ownerReferences": [{"apiVersion": "v1", "kind": "Node", "name": "n", "uid": "u", "controller": false}]}}"#
        #expect(try JSONDecoder().decode(KubeObject.self, from: Data(json.utf8)).metadata.controller == nil)
        #expect(try JSONDecoder().decode(KubeObject.self, from: Data(#"{"kind": "Pod", "apiVersion": "v1"}"#.utf8)).metadata.controller == nil)
    }
}
