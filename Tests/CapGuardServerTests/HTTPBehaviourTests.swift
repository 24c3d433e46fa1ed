import CapGuardServer
import CapGuardTestSupport
import Foundation
import Testing

@Suite("HTTP over the real server")
struct HTTPBehaviourTests {
    @Test("curl reuses one keep-alive connection for several requests")
    func curlKeepAlive() throws {
        try TestServer.with { server in
            let url = "https://localhost:\(server.boundPort)/hello"
            let result = TestServer.curl(["--verbose", url, url, url])
            #expect(result.status == 0, "\(result.standardError)")
            #expect(result.standardOutput == "hellohellohello")
            #expect(result.standardError.contains("Re-using existing connection"))
            #expect(server.statistics.acceptedConnections == 1)
            #expect(server.statistics.requestsByStatus[200] == 3)
        }
    }

    @Test("requests on one connection, sent one by one and pipelined, are all answered in order")
    func keepAliveAndPipelining() throws {
        try TestServer.with { server in
            let client = try TestClient.tls(port: server.boundPort)
            for index in 0..<3 {
                try client.send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\n\r\n\(index)")
                #expect(try client.readResponse().text == "\(index)")
            }
            try client.send(
                "GET /hello HTTP/1.1\r\nHost: x\r\n\r\nPOST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\nabGET /query?a=1 HTTP/1.1\r\n\r\n")
            #expect(try client.readResponse().text == "hello")
            #expect(try client.readResponse().text == "ab")
            #expect(try client.readResponse().text == "a=1")
            #expect(server.statistics.acceptedConnections == 1)
        }
    }

    @Test("curl sends a chunked body and gets it back whole")
    func curlChunked() throws {
        try TestServer.with { server in
            let directory = TemporaryDirectory.make(prefix: "capguard-body")
            let body = String(repeating: "{\"capabilities\":[\"NET_BIND_SERVICE\"]}", count: 500)
            try body.write(toFile: directory + "/body.json", atomically: true, encoding: .utf8)
            let result = TestServer.curl([
                "--verbose", "-H", "Transfer-Encoding: chunked", "-H", "Content-Type: application/json",
                "--data-binary", "@\(directory)/body.json", "https://localhost:\(server.boundPort)/echo",
            ])
            #expect(result.status == 0, "\(result.standardError)")
            #expect(result.standardError.contains("Transfer-Encoding: chunked"))
            #expect(result.standardOutput == body)
        }
    }

    @Test("chunked bodies with extensions and trailers are de-chunked")
    func chunkedInProcess() throws {
        try TestServer.with { server in
            let client = try TestClient.tls(port: server.boundPort)
            try client.send("POST /echo HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n5;ext=1\r\nhello\r\n1\r\n \r\n5\r\nworld\r\n0\r\nX-Trailer: yes\r\n\r\n")
            #expect(try client.readResponse().text == "hello world")
        }
    }

    @Test("curl's Expect: 100-continue gets its 100 and then the answer")
    func expectContinue() throws {
        try TestServer.with { server in
            let body = String(repeating: "x", count: 4000)
            let result = TestServer.curl([
                "--verbose", "-H", "Expect: 100-continue", "--data-binary", body,
                "https://localhost:\(server.boundPort)/echo",
            ])
            #expect(result.standardError.contains("HTTP/1.1 100 Continue"))
            #expect(result.standardOutput == body)
        }
    }

    @Test("routing: the query string never takes part; unknown paths 404; wrong methods 405 with Allow")
    func routing() throws {
        try TestServer.with { server in
            let client = try TestClient.tls(port: server.boundPort)
            try client.send("POST /validate?timeout=5s HTTP/1.1\r\nContent-Length: 2\r\n\r\n{}")
            let validate = try client.readResponse()
            #expect(validate.status == 200)
            #expect(validate.text == "{\"path\":\"/validate\",\"timeout\":\"5s\"}")
            #expect(validate.headers["Content-Type"] == "application/json")
            try client.send("GET /nothing HTTP/1.1\r\n\r\n")
            #expect(try client.readResponse().status == 404)
            try client.send("DELETE /hello HTTP/1.1\r\n\r\n")
            let wrongMethod = try client.readResponse()
            #expect(wrongMethod.status == 405)
            #expect(wrongMethod.headers["Allow"] == "GET, HEAD")
            try client.send("GET /query?b=x%20y&a=%2F+z HTTP/1.1\r\n\r\n")
            #expect(try client.readResponse().text == "a=/ z&b=x y")
        }
    }

    @Test("HEAD is answered by the GET handler with the length but no body; every response has Date and Content-Length")
    func headAndMandatoryHeaders() throws {
        try TestServer.with { server in
            let client = try TestClient.tls(port: server.boundPort)
            try client.send("HEAD /hello HTTP/1.1\r\n\r\n")
            let head = try client.readResponse(expectBody: false)
            #expect(head.status == 200)
            #expect(head.headers["Content-Length"] == "5")
            #expect(head.body.isEmpty)
            try client.send("GET /hello HTTP/1.1\r\n\r\n")
            let get = try client.readResponse()
            #expect(get.text == "hello")
            for response in [head, get] {
                let date = try #require(response.headers["Date"])
                #expect(date.hasSuffix(" GMT") && date.count == 29)
            }
            let curl = TestServer.curl(["--head", "https://localhost:\(server.boundPort)/hello"])
            #expect(curl.standardOutput.contains("content-length: 5") || curl.standardOutput.contains("Content-Length: 5"))
        }
    }

    @Test("Connection: close and HTTP/1.0 without keep-alive get their answer and then a closed connection")
    func connectionClose() throws {
        for request in ["GET /hello HTTP/1.1\r\nConnection: close\r\n\r\n", "GET /hello HTTP/1.0\r\n\r\n"] {
            try TestServer.with { server in
                let client = try TestClient.tls(port: server.boundPort)
                try client.send(request)
                let response = try client.readResponse()
                #expect(response.text == "hello")
                #expect(response.headers["Connection"] == "close")
                #expect(client.waitForClose())
            }
        }
    }

    @Test("an idle keep-alive connection is closed after the idle timeout")
    func idleTimeout() throws {
        var limits = TestServer.limits
        limits.idleTimeout = .milliseconds(200)
        try TestServer.with(limits: limits) { server in
            let client = try TestClient.tls(port: server.boundPort)
            try client.send("GET /hello HTTP/1.1\r\n\r\n")
            #expect(try client.readResponse().status == 200)
            #expect(!client.receiveMore())
            try waitUntil { server.statistics.openConnections == 0 }
        }
    }

    @Test("a client that closes after a Connection: close response is let go at once, not at the linger deadline")
    func closedClientsAreReleased() throws {
        var limits = TestServer.limits
        limits.readTimeout = .seconds(120)
        limits.lingerTimeout = .seconds(120)
        try TestServer.with(limits: limits) { server in
            let url = "https://localhost:\(server.boundPort)/hello"
            for _ in 0..<10 {
                let result = TestServer.curl(["--header", "Connection: close", url])
                #expect(result.standardOutput == "hello")
            }
            // Each connection lingers until its client's end of file, which curl sends as it exits; only the
            // 120 s deadline would free them if that end of file went unseen.
            try waitUntil { server.statistics.openConnections == 0 }
        }
    }
}
