import CapGuardServer
import CapGuardTLS
import CapGuardTestSupport
import Testing

@Suite("TLS client role")
struct TLSClientRoleTests {
    private static let roots = TLSConfiguration.Trust.roots(caPath: TestCertificates.shared.caFile)

    @Test("a server whose chain ends in the trust roots and that names the host or address is accepted",
          arguments: ["localhost", "127.0.0.1", "::1", nil])
    func accepted(identity: String?) throws {
        try TestServer.with { server in
            let client = try TestClient.tls(
                port: server.boundPort, client: .client(trust: Self.roots, serverIdentity: identity))
            try client.send("GET /hello HTTP/1.1\r\n\r\n")
            #expect(try client.readResponse().text == "hello")
        }
    }

    @Test("a certificate that does not name the host or address is refused", arguments: ["example.com", "10.0.0.1", "::2"])
    func wrongIdentity(identity: String) throws {
        try TestServer.with { server in
            let configuration = TLSConfiguration.client(trust: Self.roots, serverIdentity: identity)
            #expect(throws: TestClientError.self) {
                _ = try TestClient.tls(port: server.boundPort, client: configuration)
            }
        }
    }

    @Test("a chain that does not end in the trust roots is refused, unless any certificate is trusted")
    func untrustedChain() throws {
        try TestServer.with { server in
            let otherRoots = TLSConfiguration.Trust.roots(caPath: TestCertificates.shared.path("other-ca.pem"))
            #expect(throws: TestClientError.self) {
                _ = try TestClient.tls(port: server.boundPort, client: .client(trust: otherRoots))
            }
            let client = try TestClient.tls(port: server.boundPort, client: .client(trust: .anyCertificate))
            #expect(client.protocolVersion == "TLSv1.3")
        }
    }

    @Test("a client presenting a certificate the server's client CA signed gets through; without one it is refused")
    func clientCertificate() throws {
        let certificates = TestCertificates.shared
        try TestServer.with(tls: TestServer.tlsFiles(clientCA: true)) { server in
            let presenting = TLSConfiguration.client(
                trust: Self.roots, serverIdentity: "localhost",
                certificate: .files(certificatePath: certificates.clientCertificate, keyPath: certificates.clientKey))
            let client = try TestClient.tls(port: server.boundPort, client: presenting)
            try client.send("GET /hello HTTP/1.1\r\n\r\n")
            #expect(try client.readResponse().text == "hello")
            // In TLS 1.3 the server checks the client's certificate after the client's side of the handshake
            // is done: the refusal arrives at the handshake or at the first read.
            #expect(throws: TestClientError.self) {
                let anonymous = try TestClient.tls(port: server.boundPort, client: .client(trust: Self.roots))
                try? anonymous.send("GET /hello HTTP/1.1\r\n\r\n")
                _ = try anonymous.readResponse()
            }
        }
    }

    @Test("a client narrowed to TLS 1.2 gets TLS 1.2; by default it gets TLS 1.3")
    func protocolVersions() throws {
        try TestServer.with { server in
            var tls12 = TLSConfiguration.client(trust: Self.roots)
            tls12.protocolVersions = .tls1_2 ... .tls1_2
            let narrowed = try TestClient.tls(port: server.boundPort, client: tls12)
            #expect(narrowed.protocolVersion == "TLSv1.2")
            let unnarrowed = try TestClient.tls(port: server.boundPort, client: .client(trust: Self.roots))
            #expect(unnarrowed.protocolVersion == "TLSv1.3")
        }
    }

    @Test("a client certificate that does not match its key is an error at once")
    func mismatchedClientCertificate() {
        let certificates = TestCertificates.shared
        #expect(throws: TLSError.self) {
            _ = try TLSContext(.client(
                trust: .anyCertificate,
                certificate: .files(certificatePath: certificates.clientCertificate, keyPath: certificates.serverKey)))
        }
    }

    @Test("a server will not run with a client's configuration")
    func serverNeedsTheServerRole() {
        #expect(throws: TLSError.self) {
            _ = try HTTPServer(
                configuration: HTTPServerConfiguration(), tls: .client(trust: .anyCertificate), router: Router(),
                logger: .init(label: "test"))
        }
    }

    @Test("unreadable trust roots are an error at once")
    func missingRoots() {
        #expect(throws: TLSError.self) {
            _ = try TLSContext(.client(trust: .roots(caPath: "/nonexistent/ca.pem")))
        }
    }
}
