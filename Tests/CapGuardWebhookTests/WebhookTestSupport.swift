import CapGuardConfig
import CapGuardServer
import CapGuardWebhook
import Foundation
import Logging
import Synchronization
import Testing
import CapGuardTestSupport

/// Log lines the webhook wrote, for assertions.
final class CapturedLog: Sendable {
    private let storedLines = Mutex<[String]>([])

    var output: JSONLogOutput { JSONLogOutput { [self] line in storedLines.withLock { $0.append(line) } } }

    /// The lines as written, before any parsing.
    var lines: [String] { storedLines.withLock { $0 } }

    var entries: [[String: Any]] {
        storedLines.withLock { $0 }.compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
    }
}

/// A webhook on 127.0.0.1, a free port and the development certificate, stopped when the test ends.
struct RunningWebhook {
    let webhook: Webhook
    let log: CapturedLog
    var port: Int { webhook.server.boundPort }

    static func with<T>(_ policies: PolicySource = .fixed(.embeddedDefault), _ body: (RunningWebhook) throws -> T) throws -> T {
        let log = CapturedLog()
        let logger = Logger(label: "capguard") { JSONLogHandler(label: $0, output: log.output) }
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
