import CapGuardTestSupport
import Foundation
import Testing

/// `capguard audit` end to end: the built binary reads a kubeconfig, lists over HTTPS from a server that plays
/// back the list responses captured from a kube-apiserver (Tests/Fixtures/apiserver-lists/stub-apiserver.py,
/// Python's own HTTP and TLS, independent of capguard's), folds and reports.
@Suite("capguard audit against an API server")
struct AuditAgainstAPIServerTests {
    static let namespace = "capguard-audit-e2e"

    /// The stub server on a free loopback port; closing its stdin stops it.
    final class StubServer {
        let process = Process()
        let input = Pipe()
        let errors = Pipe()
        let port: Int

        init(token: String) throws {
            let certificates = TestCertificates.shared
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = ["python3", Fixtures.repository.appendingPathComponent("Tests/Fixtures/apiserver-lists/stub-apiserver.py").path,
                                 certificates.serverCertificate, certificates.serverKey, token]
            let output = Pipe()
            process.standardInput = input
            process.standardOutput = output
            process.standardError = errors
            try process.run()
            let line = String(decoding: output.fileHandleForReading.availableData, as: UTF8.self)
            guard let port = Int(line.trimmingCharacters(in: .whitespacesAndNewlines)) else {
                process.terminate()
                throw StubServerDidNotStart(output: line)
            }
            self.port = port
        }

        /// Stops the server and returns the request lines it logged.
        func stop() -> [String] {
            try? input.fileHandleForWriting.close()
            process.waitUntilExit()
            return String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
                .split(separator: "\n").map(String.init)
        }
    }

    func kubeconfig(port: Int, token: String) -> String {
        """
        apiVersion: v1
        kind: Config
        clusters:
        - name: recorded
          cluster:
            server: https://127.0.0.1:\(port)
            certificate-authority: \(TestCertificates.shared.caFile)
        users:
        - name: auditor
          user:
            token: \(token)
        contexts:
        - name: recorded
          context: {cluster: recorded, user: auditor, namespace: \(Self.namespace)}
        current-context: recorded
        """
    }

    @Test func auditsTheContextsNamespaceFoldedUnderOwners() throws {
        let server = try StubServer(token: "audit-token")
        let files = try TemporaryFiles(["kubeconfig": kubeconfig(port: server.port, token: "audit-token")])
        defer { files.remove() }
        let result = try CapGuardProcess.run(["audit", "--kubeconfig", files.path("kubeconfig")])
        let requests = server.stop()
        #expect(result.status == 1, "\(result.stderr)")
        #expect(result.lines.first == "namespace \(Self.namespace):")
        #expect(result.lines.contains { $0.hasPrefix("  Deployment \(Self.namespace)/web-bad: container \"app\"") && $0.contains("must drop ALL") })
        #expect(result.lines.contains("  Deployment \(Self.namespace)/web-bad: 3 running pods, 3 violating"))
        #expect(result.lines.contains { $0.hasPrefix("  Pod \(Self.namespace)/loner-bad:") && $0.contains("adds SYS_ADMIN") })
        #expect(result.lines.last == "5 objects: 3 violating, 2 compliant, 0 exempt, 0 Windows; 8 pods covered, 5 violating")
        // Every kind listed in the context's namespace, page by page; the pods in two pages.
        #expect(requests.contains("GET /api/v1/namespaces/\(Self.namespace)/pods?limit=500"))
        #expect(requests.contains { $0.hasPrefix("GET /api/v1/namespaces/\(Self.namespace)/pods?limit=500&continue=") })
        for path in ["/apis/apps/v1/namespaces/\(Self.namespace)/deployments", "/apis/batch/v1/namespaces/\(Self.namespace)/cronjobs",
                     "/apis/apps/v1/namespaces/\(Self.namespace)/daemonsets"] {
            #expect(requests.contains("GET \(path)?limit=500"), "\(requests)")
        }
    }

    @Test func allNamespacesAsJSON() throws {
        let server = try StubServer(token: "audit-token")
        let files = try TemporaryFiles(["kubeconfig": kubeconfig(port: server.port, token: "audit-token")])
        defer { files.remove() }
        let result = try CapGuardProcess.run(["audit", "--kubeconfig", files.path("kubeconfig"), "-A", "--output", "json"])
        let requests = server.stop()
        #expect(result.status == 1, "\(result.stderr)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let summary = try #require(report["summary"] as? [String: Int])
        #expect(summary["objects"] == 5 && summary["violating"] == 3 && summary["pods"] == 8)
        #expect(requests.contains("GET /api/v1/pods?limit=500"))
    }

    @Test func refusedCredentialsExitTwoAndSaySo() throws {
        let server = try StubServer(token: "audit-token")
        let files = try TemporaryFiles(["kubeconfig": kubeconfig(port: server.port, token: "expired-token")])
        defer { files.remove() }
        let result = try CapGuardProcess.run(["audit", "--kubeconfig", files.path("kubeconfig")])
        _ = server.stop()
        #expect(result.status == 2)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr.contains("the API server refused the credentials"), "\(result.stderr)")
    }
}

struct StubServerDidNotStart: Error, CustomStringConvertible {
    let output: String
    var description: String { "the stub API server did not start: \(output)" }
}
