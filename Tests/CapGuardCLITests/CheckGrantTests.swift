import Foundation
import Testing
import CapGuardTestSupport

@Suite("capguard check reports grants")
struct CheckGrantTests {
    static let daemonSet = """
        apiVersion: apps/v1
        kind: DaemonSet
        metadata: {name: cilium, namespace: kube-networking}
        spec:
          template:
            spec:
              serviceAccountName: cilium
              containers:
                - name: cilium-agent
                  image: quay.io/cilium/cilium:v1.16.1@sha256:\(String(repeating: "c0", count: 32))
                  securityContext:
                    capabilities: {drop: [ALL], add: [NET_ADMIN, SYS_ADMIN]}
                - name: sidecar
                  image: quay.io/cilium/cilium:v1.16.1@sha256:\(String(repeating: "c0", count: 32))
                  securityContext:
                    capabilities: {drop: [ALL], add: [NET_ADMIN]}

        """

    @Test func textSaysWhichGrantAllowedWhat() throws {
        let files = try TemporaryFiles(["ds.yaml": Self.daemonSet])
        defer { files.remove() }
        let result = try CapGuardProcess.run(["check", "--config", "examples/policies/grants.yaml", files.path("ds.yaml")])
        #expect(result.status == 1)
        let lines = result.stdout.split(separator: "\n").map(String.init)
        let ds = files.path("ds.yaml")
        #expect(lines == [
            "\(ds):13: DaemonSet kube-networking/cilium: container \"sidecar\" (spec.template.spec.containers[1]) adds NET_ADMIN, which is not "
                + "allowed (allowed: NET_BIND_SERVICE, CHOWN, SETUID, SETGID): NET_ADMIN lets it configure network interfaces, "
                + "routes, firewall rules and traffic shaping; remove it from securityContext.capabilities.add",
            "\(ds):9: note: DaemonSet kube-networking/cilium: container \"cilium-agent\" (spec.template.spec.containers[0]) adds NET_ADMIN, allowed by grant cilium-agent",
            "\(ds):9: note: DaemonSet kube-networking/cilium: container \"cilium-agent\" (spec.template.spec.containers[0]) adds SYS_ADMIN, allowed by grant cilium-agent",
            "1 checked, 1 violating (1 violation), 0 skipped without a pod spec",
        ], "\(lines)")
    }

    @Test func jsonCarriesEachGrantUse() throws {
        let files = try TemporaryFiles(["ds.yaml": Self.daemonSet])
        defer { files.remove() }
        let result = try CapGuardProcess.run(["check", "--output", "json", "--config", "examples/policies/grants.yaml", files.path("ds.yaml")])
        let report = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let object = try #require((report["results"] as? [[String: Any]])?.first)
        let grants = try #require(object["grants"] as? [[String: Any]])
        #expect(grants.map { $0["allows"] as? String } == ["NET_ADMIN", "SYS_ADMIN"])
        #expect(grants.map { $0["grant"] as? String } == ["cilium-agent", "cilium-agent"])
        #expect(grants.first?["field"] as? String == "spec.template.spec.containers[0].securityContext.capabilities.add[0]")
        #expect(grants.first?["container"] as? String == "cilium-agent")
        #expect(grants.first?["line"] as? Int == 9)
    }

    @Test func junitSaysWhichGrantAllowedWhatInTheObjectsOutput() throws {
        let files = try TemporaryFiles(["ds.yaml": Self.daemonSet])
        defer { files.remove() }
        let result = try CapGuardProcess.run(["check", "--output", "junit", "--config", "examples/policies/grants.yaml", files.path("ds.yaml")])
        #expect(result.status == 1)
        let ds = files.path("ds.yaml")
        let output = "<system-out>\(ds):9: note: DaemonSet kube-networking/cilium: container \"cilium-agent\" "
            + "(spec.template.spec.containers[0]) adds NET_ADMIN, allowed by grant cilium-agent\n"
        #expect(result.stdout.contains(output), "\(result.stdout)")
    }

    /// The README shows this run.
    @Test func theExampleDaemonSet() throws {
        let result = try CapGuardProcess.run(["check", "--config", "examples/policies/grants.yaml", "examples/manifests/cilium.yaml"])
        #expect(result.status == 1)
        let lines = result.stdout.split(separator: "\n").map(String.init)
        #expect(lines.count == 5)
        #expect(lines[0].hasPrefix("examples/manifests/cilium.yaml:21: DaemonSet kube-networking/cilium: container \"debug-shell\""))
        #expect(lines[1...3].allSatisfy { $0.hasPrefix("examples/manifests/cilium.yaml:15: note: ") && $0.hasSuffix("allowed by grant cilium-agent") })
    }
}
