import CapGuardKube
import CapGuardKubeClient
import CapGuardTLS
import CapGuardTestSupport
import Foundation
import Testing

@Suite struct ExecCredentialProviderTests {
    private let directory = TemporaryDirectory.make(prefix: "capguard-exec")

    /// A plugin that counts its runs in `runs`, keeps the KUBERNETES_EXEC_INFO it was given, and prints a
    /// token that expires at `expiry`.
    private func plugin(expiry: String, apiVersion: String = "client.authentication.k8s.io/v1") throws -> String {
        let path = directory + "/plugin"
        try writeExecutable(path, """
            #!/bin/sh
            echo x >> "\(directory)/runs"
            printf '%s' "$KUBERNETES_EXEC_INFO" > "\(directory)/exec-info"
            cat <<END
            {"apiVersion": "\(apiVersion)", "kind": "ExecCredential",
             "status": {"token": "plugin-token-$1-$PLUGIN_ENV", "expirationTimestamp": "\(expiry)"}}
            END
            """)
        return path
    }

    /// Writes a script through a close-on-exec descriptor. Written through one that is not, a process another
    /// test forks at that moment inherits it, and running the script fails with "Text file busy".
    private func writeExecutable(_ path: String, _ text: String) throws {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o755)
        guard fd >= 0 else { throw CocoaError(.fileWriteUnknown) }
        defer { close(fd) }
        let bytes = Array(text.utf8)
        guard write(fd, bytes, bytes.count) == bytes.count else { throw CocoaError(.fileWriteUnknown) }
    }

    private var runs: Int {
        ((try? String(contentsOfFile: directory + "/runs", encoding: .utf8)) ?? "").split(separator: "\n").count
    }

    private func kubeconfig(command: String, installHint: String = "", apiVersion: String = "client.authentication.k8s.io/v1") throws -> String {
        let path = directory + "/config"
        try """
            current-context: eks
            clusters: [{name: k, cluster: {server: "https://10.0.0.1:6443", certificate-authority-data: \(Data("CA".utf8).base64EncodedString())}}]
            contexts: [{name: eks, context: {cluster: k, user: u}}]
            users:
            - name: u
              user:
                exec:
                  apiVersion: \(apiVersion)
                  command: \(command)
                  args: [first]
                  env: [{name: PLUGIN_ENV, value: from-kubeconfig}]
                  interactiveMode: Never
                  provideClusterInfo: true
                  installHint: "\(installHint)"
            """.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test func aTokenIsKeptUntilItExpires() throws {
        _ = try plugin(expiry: "2999-01-01T00:00:00Z")
        // A relative command path is relative to the kubeconfig's directory.
        let connection = try KubeConnection.load(kubeconfig: try kubeconfig(command: "./plugin"), environment: ["PATH": "/usr/bin:/bin"])
        let first = try connection.credentials.credentials()
        #expect(first.bearerToken == "plugin-token-first-from-kubeconfig")
        #expect(try connection.credentials.credentials() == first)
        #expect(runs == 1)
        let info = try String(contentsOfFile: directory + "/exec-info", encoding: .utf8)
        #expect(info.contains("\"apiVersion\":\"client.authentication.k8s.io/v1\""))
        #expect(info.contains("\"interactive\":false"))
        #expect(info.contains("\"server\":\"https://10.0.0.1:6443\""))
        // A 401 drops the token: the plugin runs again, as client-go does.
        #expect(connection.credentials.refused(first))
        _ = try connection.credentials.credentials()
        #expect(runs == 2)
    }

    @Test func anExpiredTokenRunsThePluginAgain() throws {
        _ = try plugin(expiry: "2020-01-01T00:00:00.000Z", apiVersion: "client.authentication.k8s.io/v1beta1")
        let connection = try KubeConnection.load(
            kubeconfig: try kubeconfig(command: "plugin", apiVersion: "client.authentication.k8s.io/v1beta1"),
            environment: ["PATH": "/usr/bin:\(directory)"])
        _ = try connection.credentials.credentials()
        _ = try connection.credentials.credentials()
        #expect(runs == 2)
    }

    @Test func aTokenFromThePluginReachesTheServer() throws {
        _ = try plugin(expiry: "2999-01-01T00:00:00Z")
        try StubAPIServer.with(handler: { _ in .list("jobs.json") }) { (server) throws -> Void in
            var connection = KubeConnection.stub(server)
            connection.credentials = ExecCredentialProvider(
                plugin: ExecCredentialProvider.Plugin(command: directory + "/plugin", arguments: ["x"], environment: ["PLUGIN_ENV": "y"],
                                                      interactiveMode: "Never"),
                environment: [:])
            let response = try APIClient(connection: connection).send(APIRequest(method: "GET", path: "/apis/batch/v1/jobs"))
            #expect(response.status == 200)
            #expect(server.requests.map(\.bearerToken) == ["plugin-token-x-y"])
        }
    }

    @Test func aMissingPluginShowsItsInstallHint() throws {
        let connection = try KubeConnection.load(
            kubeconfig: try kubeconfig(command: "aws-iam-authenticator", installHint: "Install aws-iam-authenticator: see https://example.com/install"),
            environment: ["PATH": directory])
        let error = #expect(throws: KubeConfigurationError.self) { try connection.credentials.credentials() }
        #expect(error?.description == "the credential plugin aws-iam-authenticator of the kubeconfig's user was not found\n"
            + "Install aws-iam-authenticator: see https://example.com/install")
    }

    @Test func aFailingOrConfusedPluginIsReported() throws {
        let path = directory + "/bad"
        try writeExecutable(path, "#!/bin/sh\necho '{\"apiVersion\":\"client.authentication.k8s.io/v1\",\"kind\":\"ExecCredential\",\"status\":{}}'\nexit ${1:-0}\n")
        for (arguments, expected) in [(["3"], "failed with exit status 3"), ([], "neither a token nor a client certificate")] {
            let provider = ExecCredentialProvider(plugin: .init(command: path, arguments: arguments, interactiveMode: "Never"), environment: [:])
            let error = #expect(throws: KubeConfigurationError.self) { try provider.credentials() }
            #expect(error?.description.contains(expected) == true)
        }
    }
}
