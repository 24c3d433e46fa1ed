import CapGuardServer
import CapGuardTestSupport
import Foundation
import Glibc
import Testing

/// Every hostile or broken input gets its status or a closed connection, and a client that was already
/// connected, and a new one, are still served afterwards.
@Suite("Bad input")
struct BadInputTests {
    /// Runs `attack` against a server while a well-behaved connection stays open, then checks both it and a
    /// fresh connection still work.
    private func withBystander(
        limits: HTTPServerLimits = TestServer.limits, logs: LogCapture = LogCapture(),
        _ attack: (HTTPServer) throws -> Void
    ) throws {
        // The bystander waits through the attack, idle. Under ThreadSanitizer the attacks of "limit hits are
        // counted" (fourteen connections in turn) took longer than the test server's 1 s idle timeout, which
        // then closed the bystander; the attacks are about reading, so idling is given all the time it needs.
        var limits = limits
        limits.idleTimeout = .seconds(60)
        try TestServer.with(limits: limits, logs: logs) { server in
            let bystander = try TestClient.tls(port: server.boundPort)
            try bystander.send("GET /hello HTTP/1.1\r\n\r\n")
            #expect(try bystander.readResponse().text == "hello")
            try attack(server)
            try bystander.send("POST /echo HTTP/1.1\r\nContent-Length: 2\r\n\r\nok")
            #expect(try bystander.readResponse().text == "ok")
            let newcomer = try TestClient.tls(port: server.boundPort)
            try newcomer.send("GET /hello HTTP/1.1\r\n\r\n")
            #expect(try newcomer.readResponse().text == "hello")
        }
    }

