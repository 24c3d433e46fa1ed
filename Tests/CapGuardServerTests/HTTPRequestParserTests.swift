@testable import CapGuardServer
import Testing

@Suite("HTTP request parser")
struct HTTPRequestParserTests {
    private static let limits = HTTPServerLimits(maxHeaderBytes: 1024, maxHeaderCount: 10, maxBodyBytes: 64)

    /// Feeds `input` in pieces of `step` bytes and collects every event.
    private func events(_ input: String, step: Int = .max, limits: HTTPServerLimits = limits) -> [HTTPRequestParser.Event] {
        var parser = HTTPRequestParser(limits: limits, memory: RequestMemoryLease(budget: RequestMemoryBudget(limit: .max, reserve: 0, smallRequestBytes: 0)))
        var events: [HTTPRequestParser.Event] = []
        let bytes = Array(input.utf8)
        var offset = 0
        while offset < bytes.count {
            let end = min(bytes.count, offset + step)
            bytes[offset..<end].withUnsafeBytes { parser.append($0) }
            offset = end
            while let event = parser.nextEvent() {
                events.append(event)
            }
        }
        return events
    }

    private func requests(_ events: [HTTPRequestParser.Event]) -> [HTTPRequestParser.Request] {
        events.compactMap { if case .request(let request) = $0 { request } else { nil } }
    }

    private func failure(_ events: [HTTPRequestParser.Event]) -> Int? {
        events.compactMap { if case .failure(let status, _) = $0 { status } else { nil } }.first
    }

    @Test("a request arriving whole or byte by byte parses the same", arguments: [1, 3, .max])
    func whole(step: Int) throws {
        let parsed = requests(events("POST /validate?timeout=5s HTTP/1.1\r\nHost: a\r\nContent-Length: 4\r\nX-Two:  b c \r\n\r\nbody", step: step))
        let request = try #require(parsed.first)
        #expect(parsed.count == 1)
        #expect(request.method == "POST")
        #expect(request.path == "/validate")
        #expect(request.query == ["timeout": "5s"])
        #expect(request.headers["x-two"] == "b c")
        #expect(request.headers["HOST"] == "a")
        #expect(request.body == Array("body".utf8))
        #expect(request.keepAlive)
    }

    @Test("pipelined requests come out one after another")
    func pipelined() {
        let parsed = requests(events("GET /a HTTP/1.1\r\n\r\nPOST /b HTTP/1.1\r\nContent-Length: 1\r\n\r\nxGET /c HTTP/1.1\r\n\r\n"))
        #expect(parsed.map(\.path) == ["/a", "/b", "/c"])
        #expect(parsed[1].body == [UInt8(ascii: "x")])
    }

    @Test("chunked bodies with extensions and trailers, fed byte by byte", arguments: [1, 7, .max])
    func chunked(step: Int) throws {
        let input = "POST /e HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3;name=value\r\nabc\r\nA\r\n0123456789\r\n0\r\nTrailer: x\r\n\r\n"
        let request = try #require(requests(events(input, step: step)).first)
        #expect(request.body == Array("abc0123456789".utf8))
    }

    @Test("bare LF line endings and leading empty lines are tolerated")
    func lenient() {
        #expect(requests(events("\r\n\nGET /a HTTP/1.1\nHost: x\n\n")).map(\.path) == ["/a"])
    }

    @Test("keep-alive follows the version and the Connection header", arguments: [
        ("HTTP/1.1", "", true), ("HTTP/1.1", "Connection: close\r\n", false),
        ("HTTP/1.1", "Connection: keep-alive, Close\r\n", false), ("HTTP/1.0", "", false),
        ("HTTP/1.0", "Connection: keep-alive\r\n", true),
    ])
    func keepAlive(_ version: String, _ header: String, _ expected: Bool) throws {
        let request = try #require(requests(events("GET / \(version)\r\n\(header)\r\n")).first)
        #expect(request.keepAlive == expected)
    }

    @Test("Expect: 100-continue is announced before the body is read")
    func expectContinue() {
        let parsed = events("POST /e HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\n")
        guard case .continueExpected = parsed.first else {
            Issue.record("no continue event")
            return
        }
        #expect(parsed.count == 1)
    }

