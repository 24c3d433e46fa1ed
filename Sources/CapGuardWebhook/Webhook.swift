import CapGuardConfig
import CapGuardServer
import Logging

/// The admission webhook: capguard's routes on an HTTPS server, with the policy and the metrics.
public final class Webhook: Sendable {
    public let server: HTTPServer
    public let policies: PolicySource
    public let metrics: WebhookMetrics

    public init(
        configuration: HTTPServerConfiguration, tls: TLSConfiguration, policies: PolicySource, logger: Logger
    ) throws {
        let metrics = WebhookMetrics()
        // Made first and shared by the server and the routes: the server holds the router and so these
        // handlers, and a reference from them back to the server would be a cycle.
        let serverState = try ServerState(configuration: configuration, tls: tls, logger: logger)
        var router = Router()
        let decodeBudget = ReviewDecodeBudget()
        for (path, forceAudit) in [("/validate", false), ("/validate/audit", true)] {
            let endpoint = AdmissionEndpoint(
                policies: policies, metrics: metrics, logger: logger, forceAudit: forceAudit, decodeBudget: decodeBudget
            )
            router.add("POST", path, endpoint.handle)
        }
        let mutation = MutationEndpoint(policies: policies, metrics: metrics, logger: logger, decodeBudget: decodeBudget)
        router.add("POST", "/mutate", mutation.handle)
        router.add("GET", "/healthz") { _ in .text("ok\n") }
        router.add("GET", "/readyz") { _ in
            // The policy is loaded before the server starts; the certificate can expire while serving.
            let ready = serverState.isCertificateLoaded
            return ready ? .text("ok\n") : .text("not ready: no valid serving certificate\n", status: 503)
        }
        router.add("GET", "/metrics") { _ in
            let text = metrics.render(
                server: serverState.statistics, policy: policies.current, reloads: policies.reloadStatistics,
                process: ProcessStatistics.current())
            return HTTPResponse(status: 200, contentType: "text/plain; version=0.0.4; charset=utf-8", body: Array(text.utf8))
        }
        server = HTTPServer(state: serverState, router: router, logger: logger)
        self.policies = policies
        self.metrics = metrics
    }
}
