import CapGuardServer
import CapGuardTestSupport
import Foundation
import Testing

@Suite("Graceful shutdown")
struct ShutdownTests {
    @Test("shutdown stops accepting, closes idle connections and finishes the request in flight")
    func requestInFlight() throws {
        var limits = TestServer.limits
        limits.readTimeout = .seconds(30)
        try TestServer.with(limits: limits, gracePeriod: .seconds(30)) { server in
            let inFlight = try TestClient.tls(port: server.boundPort)
            let idle = try TestClient.tls(port: server.boundPort)
            try idle.send("GET /hello HTTP/1.1\r\n\r\n")
            #expect(try idle.readResponse().status == 200)
            try inFlight.send("POST /echo HTTP/1.1\r\nContent-Length: 10\r\n\r\nhello")
            try waitUntil { server.statistics.openConnections == 2 }

            let stopped = DispatchSemaphore(value: 0)
            DispatchQueue.global().async {
                server.shutdown()
                server.waitUntilStopped()
                stopped.signal()
            }
            #expect(idle.waitForClose())
            try waitUntil { (try? TestClient(port: server.boundPort)) == nil }
            try inFlight.send("world")
            let response = try inFlight.readResponse()
            #expect(response.text == "helloworld")
            #expect(response.headers["Connection"] == "close")
            #expect(stopped.wait(timeout: .now() + 30) == .success)
            #expect(server.statistics.openConnections == 0)
        }
    }

    @Test("a request that does not finish within the grace period is cut off and shutdown completes")
    func gracePeriodEnds() throws {
        var limits = TestServer.limits
        limits.readTimeout = .seconds(60)
        try TestServer.with(limits: limits, gracePeriod: .milliseconds(100)) { server in
            let stuck = try TestClient.tls(port: server.boundPort)
            try stuck.send("POST /echo HTTP/1.1\r\nContent-Length: 10\r\n\r\nhel")
            try waitUntil { server.statistics.openConnections == 1 }
            server.shutdown()
            server.waitUntilStopped()
            #expect(stuck.waitForClose())
            #expect(server.statistics.openConnections == 0)
        }
    }
}
