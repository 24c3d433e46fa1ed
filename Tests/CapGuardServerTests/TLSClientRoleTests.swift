import CapGuardServer
import CapGuardTLS
import CapGuardTestSupport
import Testing

@Suite("TLS client role")
struct TLSClientRoleTests {
    private static let roots = TLSClientConfiguration.Trust.roots(caPath: TestCertificates.shared.caFile)

    @Test("a server whose chain ends in the trust roots and that names the host or address is accepted",
          arguments: ["localhost", "127.0.0.1", "::1", nil])
    func accepted(identity: String?) throws {
        try TestServer.with { server in
            let client = try TestClient.tls(
                port: server.boundPort, client: TLSClientConfiguration(trust: Self.roots, serverIdentity: identity))
            try client.send("GET /hello HTTP/1.1\r\n\r\n")
            #expect(try client.readResponse().text == "hello")
        }
    }

    @Test("a certificate that does not name the host or address is refused", arguments: ["example.com", "10.0.0.1", "::2"])
    func wrongIdentity(identity: String) throws {
        try TestServer.with { server in
            let configuration = TLSClientConfiguration(trust: Self.roots, serverIdentity: identity)
            #expect(throws: TestClientError.self) {
                _ = try TestClient.tls(port: server.boundPort, client: configuration)
            }
        }
    }

    @Test("a chain that does not end in the trust roots is refused, unless any certificate is trusted")
    func untrustedChain() throws {
        try TestServer.with { server in
            let otherRoots = TLSClientConfiguration.Trust.roots(caPath: TestCertificates.shared.path("other-ca.pem"))
            #expect(throws: TestClientError.self) {
                _ = try TestClient.tls(port: server.boundPort, client: TLSClientConfiguration(trust: otherRoots))
            }
            let client = try TestClient.tls(port: server.boundPort, client: TLSClientConfiguration(trust: .anyCertificate))
            #expect(client.protocolVersion == "TLSv1.3")
        }
    }

    @Test("unreadable trust roots are an error at once")
    func missingRoots() {
        #expect(throws: TLSError.self) {
            _ = try TLSContext(client: TLSClientConfiguration(trust: .roots(caPath: "/nonexistent/ca.pem")))
        }
    }
}
