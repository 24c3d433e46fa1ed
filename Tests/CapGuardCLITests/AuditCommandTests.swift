import CapGuardTestSupport
import Foundation
import Testing

/// The command line of `capguard audit`: usage errors exit 2 before any API request, as `check`'s do.
@Suite("capguard audit")
struct AuditCommandTests {
    @Test("usage errors exit 2 and say what is wrong", arguments: [
        (["-n", "web", "-A"], "give -n NAMESPACE or -A, not both"),
        (["--interval", "5m"], "--interval and --listen go together"),
        (["--listen", "127.0.0.1:0"], "--interval and --listen go together"),
        (["--interval", "5m", "--listen", "127.0.0.1:0", "--tls-cert", "c.pem"], "--tls-cert and --tls-key go together"),
        (["--tls-cert", "c.pem", "--tls-key", "k.pem"], "--tls-cert serves --listen, which needs --interval"),
        (["--interval", "5x", "--listen", "127.0.0.1:0"], "--interval"),
        (["--interval", "0s", "--listen", "127.0.0.1:0"], "--interval"),
        (["--output", "yaml"], "--output"),
    ])
    func usageErrors(arguments: [String], message: String) throws {
        let result = try CapGuardProcess.run(["audit"] + arguments)
        #expect(result.status == 2)
        #expect(result.stderr.contains(message), "\(result.stderr)")
    }

    @Test func anUnusablePolicyFileExitsTwo() throws {
        let files = try TemporaryFiles(["p.yaml": "mode: warn\n"])
        defer { files.remove() }
        let result = try CapGuardProcess.run(["audit", "--config", files.path("p.yaml")])
        #expect(result.status == 2)
        #expect(result.stderr.contains("mode must be enforce or audit"))
    }

    @Test func helpNamesEveryFlag() throws {
        let result = try CapGuardProcess.run(["audit", "--help"])
        #expect(result.status == 0)
        for flag in ["--kubeconfig", "--context", "--namespace", "--all-namespaces", "--config", "--output", "--interval", "--listen",
                     "--tls-cert", "--tls-key", "--policy-reports"] {
            #expect(result.stdout.contains(flag), "\(flag)")
        }
    }
}
