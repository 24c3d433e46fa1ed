import CapGuardServer
import CapGuardTestSupport
import Foundation
import Testing

/// All connections together hold at most `maxBufferedRequestBytes` for requests still arriving: beyond it a
/// request gets 503, and every way a request can end gives its bytes back.
@Suite("Request memory budget")
struct RequestMemoryBudgetTests {
    private static var limits: HTTPServerLimits {
        var limits = TestServer.limits
        limits.maxBodyBytes = 512 * 1024
        limits.maxBufferedRequestBytes = 768 * 1024
        // Long enough that the request held on purpose is not cut off by the timeout while the test runs.
        limits.readTimeout = .seconds(10)
        return limits
    }

    private static let length = 400_001
    private static let head = "POST /echo HTTP/1.1\r\nContent-Length: \(length)\r\n\r\n"
    private static let body = [UInt8](repeating: UInt8(ascii: "b"), count: length)

    @Test("a request beyond the shared budget gets 503 and is counted; the server serves on, within the budget again")
    func overTheBudget() throws {
        try TestServer.with(limits: Self.limits) { server in
            let holder = try TestClient.tls(port: server.boundPort)
            try holder.send(Self.head)
            try holder.send(Array(Self.body.dropLast()))
            try waitUntil { server.statistics.bufferedRequestBytes >= Self.length - 1 }

            let refused = try TestClient.tls(port: server.boundPort)
            try refused.send(Self.head)
            // The server may close while the body is still going out; the answer is what counts.
            try? refused.send(Self.body)
            #expect(try refused.readResponse().status == 503)
            #expect(refused.waitForClose())
            #expect(server.statistics.limitHits[.bufferedRequestBytes] == 1)
            #expect(server.statistics.requestsByStatus[503] == 1)

            let bystander = try TestClient.tls(port: server.boundPort)
            try bystander.send("GET /hello HTTP/1.1\r\n\r\n")
            #expect(try bystander.readResponse().text == "hello")

            try holder.send(Array(Self.body.suffix(1)))
            #expect(try holder.readResponse().body == Self.body)
            let later = try TestClient.tls(port: server.boundPort)
            try later.send(Self.head)
            try later.send(Self.body)
            #expect(try later.readResponse().body == Self.body)
            try waitUntil { server.statistics.bufferedRequestBytes == 0 }
        }
    }

    @Test("a client that goes away mid-body gives its bytes back")
    func clientCloses() throws {
        try TestServer.with(limits: Self.limits) { server in
            var client: TestClient? = try TestClient.tls(port: server.boundPort)
            try client?.send(Self.head)
            try client?.send(Array(Self.body.prefix(200_000)))
            try waitUntil { server.statistics.bufferedRequestBytes >= 200_000 }
            client = nil
            try waitUntil { server.statistics.bufferedRequestBytes == 0 }
        }
    }

    @Test("a body that stops arriving gives its bytes back with its 408")
    func timedOut() throws {
        try TestServer.with { server in
            let client = try TestClient.tls(port: server.boundPort)
            try client.send(Self.head)
            try client.send(Array(Self.body.prefix(200_000)))
            #expect(try client.readResponse().status == 408)
            try waitUntil { server.statistics.bufferedRequestBytes == 0 }
        }
    }

    @Test("a chunked body refused with 413 gives its bytes back")
    func refusedChunked() throws {
        try TestServer.with(limits: Self.limits) { server in
            let client = try TestClient.tls(port: server.boundPort)
            try client.send("POST /echo HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n")
            let chunk = "4000\r\n" + String(repeating: "c", count: 0x4000) + "\r\n"
            for _ in 0..<40 {
                guard (try? client.send(chunk)) != nil else { break }
            }
            #expect(try client.readResponse().status == 413)
            try waitUntil { server.statistics.bufferedRequestBytes == 0 }
        }
    }

    @Test("shutdown with a request half received gives its bytes back")
    func shutdown() throws {
        let stopped = try TestServer.with(limits: Self.limits, gracePeriod: .milliseconds(200)) { server in
            let client = try TestClient.tls(port: server.boundPort)
            try client.send(Self.head)
            try client.send(Array(Self.body.prefix(200_000)))
            try waitUntil { server.statistics.bufferedRequestBytes >= 200_000 }
            server.shutdown()
            server.waitUntilStopped()
            return server
        }
        #expect(stopped.statistics.bufferedRequestBytes == 0)
    }
}
