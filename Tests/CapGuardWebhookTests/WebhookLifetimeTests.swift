import CapGuardConfig
import CapGuardServer
import CapGuardWebhook
import Logging
import Testing

@Suite("Webhook lifetime")
struct WebhookLifetimeTests {
    /// The routes reach the server for /readyz and /metrics; held strongly, the server (and its core, TLS
    /// contexts and Dispatch sources) would keep itself alive forever. AddressSanitizer's leak check found it.
    @Test("a stopped webhook's server is freed, not kept alive by its own routes")
    func stoppedServerIsFreed() throws {
        weak var server: HTTPServer?
        try {
            let webhook = try Webhook(
                configuration: HTTPServerConfiguration(host: "127.0.0.1", port: 0), tls: .development,
                policies: .fixed(.embeddedDefault), logger: Logger(label: "capguard") { _ in SwiftLogNoOpLogHandler() }
            )
            try webhook.server.start()
            webhook.server.shutdown()
            webhook.server.waitUntilStopped()
            server = webhook.server
        }()
        #expect(server == nil)
    }
}
