import CapGuardConfig
import CapGuardServer
import Logging
import Synchronization

/// The admission webhook: capguard's routes on an HTTPS server, with the policy and the metrics.
public final class Webhook: Sendable {
    public let server: HTTPServer
    public let policies: PolicySource
    public let metrics: WebhookMetrics

    public init(
        configuration: HTTPServerConfiguration, tls: TLSConfiguration, policies: PolicySource, logger: Logger
    ) throws {
        let metrics = WebhookMetrics()
        // Weak: the server holds the router and so these handlers; a strong reference back made a cycle that
        // kept every server, its connections' core, TLS contexts and Dispatch sources alive after shutdown.
        let serverReference = Mutex(WeakServer())
        var router = Router()
        let decodeBudget = ReviewDecodeBudget()
        for (path, forceAudit) in [("/validate", false), ("/validate/audit", true)] {
            let endpoint = AdmissionEndpoint(
                policies: policies, metrics: metrics, logger: logger, forceAudit: forceAudit, decodeBudget: decodeBudget
            )
            router.add("POST", path, endpoint.handle)
        }
        router.add("GET", "/healthz") { _ in .text("ok\n") }
        router.add("GET", "/readyz") { _ in
            // The policy is loaded before the server starts; the certificate can expire while serving.
            let ready = serverReference.withLock { $0.server?.isCertificateLoaded ?? false }
            return ready ? .text("ok\n") : .text("not ready: no valid serving certificate\n", status: 503)
        }
        router.add("GET", "/metrics") { _ in
            let statistics = serverReference.withLock { $0.server?.statistics } ?? ServerStatistics()
            let text = metrics.render(server: statistics, policy: policies.current, reloads: policies.reloadStatistics)
            return HTTPResponse(status: 200, contentType: "text/plain; version=0.0.4; charset=utf-8", body: Array(text.utf8))
        }
        let server = try HTTPServer(configuration: configuration, tls: tls, router: router, logger: logger)
        serverReference.withLock { $0.server = server }
        self.server = server
        self.policies = policies
        self.metrics = metrics
    }
}

private struct WeakServer {
    weak var server: HTTPServer?
}
