import Foundation
import Testing
import CapGuardTestSupport

@Suite("capguard serve reports grants")
struct ServeGrantTests {
    static let digest = "sha256:" + String(repeating: "c0", count: 32)
    static let policy = """
        grants:
          - name: cilium-agent
            namespaces: [kube-networking]
            serviceAccounts: [cilium]
            images: ["quay.io/cilium/cilium@sha256:*"]
            containers: [cilium-agent]
            allowedCapabilities: [NET_ADMIN]

        """

    /// A Pod captured from a kube-apiserver, moved to kube-networking and running as `cilium`.
    static func review(containers: [[String: Any]]) throws -> Data {
        try Fixtures.edited("pod-create-compliant.json") { request in
            request["namespace"] = "kube-networking"
            var object = request["object"] as! [String: Any]
            var metadata = object["metadata"] as! [String: Any]
            metadata["namespace"] = "kube-networking"
            object["metadata"] = metadata
            var spec = object["spec"] as! [String: Any]
            spec["serviceAccountName"] = "cilium"
            spec["containers"] = containers
            object["spec"] = spec
            request["object"] = object
        }
    }

    static func container(_ name: String, add: [String]) -> [String: Any] {
        ["name": name, "image": "quay.io/cilium/cilium:v1.16.1@\(digest)",
         "securityContext": ["capabilities": ["drop": ["ALL"], "add": add]]]
    }

    @Test func warningsAnnotationLogLineAndMetric() throws {
        let files = try TemporaryFiles(["policy.yaml": Self.policy])
        defer { files.remove() }
        let server = try ServeProcess(["--config", files.path("policy.yaml")])
        defer { server.terminate() }

        let allowed = try #require(try Curl.post(port: server.port, "/validate", Self.review(containers: [Self.container("cilium-agent", add: ["NET_ADMIN"])])).review)
        #expect(allowed["allowed"] as? Bool == true)
        let line = "spec.containers[0].securityContext.capabilities.add[0]: NET_ADMIN allowed by grant cilium-agent"
        #expect(allowed["warnings"] as? [String] == [line])
        #expect((allowed["auditAnnotations"] as? [String: String])?["grants"] == line)

        // The same capability in another container of the pod is not granted.
        let denied = try #require(try Curl.post(port: server.port, "/validate", Self.review(containers: [
            Self.container("cilium-agent", add: ["NET_ADMIN"]), Self.container("sidecar", add: ["NET_ADMIN"]),
        ])).review)
        #expect(denied["allowed"] as? Bool == false)
        let message = try #require((denied["status"] as? [String: Any])?["message"] as? String)
        #expect(message.contains("container \"sidecar\" (spec.containers[1]) adds NET_ADMIN, which is not allowed"))
        #expect((denied["auditAnnotations"] as? [String: String])?["grants"] == line)

        let metrics = try Curl.get(port: server.port, "/metrics").text
        #expect(metrics.contains("capguard_grant_uses_total{grant=\"cilium-agent\"} 2\n"))

        try waitUntil { server.logLines.filter { $0["grants"] != nil }.count == 2 }
        let logged = server.logLines.filter { $0["grants"] != nil }
        #expect(logged.map { $0["grants"] as? [String] } == [[line], [line]])
        #expect(logged.map { $0["decision"] as? String } == ["allowed", "denied"])
    }

    @Test func theMetricListsEveryGrantOfThePolicyFromTheStart() throws {
        let files = try TemporaryFiles(["policy.yaml": Self.policy])
        defer { files.remove() }
        let server = try ServeProcess(["--config", files.path("policy.yaml")])
        defer { server.terminate() }
        let metrics = try Curl.get(port: server.port, "/metrics").text
        #expect(metrics.contains("# TYPE capguard_grant_uses_total counter\ncapguard_grant_uses_total{grant=\"cilium-agent\"} 0\n"))
    }
}