    static let rejectedRequests: [(String, String, Int)] = [
        ("negative Content-Length", "POST /echo HTTP/1.1\r\nContent-Length: -5\r\n\r\nabc", 400),
        ("non-numeric Content-Length", "POST /echo HTTP/1.1\r\nContent-Length: ten\r\n\r\n", 400),
        ("conflicting Content-Lengths", "POST /echo HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab", 400),
        ("Content-Length and chunked together", "POST /echo HTTP/1.1\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 400),
        ("unknown transfer coding", "POST /echo HTTP/1.1\r\nTransfer-Encoding: gzip\r\n\r\n", 501),
        ("body without a length", "POST /echo HTTP/1.1\r\nHost: x\r\n\r\n", 411),
        ("header line without a colon", "GET /hello HTTP/1.1\r\nHost x\r\n\r\n", 400),
        ("space before the colon", "GET /hello HTTP/1.1\r\nHost : x\r\n\r\n", 400),
        ("NUL in the path", "GET /hel\u{0}lo HTTP/1.1\r\n\r\n", 400),
        ("control character in a header value", "GET /hello HTTP/1.1\r\nX: a\u{1}b\r\n\r\n", 400),
        ("garbage request line", "HELLO\r\n\r\n", 400),
        ("absolute-form target", "GET http://example.com/hello HTTP/1.1\r\n\r\n", 400),
        ("unsupported HTTP version", "GET /hello HTTP/2.0\r\n\r\n", 505),
        ("100 MiB Content-Length", "POST /echo HTTP/1.1\r\nContent-Length: 104857600\r\n\r\n", 413),
        ("huge Content-Length", "POST /echo HTTP/1.1\r\nContent-Length: 99999999999999999999999\r\n\r\n", 400),
        ("malformed chunk size", "POST /echo HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", 400),
        ("10,000 headers", "GET /hello HTTP/1.1\r\n" + String(repeating: "X-A: b\r\n", count: 10_000) + "\r\n", 431),
        ("more header fields than allowed", "GET /hello HTTP/1.1\r\n" + String(repeating: "X: y\r\n", count: 150) + "\r\n", 431),
        ("one header over the byte limit", "GET /hello HTTP/1.1\r\nX: " + String(repeating: "a", count: 9000) + "\r\n\r\n", 431),
    ]

    @Test("malformed and oversized requests get their status and a closed connection", arguments: rejectedRequests)
    func rejected(_ name: String, _ request: String, _ status: Int) throws {
        let logs = LogCapture()
        try withBystander(logs: logs) { server in
            let client = try TestClient.tls(port: server.boundPort)
            try? client.send(request)
            let response = try client.readResponse()
            #expect(response.status == status, "\(name)")
            #expect(response.headers["Connection"] == "close")
            #expect(response.headers["Date"] != nil && response.headers["Content-Length"] != nil)
            #expect(client.waitForClose())
            try waitUntil { logs.contains("\"status\":\"\(status)\"") }
        }
    }

    @Test("limit hits are counted for /metrics")
    func limitCounters() throws {
        try withBystander { server in
            for request in BadInputTests.rejectedRequests.map(\.1) {
                let client = try TestClient.tls(port: server.boundPort)
                try? client.send(request)
                _ = try client.readResponse()
            }
            let statistics = server.statistics
            #expect(statistics.limitHits[.headerSize] == 3)
            #expect(statistics.limitHits[.bodySize] == 1)
            #expect(statistics.requestsByStatus[400] == 12)
        }
    }

    @Test("a chunked body streamed past the body limit is cut off with 413")
    func chunkedFlood() throws {
        try withBystander { server in
            let client = try TestClient.tls(port: server.boundPort)
            try client.send("POST /echo HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n")
            let chunk = Array("10000\r\n".utf8) + [UInt8](repeating: 0x41, count: 0x10000) + Array("\r\n".utf8)
            var sent = 0
            while sent < 100 * 1024 * 1024, !client.hasIncoming() {
                guard (try? client.send(chunk)) != nil else { break }
                sent += chunk.count
            }
            #expect(sent < 100 * 1024 * 1024)
            #expect(try client.readResponse().status == 413)
        }
    }

    @Test("plain HTTP and random bytes on the TLS port are logged handshake failures and closed", arguments: [
        Array("GET /hello HTTP/1.1\r\nHost: localhost\r\n\r\n".utf8),
        (0..<4096).map { _ in UInt8.random(in: 0...255) },
    ])
    func notTLS(_ bytes: [UInt8]) throws {
        let logs = LogCapture()
        try withBystander(logs: logs) { server in
            let client = try TestClient(port: server.boundPort)
            try client.send(bytes)
            #expect(client.waitForClose())
            try waitUntil { server.statistics.tlsHandshakeFailures == 1 }
            try waitUntil { logs.contains("TLS handshake failed") }
            let line = try #require(logs.lines.first { $0.contains("TLS handshake failed") })
            #expect(line.contains("\"peer\":\"127.0.0.1:"))
            #expect(line.contains("\"reason\""))
        }
    }

    @Test("a truncated ClientHello, and a client that says nothing, are cut off by the read timeout", arguments: [
        [0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01, 0xFC, 0x03, 0x03],
        [],
    ] as [[UInt8]])
    func silentClients(_ bytes: [UInt8]) throws {
        let logs = LogCapture()
        try withBystander(logs: logs) { server in
            let client = try TestClient(port: server.boundPort)
            try client.send(bytes)
            #expect(client.waitForClose())
            try waitUntil { logs.contains("timed out") }
            #expect(server.statistics.limitHits[.readTimeout] == 1)
        }
    }

    @Test("headers trickled a byte at a time get 408 long before they are complete")
    func slowloris() throws {
        try withBystander { server in
            let client = try TestClient.tls(port: server.boundPort)
            let head = Array("GET /hello HTTP/1.1\r\nHost: localhost\r\nUser-Agent: patient-attacker\r\n\r\n".utf8)
            var sent = 0
            while sent < head.count, !client.hasIncoming() {
                try client.send([head[sent]])
                sent += 1
                usleep(100_000)
            }
            #expect(sent < head.count)
            #expect(try client.readResponse().status == 408)
            #expect(client.waitForClose())
            #expect(server.statistics.limitHits[.readTimeout] == 1)
        }
    }

    @Test("a request body that stops arriving gets 408")
    func stalledBody() throws {
        try withBystander { server in
            let client = try TestClient.tls(port: server.boundPort)
            try client.send("POST /echo HTTP/1.1\r\nContent-Length: 100\r\n\r\nonly a little")
            #expect(try client.readResponse().status == 408)
        }
    }

    @Test("connections beyond the limit are closed at once and counted")
    func connectionLimit() throws {
        var limits = TestServer.limits
        limits.maxConnections = 3
        try TestServer.with(limits: limits) { server in
            let clients = try (0..<3).map { _ in try TestClient.tls(port: server.boundPort) }
            let refused = try TestClient(port: server.boundPort)
            #expect(throws: TestClientError.self) { try refused.handshake() }
            #expect(server.statistics.limitHits[.connections] == 1)
            try clients[0].send("GET /hello HTTP/1.1\r\n\r\n")
            #expect(try clients[0].readResponse().text == "hello")
        }
    }
}
