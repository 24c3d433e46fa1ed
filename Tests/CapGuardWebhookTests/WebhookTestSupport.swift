import CapGuardConfig
import CapGuardServer
import CapGuardWebhook
import Foundation
import Logging
import Testing
import CapGuardTestSupport

/// A webhook on 127.0.0.1, a free port and the development certificate, stopped when the test ends.
struct RunningWebhook {
    let webhook: Webhook
    let log: LogCapture
    var port: Int { webhook.server.boundPort }

    static func with<T>(_ policies: PolicySource = .fixed(.embeddedDefault), _ body: (RunningWebhook) throws -> T) throws -> T {
        let log = LogCapture()
        let logger = Logger(label: "capguard") { JSONLogHandler(label: $0, output: JSONLogOutput(write: log.append)) }
        var limits = HTTPServerLimits()
        limits.readTimeout = .seconds(5)
        let configuration = HTTPServerConfiguration(host: "127.0.0.1", port: 0, limits: limits, shutdownGracePeriod: .seconds(2))
        let webhook = try Webhook(configuration: configuration, tls: .development, policies: policies, logger: logger)
        try webhook.server.start()
        defer {
            webhook.server.shutdown()
            webhook.server.waitUntilStopped()
        }
        return try body(RunningWebhook(webhook: webhook, log: log))
    }
}
