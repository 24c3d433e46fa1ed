import CapGuardServer

/// The routes of `capguard audit --listen`: /healthz while the process runs, /readyz once an audit has
/// completed (a restart serves no metrics until it has one), /metrics.
public enum AuditRoutes {
    public static func router(_ monitor: AuditMonitor) -> Router {
        var router = Router()
        router.add("GET", "/healthz") { _ in .text("ok\n") }
        router.add("GET", "/readyz") { _ in
            monitor.isReady ? .text("ok\n") : .text("no complete audit yet\n", status: 503)
        }
        router.add("GET", "/metrics") { _ in
            HTTPResponse(status: 200, contentType: "text/plain; version=0.0.4; charset=utf-8",
                         body: Array(monitor.renderMetrics(process: .current()).utf8))
        }
        return router
    }
}
