import CSystemShims
@testable import CapGuardServer
import CapGuardTestSupport
import Foundation
import Logging
import Testing

@Suite("Graceful shutdown")
struct ShutdownTests {
    @Test("shutdown stops accepting, closes idle connections and finishes the request in flight")
    func requestInFlight() throws {
        var limits = TestServer.limits
        limits.readTimeout = .seconds(30)
        try TestServer.with(limits: limits, gracePeriod: .seconds(30)) { server in
            let inFlight = try TestClient.tls(port: server.boundPort)
            try inFlight.send("POST /echo HTTP/1.1\r\nContent-Length: 10\r\n\r\nhello")
            // One idle connection per loop (connections are dealt to the loops in turn): one shares inFlight's
            // loop, whose drains all run in one batch of its tasks, so once every idle one is closed, inFlight's
            // drain has run too. Otherwise "world" could reach inFlight's loop before its drain did, and be
            // answered as on any open connection.
            let idle = try (0..<Int(capguard_available_processors())).map { _ in try TestClient.tls(port: server.boundPort) }
            for client in idle {
                try client.send("GET /hello HTTP/1.1\r\n\r\n")
                #expect(try client.readResponse().status == 200)
            }
            try waitUntil { server.statistics.openConnections == 1 + idle.count }

            let stopped = DispatchSemaphore(value: 0)
            DispatchQueue.global().async {
                server.shutdown()
                server.waitUntilStopped()
                stopped.signal()
            }
            for client in idle { #expect(client.waitForClose()) }
            try waitUntil { (try? TestClient(port: server.boundPort)) == nil }
            try inFlight.send("world")
            let response = try inFlight.readResponse()
            #expect(response.text == "helloworld")
            #expect(response.headers["Connection"] == "close")
            #expect(stopped.wait(timeout: .now() + 30) == .success)
            #expect(server.statistics.openConnections == 0)
        }
    }

    /// Shutdown's drain reads what is on the socket before deciding whether a connection is idle. When that
    /// completes a request, the answer goes out with `Connection: close` and the connection lingers: for the
    /// linger time, not until the read deadline of the request it just answered.
    @Test("a request that shutdown's drain reads and answers lingers for the linger time, not the read timeout")
    func requestCompletedByTheDrain() throws {
        var limits = TestServer.limits
        limits.readTimeout = .seconds(60)
        let entered = DispatchSemaphore(value: 0)
        let release = DispatchSemaphore(value: 0)
        var router = TestServer.router
        router.add("GET", "/block") { _ in
            entered.signal()
            _ = release.wait(timeout: .now() + 20)
            return .text("released")
        }
        let server = try HTTPServer(
            configuration: HTTPServerConfiguration(host: "127.0.0.1", port: 0, limits: limits, shutdownGracePeriod: .seconds(60)),
            tls: TestServer.tlsFiles(), router: router, logger: Logger(label: "test"))
        try server.start()
        let inFlight = try TestClient.tls(port: server.boundPort)
        try inFlight.send("POST /echo HTTP/1.1\r\nContent-Length: 10\r\n\r\nhello")
        // Connections are dealt to the loops in turn, one loop per processor: after one more per other loop,
        // the next shares inFlight's loop, and its handler holds that loop.
        let others = try (1..<Int(capguard_available_processors())).map { _ in try TestClient.tls(port: server.boundPort) }
        let blocker = try TestClient.tls(port: server.boundPort)
        // A round trip on the loop first, so that it has read what inFlight sent: a batch of events holding both
        // inFlight's bytes and the blocking request would go on to answer inFlight itself, before the drain.
        try blocker.send("GET /hello HTTP/1.1\r\n\r\n")
        #expect(try blocker.readResponse().status == 200)
        try blocker.send("GET /block HTTP/1.1\r\n\r\n")
        #expect(entered.wait(timeout: .now() + 20) == .success)
        // While the loop is held, the rest of the body arrives and shutdown queues the drain: the loop runs the
        // drain before it looks at the socket again, so the drain reads "world" and answers.
        try inFlight.send("world")
        server.shutdown()
        release.signal()
        let response = try inFlight.readResponse()
        #expect(response.text == "helloworld")
        #expect(response.headers["Connection"] == "close")
        let stopped = DispatchSemaphore(value: 0)
        DispatchQueue.global().async {
            server.waitUntilStopped()
            stopped.signal()
        }
        // The linger time is 2 s; the read deadline of the answered request would have been 60 s away.
        #expect(stopped.wait(timeout: .now() + 20) == .success)
        withExtendedLifetime((inFlight, others, blocker)) {}
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
