@testable import CapGuardServer
import Testing

@Suite("Headers, routing and responses")
struct RoutingAndResponseTests {
    @Test("headers keep their order and are looked up without regard to case")
    func headers() {
        var headers: HTTPHeaders = ["Content-Type": "a", "X-Many": "1"]
        headers.add("x-many", "2")
        #expect(headers["content-type"] == "a")
        #expect(headers.values(for: "X-MANY") == ["1", "2"])
        #expect(headers.map(\.name) == ["Content-Type", "X-Many", "x-many"])
        headers.set("X-Many", "3")
        #expect(headers.values(for: "x-many") == ["3"])
        headers.remove("CONTENT-TYPE")
        #expect(!headers.contains("Content-Type"))
        #expect(headers["missing"] == nil)
    }

    private var router: Router {
        var router = Router()
        router.add("GET", "/healthz") { _ in .text("ok") }
        router.add("POST", "/validate") { request in .json(request.body) }
        return router
    }

    @Test("routes match method and path; HEAD uses GET; others get 404 or 405 with Allow")
    func routing() {
        #expect(router.respond(to: HTTPRequest(method: "GET", path: "/healthz")).body == Array("ok".utf8))
        #expect(router.respond(to: HTTPRequest(method: "HEAD", path: "/healthz")).status == 200)
        #expect(router.respond(to: HTTPRequest(method: "POST", path: "/validate", body: [1])).body == [1])
        #expect(router.respond(to: HTTPRequest(method: "GET", path: "/nope")).status == 404)
        let wrong = router.respond(to: HTTPRequest(method: "GET", path: "/validate"))
        #expect(wrong.status == 405)
        #expect(wrong.headers["Allow"] == "POST")
        #expect(router.respond(to: HTTPRequest(method: "DELETE", path: "/healthz")).headers["Allow"] == "GET, HEAD")
    }

    private func text(_ response: HTTPResponse, close: Bool = false, head: Bool = false) -> String {
        var bytes: [UInt8] = []
        HTTPResponseEncoder.encode(response, date: "Mon, 01 Jan 2024 00:00:00 GMT", closeConnection: close, omitBody: head, into: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    @Test("responses carry Date and Content-Length; HEAD keeps the length and drops the body")
    func encoding() {
        #expect(text(.text("hi")) == "HTTP/1.1 200 OK\r\nDate: Mon, 01 Jan 2024 00:00:00 GMT\r\nContent-Length: 2\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nhi")
        #expect(text(.text("hi"), close: true, head: true).hasSuffix("Content-Length: 2\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: close\r\n\r\n"))
    }

    @Test("the server owns the framing headers, refuses header injection and turns impossible statuses into 500")
    func encodingSafety() {
        var response = HTTPResponse.text("hi")
        response.headers.add("Content-Length", "999")
        response.headers.add("Connection", "keep-alive")
        response.headers.add("X-Split", "a\r\nInjected: yes")
        let encoded = text(response)
        #expect(!encoded.contains("999") && !encoded.contains("keep-alive") && !encoded.contains("Injected"))
        #expect(text(HTTPResponse(status: 42, contentType: "text/plain", body: [1])).hasPrefix("HTTP/1.1 500 Internal Server Error\r\n"))
        #expect(text(HTTPResponse(status: 204)).contains("Content-Length") == false)
    }

    @Test("status responses use the reason phrases", arguments: [(400, "Bad Request"), (408, "Request Timeout"), (411, "Length Required"), (413, "Content Too Large"), (431, "Request Header Fields Too Large"), (503, "Service Unavailable")])
    func reasons(_ status: Int, _ phrase: String) {
        #expect(text(.status(status)).hasPrefix("HTTP/1.1 \(status) \(phrase)\r\n"))
    }

    @Test("HTTP dates and RFC 3339 time stamps")
    func dates() {
        #expect(WallClock.httpDate(784_111_777) == "Sun, 06 Nov 1994 08:49:37 GMT")
        #expect(WallClock.rfc3339(seconds: 1_714_564_800, milliseconds: 7) == "2024-05-01T12:00:00.007Z")
        #expect(WallClock.rfc3339(seconds: 0, milliseconds: 999) == "1970-01-01T00:00:00.999Z")
        #expect(WallClock.rfc3339(seconds: 1_732_708_799, milliseconds: 40) == "2024-11-27T11:59:59.040Z")
        // Past year 9999 the year grows rather than wraps.
        #expect(WallClock.rfc3339(seconds: 253_402_300_800, milliseconds: 0) == "10000-01-01T00:00:00.000Z")
    }
}
