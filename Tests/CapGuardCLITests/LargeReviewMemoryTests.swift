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
}
