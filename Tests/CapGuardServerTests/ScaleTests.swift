import CapGuardServer
import Foundation
import Testing

@Suite("Scale")
struct ScaleTests {
    @Test("1,000 idle keep-alive connections are held without a thread each and all stay usable")
    func thousandIdleConnections() throws {
        var limits = TestServer.limits
        limits.readTimeout = .seconds(60)
        limits.idleTimeout = .seconds(60)
        try TestServer.with(limits: limits) { server in
            var clients: [TestClient] = []
            for _ in 0..<1000 {
                let client = try TestClient.tls(port: server.boundPort)
                try client.send("GET /hello HTTP/1.1\r\n\r\n")
                #expect(try client.readResponse().status == 200)
                clients.append(client)
            }
            #expect(server.statistics.openConnections == 1000)
            #expect(try threadCount() < 200)
            for client in clients.shuffled().prefix(50) {
                try client.send("GET /hello HTTP/1.1\r\n\r\n")
                #expect(try client.readResponse().text == "hello")
            }
        }
    }

    private func threadCount() throws -> Int {
        let status = try String(contentsOfFile: "/proc/self/status", encoding: .utf8)
        let line = try #require(status.split(separator: "\n").first { $0.hasPrefix("Threads:") })
        return try #require(Int(line.dropFirst("Threads:".count).trimmingCharacters(in: .whitespaces)))
    }
}
