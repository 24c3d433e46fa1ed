import CapGuardTestSupport
import Testing

@Suite("capguard serve and signals")
struct ServeSignalTests {
    @Test("SIGTERM makes serve shut down and return, closing an open keep-alive connection")
    func sigtermClosesOpenConnections() throws {
        let server = try ServeProcess([])
        let client = try RawTLSClient(port: server.port)
        try client.send("GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n")
        #expect(client.responseStatus() == 200)
        #expect(server.terminate() == 0)
        #expect(client.responseStatus() == nil)
    }
}
