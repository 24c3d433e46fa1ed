import Foundation
import Testing
import CapGuardTestSupport

@Suite("capguard serve, as a process")
struct ServeCommandTests {
    @Test func servesTheEmbeddedDefaultOnADevelopmentCertificateAndStopsOnSIGTERM() throws {
        let server = try ServeProcess([])
        #expect(server.port > 0)
        #expect(server.standardError.contains("SELF-SIGNED DEVELOPMENT CERTIFICATE"))
        let response = try Curl.post(port: server.port, "/validate?timeout=5s", try Fixtures.body("pod-create-no-drop.json"))
        #expect(response.review?["allowed"] as? Bool == false)
        #expect(server.terminate() == 0)
        #expect(server.logLines.contains { $0["message"] as? String == "received signal; shutting down" })
    }

    @Test func aBadPolicyFileStopsTheStartWithItsErrors() throws {
        let files = try TemporaryFiles(["policy.yaml": "mode: enforce\nallowedCapabilities: [CAP_ALL]\n"])
        defer { files.remove() }
        let server = try ServeProcess(["--config", files.path("policy.yaml")])
        #expect(server.terminate() == 2)
        #expect(server.standardError.contains("policy.yaml:2:23: ALL cannot be allowed"))
    }

    @Test("flags that do not go together exit two", arguments: [
        ["--tls-cert", "/tmp/x.crt"], ["--client-ca", "/tmp/ca.crt"], ["--read-timeout", "0"], ["--listen", "nowhere"],
        ["--max-buffered-request-bytes", "1000"],
        // The largest body would fit only by taking the part kept for small requests.
        ["--max-body-bytes", "100000", "--max-buffered-request-bytes", "120000"],
    ])
    func badFlags(arguments: [String]) throws {
        let result = try CapGuardProcess.run(["serve"] + arguments)
        #expect(result.status == 2)
        #expect(!result.stderr.isEmpty)
    }

    /// Each of these once reached an integer conversion that overflowed, and the process died of SIGILL.
    @Test("numbers out of range are usage errors, not traps", arguments: [
        ("--read-timeout", "1e300"), ("--idle-timeout", "inf"), ("--reload-interval", "inf"), ("--shutdown-grace-period", "1e300"),
        ("--read-timeout", "nan"), ("--idle-timeout", "-inf"), ("--reload-interval", "1e-12"), ("--shutdown-grace-period", "-0"),
        ("--max-body-bytes", "9223372036854775807"), ("--max-header-bytes", "9223372036854775807"),
        ("--max-connections", "0"), ("--max-header-bytes", "99999999999999999999"),
    ])
    func outOfRangeNumbers(flag: String, value: String) throws {
        let result = try CapGuardProcess.run(["serve", "\(flag)=\(value)"])
        #expect(result.status == 2)
        #expect(result.stderr.contains(flag))
    }

    @Test func reloadsThePolicyUnderLoadWithoutAFailedOrMixedAnswer() throws {
        // A pod that adds NET_RAW: allowed under policy A, denied under policy B, whose message names B's allowlist.
        let a = "mode: enforce\nallowedCapabilities: [NET_RAW]\n"
        let b = "mode: enforce\nallowedCapabilities: [CHOWN]\n"
        let directory = try KubeletConfigMapDirectory(a)
        let server = try ServeProcess(["--config", directory.path, "--reload-interval", "0.05"])
        defer { server.terminate() }
        let body = try Fixtures.edited("pod-create-compliant.json") { request in
            var object = request["object"] as! [String: Any]
            var spec = object["spec"] as! [String: Any]
            spec["containers"] = [["name": "app", "image": "nginx", "securityContext": ["capabilities": ["drop": ["ALL"], "add": ["NET_RAW"]]]]]
            object["spec"] = spec
            request["object"] = object
        }

        let writer = Thread {
            for index in 0..<40 {
                try? directory.update(index.isMultiple(of: 2) ? b : a)
                Thread.sleep(forTimeInterval: 0.03)
            }
        }
        writer.start()
        let responses = try Curl.send(port: server.port, Array(repeating: ("/validate", body), count: 400), parallel: 8)
        while writer.isExecuting { Thread.sleep(forTimeInterval: 0.01) }

        var allowed = 0, denied = 0
        for response in responses {
            #expect(response.status == 200)
            let review = try #require(response.review)
            if review["allowed"] as? Bool == true {
                #expect(review["status"] == nil)
                allowed += 1
            } else {
                let message = (review["status"] as? [String: Any])?["message"] as? String ?? ""
                #expect(message.contains("adds NET_RAW, which is not allowed (allowed: CHOWN)"), "\(message)")
                denied += 1
            }
        }
        #expect(allowed + denied == 400)
        let reloads = server.logLines.filter { $0["message"] as? String == "policy reloaded" }
        #expect(reloads.count >= 2)
    }

    @Test func aBadEditKeepsTheLastGoodPolicyServingAndReady() throws {
        let directory = try KubeletConfigMapDirectory("mode: enforce\n")
        let server = try ServeProcess(["--config", directory.path, "--reload-interval", "0.05"])
        defer { server.terminate() }
        try directory.update("mode: audit\nallowedCapabilities: [SYS_ADMINN]\n")
        try waitUntil { server.logLines.contains { $0["message"] as? String == "policy reload rejected; the last good policy keeps serving" } }
        let denied = try Curl.post(port: server.port, "/validate", try Fixtures.body("pod-create-no-drop.json"))
        #expect(denied.review?["allowed"] as? Bool == false)
        #expect(try Curl.get(port: server.port, "/readyz").status == 200)
        var metrics = try Curl.get(port: server.port, "/metrics").text
        #expect(metrics.contains("capguard_policy_reloads_total{result=\"rejected\"} 1"))
        #expect(metrics.contains("capguard_policy_last_reload_rejected 1"))
        #expect(metrics.contains("capguard_policy_generation 1\n"))

        try directory.update("mode: audit\n")
        try waitUntil { server.logLines.contains { $0["message"] as? String == "policy reloaded" } }
        let audited = try Curl.post(port: server.port, "/validate", try Fixtures.body("pod-create-no-drop.json"))
        #expect(audited.review?["allowed"] as? Bool == true)
        metrics = try Curl.get(port: server.port, "/metrics").text
        #expect(metrics.contains("capguard_policy_generation 2\n"))
        #expect(metrics.contains("capguard_policy_last_reload_rejected 0"))
    }


    @Test func theBufferedRequestBytesFlagSetsTheBudgetAcrossConnections() throws {
        let server = try ServeProcess(["--max-body-bytes", "100000", "--max-buffered-request-bytes", "200000"])
        defer { server.terminate() }
        let request = Array("POST /validate HTTP/1.1\r\nHost: capguard\r\nContent-Length: 100000\r\n\r\n".utf8)
            + [UInt8](repeating: UInt8(ascii: "x"), count: 100_000)
        let holder = try RawTLSClient(port: server.port)
        try holder.send(Array(request.dropLast()))
        func buffered() throws -> Int {
            let line = try Curl.get(port: server.port, "/metrics").text.split(separator: "\n")
                .first { $0.hasPrefix("capguard_buffered_request_bytes ") }
            return line.flatMap { Int($0.split(separator: " ").last!) } ?? 0
        }
        var polls = 0
        while try buffered() < 99_999, polls < 500 {
            polls += 1
            Thread.sleep(forTimeInterval: 0.01)
        }
        let refused = try RawTLSClient(port: server.port)
        try? refused.send(request)
        #expect(refused.responseStatus() == 503)
    }
}
