import CapGuardKube
import CapGuardKubeClient
import CapGuardTLS
import CapGuardTestSupport
import Foundation
import Testing

@Suite struct APIClientTests {
    private let pods = APIRequest(method: "GET", path: "/api/v1/pods?limit=500")
    private let certificates = TestCertificates.shared

    @Test func aServerCertifiedByAnotherCAIsNotTrusted() throws {
        try StubAPIServer.with(handler: { _ in .list("pods-page1.json") }) { server in
            let client = APIClient(connection: .stub(server, trust: .roots(caPath: certificates.path("other-ca.pem"))))
            let error = try #require(throws: APIClientError.self) { try client.send(pods) }
            guard case .untrustedServer(let address, let reason) = error else {
                Issue.record("unexpected \(error)")
                return
            }
            #expect(address == "https://127.0.0.1:\(server.port)")
            #expect(reason == "unable to get local issuer certificate")
            #expect(error.description.contains("Check the cluster's certificate-authority(-data) in the kubeconfig"))
            #expect(server.requests.isEmpty)
        }
    }

    @Test func trustComesFromCAFileCAInMemoryOrNowhereButNotFromTheSystemForAPrivateCA() throws {
        try StubAPIServer.with(handler: { _ in .list("jobs.json") }) { server in
            let trusted: [TLSConfiguration.Trust] = [
                .roots(caPath: certificates.caFile), .rootsPEM(ListFixtures.file(certificates.caFile)), .anyCertificate,
            ]
            for trust in trusted {
                #expect(try APIClient(connection: .stub(server, trust: trust)).send(pods).status == 200)
            }
            let error = try #require(throws: APIClientError.self) { try APIClient(connection: .stub(server, trust: .systemRoots)).send(pods) }
            #expect(error == .untrustedServer(server: "https://127.0.0.1:\(server.port)", reason: "unable to get local issuer certificate"))
        }
    }

    @Test func aServerWhoseCertificateDoesNotNameItIsNotTrusted() throws {
        try StubAPIServer.with(handler: { _ in .list("pods-page1.json") }) { server in
            let client = APIClient(connection: .stub(server, serverName: "kubernetes.example"))
            let error = try #require(throws: APIClientError.self) { try client.send(pods) }
            #expect(error == .untrustedServer(server: "https://127.0.0.1:\(server.port)", reason: "hostname mismatch"))
        }
    }

    @Test func anIPv6ServerIsVerifiedAgainstItsIPAddressEntry() throws {
        try StubAPIServer.with(host: "::1", handler: { _ in .list("pods-page1.json") }) { server in
            let connection = KubeConnection.stub(server)
            #expect(connection.server.description == "https://[::1]:\(server.port)")
            let response = try APIClient(connection: connection).send(pods)
            #expect(response.status == 200)
            #expect(server.requests.first?.headers["host"] == "[::1]:\(server.port)")
            // SNI carries names only.
            #expect(server.requests.first?.serverName == nil)
        }
    }

    @Test func aNameIsVerifiedAndSentInSNI() throws {
        try StubAPIServer.with(handler: { _ in .list("pods-page1.json") }) { server in
            let response = try APIClient(connection: .stub(server, serverName: "localhost")).send(pods)
            #expect(response.status == 200)
            #expect(response.body == ListFixtures.bytes("pods-page1.json"))
            #expect(server.requests.map(\.serverName) == ["localhost"])
        }
    }

    @Test func aServerReachedByNameIsVerifiedByThatNameAndSentItInSNI() throws {
        try StubAPIServer.with(handler: { _ in .list("jobs.json") }) { (server) throws -> Void in
            var connection = KubeConnection.stub(server)
            connection.server = try APIServerAddress(url: "https://localhost:\(server.port)")
            let response = try APIClient(connection: connection).send(pods)
            #expect(response.status == 200)
            #expect(server.requests.first?.serverName == "localhost")
            #expect(server.requests.first?.headers["host"] == "localhost:\(server.port)")
        }
    }

    @Test func aServerThatRequiresClientCertificatesAcceptsOnesFromFilesOrMemory() throws {
        try StubAPIServer.with(tls: StubAPIServer.serverTLS(clientCA: true), handler: { _ in .list("jobs.json") }) { server in
            let sources: [TLSConfiguration.CertificateSource] = [
                .files(certificatePath: certificates.clientCertificate, keyPath: certificates.clientKey),
                .pem(certificate: ListFixtures.file(certificates.clientCertificate), key: ListFixtures.file(certificates.clientKey)),
            ]
            for source in sources {
                var connection = KubeConnection.stub(server, token: nil)
                connection.credentials = FixedCredentials(ClientCredentials(certificate: source))
                #expect(try APIClient(connection: connection).send(pods).status == 200)
            }
            let error = try #require(throws: APIClientError.self) { try APIClient(connection: .stub(server)).send(pods) }
            guard case .handshakeFailed(_, let reason) = error else {
                Issue.record("unexpected \(error)")
                return
            }
            // The server's alert, or the reset that can overtake it.
            #expect(reason.contains("certificate required") || reason.contains("(how a TLS 1.3 server refuses a client certificate)"))
            #expect(error.description.contains("check the user's client-certificate and client-key"))
            #expect(server.requests.count == 2)
            #expect(server.requests.allSatisfy { $0.bearerToken == nil })
        }
    }

