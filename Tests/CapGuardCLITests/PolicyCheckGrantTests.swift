import Foundation
import Testing
import CapGuardTestSupport

@Suite("capguard policy check with grants")
struct PolicyCheckGrantTests {
    @Test func printsTheEffectiveGrants() throws {
        let result = try CapGuardProcess.run(["policy", "check", "examples/policies/grants.yaml"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.isEmpty, "a grant pinned by digest needs no warning: \(result.stderr)")
        #expect(result.stdout.contains("""
            grants:
              - name: "cilium-agent"
                namespaces: ["kube-networking"]
                serviceAccounts: ["cilium"]
                images: ["quay.io/cilium/cilium@sha256:*"]
                containers: ["cilium-agent"]
                allowedCapabilities: ["NET_ADMIN", "SYS_ADMIN", "SYS_RESOURCE"]
                allowPrivileged: false
            """))
    }

    @Test func warnsAndStillSucceeds() throws {
        let files = try TemporaryFiles(["p.yaml": """
            exemptions:
              images: ["registry.k8s.io/kube-proxy:*"]
            grants:
              - name: web
                images: ["nginx:1.27"]
                allowedCapabilities: [NET_RAW]

            """])
        defer { files.remove() }
        let result = try CapGuardProcess.run(["policy", "check", files.path("p.yaml")])
        #expect(result.status == 0)
        let lines = result.stderr.split(separator: "\n").map(String.init)
        #expect(lines.count == 3, "\(lines)")
        #expect(lines[0].hasPrefix("\(files.path("p.yaml")):2:12: warning: the image exemption"))
        #expect(lines[0].contains("privileged") && lines[0].contains("see grants"))
        #expect(lines[1].hasPrefix("\(files.path("p.yaml")):2:12: warning: the image exemption \"registry.k8s.io/kube-proxy:*\" matches by tag"))
        #expect(lines[2].hasPrefix("\(files.path("p.yaml")):5:14: warning: grant web: the image pattern \"nginx:1.27\" matches by tag"))
        #expect(result.stdout.contains(#"images: ["docker.io/library/nginx:1.27"]"#))
    }
}
