import CapGuardServer
import CapGuardTestSupport
import Foundation
import Testing

@Suite("Certificate reload")
struct ReloadTests {
    private func install(_ certificate: String, _ key: String, into directory: String) throws {
        let certificates = TestCertificates.shared
        // Write-then-rename, as kubelet and cert-manager do, so the server never reads a half-written file.
        for (source, name) in [(key, "tls.key"), (certificate, "tls.crt")] {
            try FileManager.default.copyItem(atPath: certificates.path(source), toPath: "\(directory)/\(name).new")
            _ = rename("\(directory)/\(name).new", "\(directory)/\(name)")
        }
    }

    @Test("a rotated certificate reaches new connections while open ones keep working; broken and expired ones are rejected")
    func rotation() throws {
        let directory = TemporaryDirectory.make(prefix: "capguard-rotation")
        try install("server.pem", "server.key", into: directory)
        var tls = TLSConfiguration.files(certificatePath: "\(directory)/tls.crt", keyPath: "\(directory)/tls.key")
        tls.reloadInterval = .milliseconds(20)
        let logs = LogCapture()
        try TestServer.with(tls: tls, logs: logs) { server in
            let established = try TestClient.tls(port: server.boundPort)
            #expect(established.peerCommonName == "server")
            try established.send("GET /hello HTTP/1.1\r\n\r\n")
            #expect(try established.readResponse().status == 200)

            try install("rotated.pem", "rotated.key", into: directory)
            try waitUntil { (try? TestClient.tls(port: server.boundPort).peerCommonName) == "rotated" }
            #expect(server.statistics.certificateReloads >= 1)
            try established.send("GET /hello HTTP/1.1\r\n\r\n")
            #expect(try established.readResponse().text == "hello")
            #expect(established.peerCommonName == "server")

            // The key and the certificate are renamed into place one after the other, so a poll can see a
            // mismatched pair in between: wait for the rejection of the pair itself, by its reason.
            for (certificate, key, reason) in [("broken.pem", "rotated.key", "rejected changed TLS certificate"),
                                               ("expired.pem", "expired.key", "certificate has expired")] {
                try install(certificate, key, into: directory)
                try waitUntil { logs.contains(reason) }
                let client = try TestClient.tls(port: server.boundPort)
                #expect(client.peerCommonName == "rotated")
                #expect(server.isCertificateLoaded)
            }
            #expect(server.statistics.certificateReloadFailures >= 2)
        }
    }
}