    @Test func aRefusedTokenIsReadAgainFromItsRotatedFile() throws {
        let directory = TemporaryDirectory.make(prefix: "capguard-token")
        let tokenFile = directory + "/token"
        try "old-token\n".write(toFile: tokenFile, atomically: true, encoding: .utf8)
        try StubAPIServer.with(handler: { request in
            request.bearerToken == "new-token" ? .list("jobs.json") : .status(401, "status-401.json")
        }) { server in
            var connection = KubeConnection.stub(server)
            connection.credentials = TokenFileCredentials(path: tokenFile)
            let client = APIClient(connection: connection)
            #expect(try client.send(pods).status == 401)
            // The kubelet replaces the file; the next 401 makes the client read it before the minute is up.
            try "new-token\n".write(toFile: tokenFile, atomically: true, encoding: .utf8)
            #expect(try client.send(pods).status == 200)
            #expect(try client.send(pods).status == 200)
            #expect(server.requests.map(\.bearerToken) == ["old-token", "old-token", "new-token", "new-token"])
        }
    }

    @Test func anAnswerLargerThanTheLimitIsRefusedSayingTheLimit() throws {
        for framing in [StubResponse.Framing.contentLength, .chunked(4096)] {
            try StubAPIServer.with(handler: { _ in StubResponse(status: 200, body: ListFixtures.bytes("pods-page2.json"), framing: framing) }) { server in
                let client = APIClient(connection: .stub(server), limits: APIClientLimits(maxResponseBytes: 16 * 1024))
                let error = try #require(throws: APIClientError.self) { try client.send(pods) }
                #expect(error == .responseTooLarge(server: "https://127.0.0.1:\(server.port)", limit: 16 * 1024))
                #expect(error.description.contains("exceeds 16384 bytes"))
            }
        }
    }

    @Test func aConnectionTheServerClosedIsNotReused() throws {
        try StubAPIServer.with(handler: { _ in
            var response = StubResponse.list("jobs.json")
            response.closeAfter = true
            return response
        }) { (server) throws -> Void in
            let client = APIClient(connection: .stub(server))
            let first = try client.send(pods)
            let second = try client.send(pods)
            #expect(first.status == 200)
            #expect(second.status == 200)
            #expect(server.requests.map(\.connection) == [0, 1])
        }
    }

    @Test func aServerThatIsNotListeningIsUnreachable() throws {
        let port = try StubAPIServer.with(handler: { _ in .list("jobs.json") }) { $0.port }
        let connection = KubeConnection(
            server: APIServerAddress(host: "127.0.0.1", port: port), trust: .roots(caPath: certificates.caFile),
            credentials: FixedCredentials(ClientCredentials()), identity: "test")
        let error = try #require(throws: APIClientError.self) { try APIClient(connection: connection).send(pods) }
        #expect(error == .unreachable(server: "https://127.0.0.1:\(port)", reason: "Connection refused"))
        #expect(error.description.contains("--context"))
    }

    @Test func addressesAreReadAsKubeconfigsWriteThem() throws {
        #expect(try APIServerAddress(url: "https://[::1]:6443") == APIServerAddress(host: "::1", port: 6443))
        #expect(try APIServerAddress(url: "https://kubernetes.example") == APIServerAddress(host: "kubernetes.example", port: 443))
        #expect(try APIServerAddress(url: "https://10.0.0.1:6443/k8s/clusters/c-1/") == APIServerAddress(host: "10.0.0.1", port: 6443, pathPrefix: "/k8s/clusters/c-1"))
        #expect(try APIServerAddress(url: "https://10.0.0.1:6443").hostIsAddress)
        #expect(try !APIServerAddress(url: "https://kubernetes.example:6443").hostIsAddress)
        #expect(throws: KubeConfigurationError.self) { try APIServerAddress(url: "http://10.0.0.1:8080") }
        #expect(throws: KubeConfigurationError.self) { try APIServerAddress(url: "https://10.0.0.1:99999") }
    }
}

extension ListFixtures {
    static func file(_ path: String) -> [UInt8] {
        Array(FileManager.default.contents(atPath: path) ?? Data())
    }
}
