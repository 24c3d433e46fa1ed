import CapGuardKubeClient
import CapGuardTLS
import CapGuardTestSupport

extension KubeConnection {
    /// A connection to `server` that trusts the test CA and presents `token`.
    static func stub(
        _ server: StubAPIServer, token: String? = "good-token", trust: TLSConfiguration.Trust = .roots(caPath: TestCertificates.shared.caFile),
        serverName: String? = nil
    ) -> KubeConnection {
        KubeConnection(
            server: APIServerAddress(host: server.host, port: server.port), trust: trust, serverName: serverName,
            credentials: FixedCredentials(ClientCredentials(bearerToken: token)), identity: "user \"tester\" of context \"stub\"")
    }
}

/// Answers list requests from the captured pods pages by their continue token, as the apiserver would. The
/// captured second page still has a `continue` (remainingItemCount 1), so a last page of one pod follows it.
@Sendable func podsPages(_ request: StubRequest) -> StubResponse {
    if request.path.contains("continue=eyJ2IjoibWV0YS5rOHMuaW8vdjEiLCJydiI6Nzc1LCJzdGFydCI6IndlYi1iYWQt") {
        return .list("pods-page2.json")
    }
    if request.path.contains("continue=") {
        return StubResponse(status: 200, body: Array(lastPodsPage.utf8), framing: .chunked(4096))
    }
    return .list("pods-page1.json")
}

private let lastPodsPage = """
    {
      "kind": "PodList",
      "apiVersion": "v1",
      "metadata": {
        "resourceVersion": "775"
      },
      "items": [
        {
          "metadata": {
            "name": "web-good-5d9c7-2",
            "namespace": "capguard-audit-e2e"
          },
          "spec": {
            "containers": [
              {
                "name": "app",
                "image": "nginx",
                "securityContext": {
                  "capabilities": {
                    "drop": ["ALL"]
                  }
                }
              }
            ]
          }
        }
      ]
    }
    """