    @Test("invalid requests are refused with the right status", arguments: [
        ("GET /a HTTP/1.1\r\nNo colon here\r\n\r\n", 400),
        ("POST /a HTTP/1.1\r\nContent-Length: -1\r\n\r\n", 400),
        ("POST /a HTTP/1.1\r\nContent-Length: +1\r\n\r\n", 400),
        ("POST /a HTTP/1.1\r\nContent-Length: 1 2\r\n\r\n", 400),
        ("POST /a HTTP/1.1\r\nContent-Length: 65\r\n\r\n", 413),
        ("POST /a HTTP/1.1\r\n\r\n", 411),
        ("PUT /a HTTP/1.1\r\n\r\n", 411),
        ("POST /a HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n41\r\n", 413),
        ("POST /a HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n20\r\n" + String(repeating: "a", count: 32) + "\r\n21\r\n", 413),
        ("POST /a HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabX\r\n", 400),
        ("POST /a HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n-2\r\n", 400),
        ("POST /a HTTP/1.1\r\nTransfer-Encoding: chunked, gzip\r\n\r\n", 501),
        ("GET /a\u{0} HTTP/1.1\r\n\r\n", 400),
        ("GET /a b HTTP/1.1\r\n\r\n", 400),
        ("GET a HTTP/1.1\r\n\r\n", 400),
        ("G@T /a HTTP/1.1\r\n\r\n", 400),
        ("GET /a HTTP/1.1\r\n folded: value\r\n\r\n", 400),
        ("GET /a HTTP/3.0\r\n\r\n", 505),
        ("GET /a HTTX/1.1\r\n\r\n", 400),
        ("GET /a HTTP/1.1\r\n" + String(repeating: "A: b\r\n", count: 11) + "\r\n", 431),
        ("GET /a HTTP/1.1\r\nA: " + String(repeating: "b", count: 1100) + "\r\n\r\n", 431),
        ("GET /" + String(repeating: "a", count: 2000), 431),
        ("POST /a HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n" + String(repeating: "T: x\r\n", count: 200), 431),
    ])
    func refused(_ input: String, _ status: Int) {
        #expect(failure(events(input)) == status)
        #expect(failure(events(input, step: 1)) == status)
    }

    @Test("after a failure the parser yields nothing more")
    func failureIsFinal() {
        let parsed = events("GET /a HTTP/1.1\r\nbad\r\n\r\nGET /b HTTP/1.1\r\n\r\n")
        #expect(parsed.count == 1)
        #expect(requests(parsed).isEmpty)
    }

    @Test("isMidRequest is true from the first byte of a request until it is complete")
    func midRequest() {
        var parser = HTTPRequestParser(limits: Self.limits, memory: RequestMemoryLease(budget: RequestMemoryBudget(limit: .max, reserve: 0, smallRequestBytes: 0)))
        #expect(!parser.isMidRequest)
        Array("GET /a HT".utf8).withUnsafeBytes { parser.append($0) }
        #expect(parser.nextEvent() == nil)
        #expect(parser.isMidRequest)
        Array("TP/1.1\r\n\r\n".utf8).withUnsafeBytes { parser.append($0) }
        #expect(parser.nextEvent() != nil)
        #expect(!parser.isMidRequest)
    }

    @Test("query strings are split and decoded")
    func query() {
        func split(_ target: String) -> (path: String, query: [String: String]) {
            RequestTarget.split(Array(target.utf8)[...])
        }
        #expect(split("/v?timeout=5s&dry").query == ["timeout": "5s", "dry": ""])
        #expect(split("/v?a=%41%zz+b&=x").query == ["a": "A%zz b"])
        #expect(split("/v?").path == "/v")
        #expect(split("/v").query.isEmpty)
        // Only the first "=" separates; empty pairs are skipped; names are decoded too; a trailing "%4" is kept.
        #expect(split("/v?&&a=b=c&&%74imeout=1s&x=%4").query == ["a": "b=c", "timeout": "1s", "x": "%4"])
        // The path is taken as it is: decoding it would let "%2F" pass for a slash when routes are matched.
        #expect(split("/a%2Fb+c?q=1").path == "/a%2Fb+c")
        #expect(split("/a%2Fb+c").path == "/a%2Fb+c")
    }
}
