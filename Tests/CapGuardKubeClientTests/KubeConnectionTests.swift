import CapGuardKubeClient
import CapGuardTLS
import CapGuardTestSupport
import Foundation
import Testing

@Suite struct KubeConnectionTests {
    private let directory = TemporaryDirectory.make(prefix: "capguard-kubeconfig")

    private func write(_ name: String, _ text: String) throws -> String {
        let path = directory + "/" + name
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    private var base64CA: String {
        Data(ListFixtures.file(TestCertificates.shared.caFile)).base64EncodedString()
    }

    @Test func severalKubeconfigFilesMergeWithTheFirstToDefineANameWinning() throws {
        let first = try write("first", """
            apiVersion: v1
            kind: Config
            current-context: dev
            clusters:
            - name: shared
              cluster:
                server: https://10.0.0.1:6443
                certificate-authority: ca/first.pem
            users:
            - name: alice
              user:
                token: alice-token
            contexts:
            - name: dev
              context: {cluster: shared, user: alice, namespace: team-a}
            """)
        let second = try write("more/second", """
            current-context: prod
            clusters:
            - name: shared
              cluster: {server: "https://10.9.9.9:6443"}
            - name: prod
              cluster:
                server: https://[fd00::1]:443
                certificate-authority-data: \(base64CA)
                tls-server-name: kubernetes.default
            users:
            - name: bob
              user: {tokenFile: bob.token}
            contexts:
            - name: prod
              context: {cluster: prod, user: bob}
            """)
        _ = try write("ca/first.pem", String(decoding: ListFixtures.file(TestCertificates.shared.caFile), as: UTF8.self))
        let environment = ["KUBECONFIG": "\(first):\(directory)/missing:\(second)", "HOME": directory]

        let dev = try KubeConnection.load(environment: environment)
        #expect(dev.server == APIServerAddress(host: "10.0.0.1", port: 6443))
        #expect(dev.trust == .roots(caPath: directory + "/ca/first.pem"))
        #expect(dev.namespace == "team-a")
        #expect(dev.identity == "user \"alice\" of context \"dev\"")
        #expect(try dev.credentials.credentials() == ClientCredentials(bearerToken: "alice-token"))

        let prod = try KubeConnection.load(context: "prod", environment: environment)
        #expect(prod.server == APIServerAddress(host: "fd00::1", port: 443))
        #expect(prod.trust == .rootsPEM(ListFixtures.file(TestCertificates.shared.caFile)))
        #expect(prod.serverName == "kubernetes.default")
        let tokenFile = try #require(prod.credentials as? TokenFileCredentials)
        #expect(tokenFile.path == directory + "/more/bob.token")
    }

    @Test func kubeconfigFlagWinsOverTheEnvironmentAndHome() throws {
        let flag = try write("flag", """
            current-context: c
            clusters: [{name: k, cluster: {server: "https://flag.example:6443", insecure-skip-tls-verify: true}}]
            contexts: [{name: c, context: {cluster: k}}]
            """)
        _ = try write(".kube/config", "current-context: home\n")
        let connection = try KubeConnection.load(kubeconfig: flag, environment: ["KUBECONFIG": directory + "/nothing", "HOME": directory])
        #expect(connection.server.host == "flag.example")
        #expect(connection.trust == .anyCertificate)
        #expect(connection.warnings.count == 1)
        #expect(connection.warnings.first?.contains("insecure-skip-tls-verify") == true)
        #expect(try connection.credentials.credentials() == ClientCredentials())
    }

    @Test func homeKubeconfigIsTheDefault() throws {
        _ = try write(".kube/config", """
            current-context: c
            clusters: [{name: k, cluster: {server: "https://home.example"}}]
            users: [{name: u, user: {client-certificate: client.pem, client-key-data: \(Data("KEY".utf8).base64EncodedString())}}]
            contexts: [{name: c, context: {cluster: k, user: u}}]
            """)
        _ = try write(".kube/client.pem", "CERT")
        let connection = try KubeConnection.load(environment: ["HOME": directory])
        #expect(connection.server == APIServerAddress(host: "home.example", port: 443))
        #expect(connection.trust == .systemRoots)
        #expect(try connection.credentials.credentials().certificate == .pem(certificate: Array("CERT".utf8), key: Array("KEY".utf8)))
    }

    @Test func clientCertificateFilesStayFiles() throws {
        let path = try write("config", """
            current-context: c
            clusters: [{name: k, cluster: {server: "https://10.0.0.1"}}]
            users: [{name: u, user: {client-certificate: /etc/u.pem, client-key: keys/u.key}}]
            contexts: [{name: c, context: {cluster: k, user: u}}]
            """)
        let connection = try KubeConnection.load(kubeconfig: path, environment: [:])
        #expect(try connection.credentials.credentials().certificate == .files(certificatePath: "/etc/u.pem", keyPath: directory + "/keys/u.key"))
    }

    @Test func mistakesAreNamedWithTheirFix() throws {
        let path = try write("config", """
            clusters:
            - {name: k, cluster: {server: "https://10.0.0.1"}}
            - {name: both, cluster: {server: "https://10.0.0.1", insecure-skip-tls-verify: true, certificate-authority-data: \(base64CA)}}
            - {name: plain, cluster: {server: "http://10.0.0.1:8080"}}
            users:
            - {name: basic, user: {username: admin, password: secret}}
            - {name: gcp, user: {auth-provider: {name: gcp}}}
            - {name: half, user: {client-certificate-data: \(base64CA)}}
            contexts:
            - {name: basic, context: {cluster: k, user: basic}}
            - {name: gcp, context: {cluster: k, user: gcp}}
            - {name: half, context: {cluster: k, user: half}}
            - {name: both, context: {cluster: both}}
            - {name: plain, context: {cluster: plain}}
            - {name: lost, context: {cluster: nowhere}}
            - {name: nobody, context: {cluster: k, user: nobody}}
            """)
        func message(_ context: String?) -> String {
            do {
                _ = try KubeConnection.load(kubeconfig: path, context: context, environment: [:])
                return "loaded"
            } catch {
                return error.description
            }
        }
        #expect(message(nil) == "the kubeconfig \(path) sets no current-context; pass --context (kubectl config get-contexts lists them)")
        #expect(message("missing").hasPrefix("the kubeconfig \(path) has no context \"missing\" (it has: basic, both, gcp, half, lost, nobody, plain)"))
        #expect(message("basic").contains("basic authentication was removed in Kubernetes 1.19"))
        #expect(message("gcp").contains("use its exec credential plugin instead"))
        #expect(message("half").contains("a client certificate without its key"))
        #expect(message("both").contains("sets both a certificate authority and insecure-skip-tls-verify"))
        #expect(message("plain").contains("is not an https:// URL"))
        #expect(message("lost").contains("names cluster \"nowhere\", which no kubeconfig file"))
        #expect(message("nobody").contains("names user \"nobody\", which no kubeconfig file"))
        #expect(throws: KubeConfigurationError.self) { try KubeConnection.load(kubeconfig: directory + "/absent", environment: [:]) }
    }

    @Test func inClusterReadsTheServiceAccountAndBracketsNothing() throws {
        let serviceAccount = directory + "/sa"
        _ = try write("sa/token", "sa-token\n")
        _ = try write("sa/ca.crt", "CA")
        _ = try write("sa/namespace", "capguard-system")
        let connection = try KubeConnection.inCluster(
            environment: ["KUBERNETES_SERVICE_HOST": "fd00:10:96::1", "KUBERNETES_SERVICE_PORT": "443"], directory: serviceAccount)
        #expect(connection.server.description == "https://[fd00:10:96::1]")
        #expect(connection.trust == .roots(caPath: serviceAccount + "/ca.crt"))
        #expect(connection.namespace == "capguard-system")
        #expect(try connection.credentials.credentials().bearerToken == "sa-token")

        let outside = #expect(throws: KubeConfigurationError.self) { try KubeConnection.inCluster(environment: [:], directory: serviceAccount) }
        #expect(outside?.description.contains("KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT are not set") == true)
    }

    @Test func withoutAnyKubeconfigAPodUsesItsServiceAccount() throws {
        let environment = ["HOME": directory + "/nohome", "KUBERNETES_SERVICE_HOST": "10.96.0.1", "KUBERNETES_SERVICE_PORT": "443"]
        let error = #expect(throws: KubeConfigurationError.self) { try KubeConnection.load(environment: environment) }
        #expect(error?.description.contains("/var/run/secrets/kubernetes.io/serviceaccount/token") == true)
    }
}
