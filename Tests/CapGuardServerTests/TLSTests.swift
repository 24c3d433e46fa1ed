import CapGuardServer
import CapGuardTestSupport
import Foundation
import Testing

@Suite("TLS")
struct TLSTests {
    @Test("curl gets a response over TLS 1.3 and over TLS 1.2", arguments: [
        ["--tlsv1.3", "--tls-max", "1.3"],
        ["--tlsv1.2", "--tls-max", "1.2"],
    ])
    func curlVersions(_ versionFlags: [String]) throws {
        try TestServer.with { server in
            let result = TestServer.curl(versionFlags + ["https://localhost:\(server.boundPort)/hello"])
            #expect(result.status == 0, "\(result.standardError)")
            #expect(result.standardOutput == "hello")
        }
    }

    @Test("openssl s_client negotiates TLS 1.3 and 1.2 and is refused TLS 1.1")
    func sClientVersions() throws {
        try TestServer.with { server in
            let connect = ["s_client", "-connect", "127.0.0.1:\(server.boundPort)", "-CAfile", TestCertificates.shared.caFile]
            let tls13 = Command.run("openssl", connect + ["-tls1_3", "-brief"], input: Data("Q\n".utf8))
            #expect(tls13.standardError.contains("Protocol version: TLSv1.3"), "\(tls13.standardError)")
            let tls12 = Command.run("openssl", connect + ["-tls1_2", "-brief"], input: Data("Q\n".utf8))
            #expect(tls12.standardError.contains("Protocol version: TLSv1.2"), "\(tls12.standardError)")
            let failuresBefore = server.statistics.tlsHandshakeFailures
            // The client's own policy would refuse TLS 1.1 before asking; security level 0 makes it ask.
            let tls11 = Command.run("openssl", connect + ["-tls1_1", "-cipher", "DEFAULT:@SECLEVEL=0"], input: Data("Q\n".utf8))
            #expect(tls11.status != 0)
            #expect(tls11.standardOutput.contains("Cipher is (NONE)") || tls11.standardError.contains("alert"))
            try waitUntil { server.statistics.tlsHandshakeFailures > failuresBefore }
        }
    }

    @Test("TLS 1.2 offers only ECDHE with AEAD ciphers")
    func tls12Ciphers() throws {
        try TestServer.with { server in
            // capguard's own client role offers only the policy's ciphers; openssl offers the others.
            let connect = ["s_client", "-connect", "127.0.0.1:\(server.boundPort)", "-tls1_2"]
            let weak = Command.run("openssl", connect + ["-cipher", "AES128-GCM-SHA256:AES256-SHA:ECDHE-ECDSA-AES128-SHA"], input: Data("Q\n".utf8))
            #expect(weak.status != 0)
            let chacha = Command.run("openssl", connect + ["-cipher", "ECDHE-ECDSA-CHACHA20-POLY1305", "-brief"], input: Data("Q\n".utf8))
            #expect(chacha.standardError.contains("Protocol version: TLSv1.2"), "\(chacha.standardError)")
            #expect(chacha.standardError.contains("Ciphersuite: ECDHE-ECDSA-CHACHA20-POLY1305"), "\(chacha.standardError)")
            var tls12Only = TLSConfiguration.client(trust: .anyCertificate)
            tls12Only.protocolVersions = .tls1_2 ... .tls1_2
            let client = try TestClient.tls(port: server.boundPort, client: tls12Only)
            #expect(client.protocolVersion == "TLSv1.2")
            #expect(client.cipherName.hasPrefix("ECDHE-") && !client.cipherName.hasSuffix("-SHA"), "\(client.cipherName)")
        }
    }

    @Test("a certificate file holding the chain verifies against the root alone")
    func chain() throws {
        try TestServer.with { server in
            let client = try TestClient.tls(port: server.boundPort, client: .client(trust: .roots(caPath: TestCertificates.shared.caFile)))
            #expect(client.peerCommonName == "server")
        }
    }

    @Test("the development certificate covers localhost, 127.0.0.1 and ::1")
    func developmentCertificate() throws {
        let logs = LogCapture()
        try TestServer.with(tls: .development, logs: logs) { server in
            let client = try TestClient.tls(port: server.boundPort)
            #expect(client.peerCertificateMatches(host: "localhost"))
            #expect(client.peerCertificateMatches(ip: "127.0.0.1"))
            #expect(client.peerCertificateMatches(ip: "::1"))
            #expect(!client.peerCertificateMatches(host: "example.com"))
            #expect(server.isCertificateLoaded)
            #expect(logs.contains("development certificate"))
            let result = Command.run("curl", ["-sk", "https://localhost:\(server.boundPort)/hello"])
            #expect(result.standardOutput == "hello")
        }
    }

    @Test("IPv6 loopback is served")
    func ipv6() throws {
        try TestServer.with(host: "::1") { server in
            let result = TestServer.curl(["https://[::1]:\(server.boundPort)/hello"])
            #expect(result.status == 0, "\(result.standardError)")
            #expect(result.standardOutput == "hello")
        }
    }

    @Test("with a client CA, only clients presenting a certificate it signed get through")
    func clientCertificates() throws {
        let certificates = TestCertificates.shared
        try TestServer.with(tls: TestServer.tlsFiles(clientCA: true)) { server in
            let url = "https://localhost:\(server.boundPort)/hello"
            let anonymous = TestServer.curl([url])
            #expect(anonymous.status != 0)
            #expect(anonymous.standardOutput.isEmpty)
            let intruder = TestServer.curl(["--cert", certificates.intruderCertificate, "--key", certificates.intruderKey, url])
            #expect(intruder.status != 0)
            #expect(intruder.standardOutput.isEmpty)
            let trusted = TestServer.curl(["--cert", certificates.clientCertificate, "--key", certificates.clientKey, url])
            #expect(trusted.status == 0, "\(trusted.standardError)")
            #expect(trusted.standardOutput == "hello")
            let sClient = Command.run("openssl", ["s_client", "-connect", "127.0.0.1:\(server.boundPort)", "-tls1_3"], input: Data("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n".utf8))
            #expect(!sClient.standardOutput.contains("hello\n") && !sClient.standardOutput.hasSuffix("hello"))
            #expect(server.statistics.tlsHandshakeFailures >= 2)
        }
    }

    @Test("a broken, expired or mismatched certificate stops the server from starting", arguments: [
        ("broken.pem", "server.key"), ("expired.pem", "expired.key"), ("server.pem", "rotated.key"),
    ])
    func invalidStartupCertificate(_ files: (String, String)) throws {
        let certificates = TestCertificates.shared
        let tls = TLSConfiguration.files(certificatePath: certificates.path(files.0), keyPath: certificates.path(files.1))
        #expect(throws: TLSError.self) {
            _ = try HTTPServer(configuration: HTTPServerConfiguration(), tls: tls, router: Router(), logger: .init(label: "test"))
        }
    }
}
