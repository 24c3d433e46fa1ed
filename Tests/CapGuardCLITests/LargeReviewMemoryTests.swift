import Foundation
import Testing
import CapGuardTestSupport

@Suite("capguard serve: one large review stays within the Deployment's memory")
struct LargeReviewMemoryTests {
    @Test func seventyFiveThousandNamesPeakUnder100MiBAndTheServerStillAnswers() throws {
        let names = (0..<75_000).map { String($0, radix: 16) }
        let body = try Fixtures.edited("pod-create-no-drop.json") { request in
            var object = request["object"] as! [String: Any], spec = object["spec"] as! [String: Any]
            var containers = spec["containers"] as! [[String: Any]]
            containers[0]["securityContext"] = ["capabilities": ["drop": ["ALL"], "add": names]]
            spec["containers"] = containers
            object["spec"] = spec
            request["object"] = object
        }
        let server = try ServeProcess([])
        defer { server.terminate() }
        try #require(server.port > 0)

        let response = try Curl.post(port: server.port, "/validate", body)
        #expect(response.status == 200)
        #expect(response.body.count < 32 * 1024, "\(response.body.count) bytes")
        #expect(response.review?["allowed"] as? Bool == false)
        #expect(try Curl.get(port: server.port, "/healthz").status == 200)

        let memory = try #require(ProcessMemory(pid: server.process.processIdentifier))
        print("capguard serve VmHWM after a \(body.count)-byte review adding 75,000 names: \(memory.peakResidentBytes / 1024) KiB")
        #expect(memory.peakIsWithin(100 << 20), "VmHWM \(memory.peakResidentBytes / 1024) KiB")

        // The log is written off the request path: wait for the line, then read it.
        try waitUntil({ server.logLines.contains { $0["uid"] != nil } }, "no admission log line")
        let admission = try #require(server.logLines.first { $0["uid"] != nil }, "no admission log line")
        #expect(admission["decision"] as? String == "denied")
        #expect(admission["violationCount"] as? String == "75000")
        #expect((admission["violations"] as? [String])?.last?.hasSuffix("more violations") == true)
    }

    /// A review of six MiB of `{}` containers (1.9 million) once took serve to 210 MiB while JSONDecoder read
    /// it. Counted before decoding, such bodies are refused; those under the count are decoded a few at a
    /// time, the rest answered 503 and counted, and the probes and ordinary reviews still answered.
    @Test func reviewsOfManyTinyValuesAreRefusedOrDecodedWithinTheBudget() throws {
        func containers(_ count: Int) throws -> Data {
            try Fixtures.edited("pod-create-no-drop.json") { request in
                var object = request["object"] as! [String: Any], spec = object["spec"] as! [String: Any]
                spec["containers"] = [[String: Any]](repeating: [:], count: count)
                object["spec"] = spec
                request["object"] = object
            }
        }
        let server = try ServeProcess([])
        defer { server.terminate() }
        try #require(server.port > 0)

        let huge = try containers(1_900_000)
        #expect(try Curl.post(port: server.port, "/validate", huge).status == 400)
        let statuses = try Curl.send(port: server.port, Array(repeating: ("/validate", try containers(120_000)), count: 8), parallel: 8)
            .map(\.status)
        #expect(statuses.allSatisfy { $0 == 200 || $0 == 503 }, "\(statuses)")
        #expect(statuses.contains(200))

        let memory = try #require(ProcessMemory(pid: server.process.processIdentifier))
        print("capguard serve VmHWM after a \(huge.count)-byte review of 1.9 million containers and 8 of 120,000 at once: "
            + "\(memory.peakResidentBytes / 1024) KiB")
        #expect(memory.peakIsWithin(100 << 20), "VmHWM \(memory.peakResidentBytes / 1024) KiB")
        let metrics = try Curl.get(port: server.port, "/metrics").text
        #expect(metrics.contains(#"capguard_malformed_requests_total{reason="too_many_values"} 1"#))
        let refusals = statuses.filter { $0 == 503 }.count
        #expect(metrics.contains("capguard_limit_hits_total{limit=\"review_decode_memory\"} \(refusals)"), "\(metrics)")
        #expect(try Curl.get(port: server.port, "/healthz").status == 200)
        #expect(try Curl.post(port: server.port, "/validate", try Fixtures.body("pod-create-no-drop.json")).review?["allowed"] as? Bool == false)
    }
}
