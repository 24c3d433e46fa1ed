import ArgumentParser
import CapGuardConfig
import CapGuardServer
import CapGuardSystem
import CapGuardWebhook
import Dispatch
import FoundationEssentials
import Glibc
import Logging

struct ServeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve the validating admission webhook over HTTPS.",
        discussion: """
            Endpoints: POST /validate (mode from the policy), POST /validate/audit (always audit), POST /mutate \
            (the opt-in mutating webhook: drop ALL and plain add names as a JSON Patch), GET /healthz, \
            GET /readyz, GET /metrics. Logs are JSON lines on standard output. SIGTERM or SIGINT stops accepting, \
            finishes requests in flight and exits 0.
            With no --tls-cert, a self-signed development certificate for localhost, 127.0.0.1 and ::1 is made in memory.
            """
    )

    @Option(help: "Address to listen on, HOST:PORT ([::]:8443 for IPv6 and IPv4).")
    var listen: ListenAddress = ListenAddress(host: "0.0.0.0", port: 8443)

    @Option(help: "Serving certificate (PEM; a chain may follow it). Re-read when it changes.")
    var tlsCert: String?

    @Option(help: "Private key of the serving certificate (PEM).")
    var tlsKey: String?

    @Option(help: "CA bundle (PEM): when given, clients must present a certificate it signed.")
    var clientCa: String?

    @Option(help: "Policy file (YAML); re-read when it changes. Default: the embedded policy.")
    var config: String?

    @Option(help: "Seconds between checks of the policy and certificate files for changes.")
    var reloadInterval: Double = 2

    @Option(help: "Largest request body in bytes; larger ones get 413.")
    var maxBodyBytes: Int = HTTPServerLimits().maxBodyBytes

    @Option(help: "Bytes all connections together may hold for requests still arriving; a request that needs more gets 503. The last quarter (at most 4 MiB) is kept for requests holding at most 128 KiB, such as probes and ordinary reviews.")
    var maxBufferedRequestBytes: Int = HTTPServerLimits().maxBufferedRequestBytes

    @Option(help: "Largest request line and headers in bytes; larger ones get 431.")
    var maxHeaderBytes: Int = HTTPServerLimits().maxHeaderBytes

    @Option(help: "Most connections open at once; more are refused.")
    var maxConnections: Int = HTTPServerLimits().maxConnections

    @Option(help: "Seconds a client gets to send a whole request (or finish the TLS handshake).")
    var readTimeout: Double = HTTPServerLimits().readTimeout.seconds

    @Option(help: "Seconds an idle keep-alive connection stays open.")
    var idleTimeout: Double = HTTPServerLimits().idleTimeout.seconds

    @Option(help: "Seconds requests in flight get to finish after SIGTERM.")
    var shutdownGracePeriod: Double = 20

    func validate() throws {
        if (tlsCert == nil) != (tlsKey == nil) { throw ValidationError("--tls-cert and --tls-key go together") }
        if clientCa != nil && tlsCert == nil { throw ValidationError("--client-ca needs --tls-cert and --tls-key") }
        try FlagRange.seconds.check("--reload-interval", reloadInterval, within: 0.01...3600)
        try FlagRange.seconds.check("--read-timeout", readTimeout, within: 0.001...3600)
        try FlagRange.seconds.check("--idle-timeout", idleTimeout, within: 0.001...86400)
        try FlagRange.seconds.check("--shutdown-grace-period", shutdownGracePeriod, within: 0.001...3600)
        try FlagRange.bytes.check("--max-body-bytes", maxBodyBytes, within: 1...(1 << 30))
        try FlagRange.bytes.check("--max-header-bytes", maxHeaderBytes, within: 64...(1 << 20))
        try FlagRange.count.check("--max-connections", maxConnections, within: 1...1_000_000)
        try FlagRange.bytes.check("--max-buffered-request-bytes", maxBufferedRequestBytes, within: 1...(4 << 30))
        var limits = HTTPServerLimits()
        limits.maxBufferedRequestBytes = maxBufferedRequestBytes
        if maxBufferedRequestBytes - limits.smallRequestReserveBytes < maxBodyBytes {
            throw ValidationError(
                "--max-buffered-request-bytes must hold --max-body-bytes besides the part kept for small requests "
                    + "(a quarter, at most 4 MiB), or the largest body is never accepted")
        }
    }

    func run() throws {
        LoggingSystem.bootstrap { JSONLogHandler(label: $0) }
        defer { JSONLogOutput.flushStandardOutput() }
        let logger = Logger(label: "capguard")
        let interval = Duration.milliseconds(reloadInterval * 1000)

        let policies: PolicySource
        if let config {
            do {
                policies = .reloading(try PolicyReloader(path: config, interval: interval, logger: logger))
            } catch {
                logger.critical("cannot start: the policy file is not usable", metadata: ["path": .string(config), "errors": .string(error.description)])
                printError(error.description)
                throw ExitCode(2)
            }
        } else {
            policies = .fixed(.embeddedDefault)
        }

        var tls: TLSConfiguration
        if let tlsCert, let tlsKey {
            tls = .files(certificatePath: tlsCert, keyPath: tlsKey, clientCAPath: clientCa)
        } else {
            tls = .development
        }
        tls.reloadInterval = interval

        var limits = HTTPServerLimits()
        limits.maxBodyBytes = maxBodyBytes
        limits.maxBufferedRequestBytes = maxBufferedRequestBytes
        limits.maxHeaderBytes = maxHeaderBytes
        limits.maxConnections = maxConnections
        limits.readTimeout = .milliseconds(readTimeout * 1000)
        limits.idleTimeout = .milliseconds(idleTimeout * 1000)
        let configuration = HTTPServerConfiguration(
            host: listen.host, port: listen.port, limits: limits, shutdownGracePeriod: .milliseconds(shutdownGracePeriod * 1000)
        )

        let webhook: Webhook
        do {
            webhook = try Webhook(configuration: configuration, tls: tls, policies: policies, logger: logger)
        } catch {
            logger.critical("cannot start", metadata: ["error": .string("\(error)")])
            printError("capguard serve: \(error)")
            throw ExitCode(2)
        }
        let loaded = policies.current
        logger.info("policy loaded", metadata: [
            "source": .string(loaded.path ?? "embedded default"), "sha256": .string(loaded.contentHash),
            "mode": .string(loaded.policies.base.mode.rawValue),
            "allowedCapabilities": .array(loaded.policies.base.allowedCapabilities.map { .string($0.name) }),
        ])
        if case .reloading(let reloader) = policies { reloader.start() }
        do {
            try serveUntilSignalled(webhook.server, logger: logger) {
                if tlsCert == nil { printDevelopmentBanner(port: webhook.server.boundPort) }
            }
        } catch {
            logger.critical("cannot listen", metadata: ["address": .string("\(listen)"), "error": .string("\(error)")])
            printError("capguard serve: cannot listen on \(listen): \(error)")
            throw ExitCode(2)
        }
        if case .reloading(let reloader) = policies { reloader.stop() }
    }

    /// Starts, calls `started` once listening, serves until SIGTERM or SIGINT, then shuts down gracefully and
    /// returns. Signals are the process's to handle, so they are taken here rather than by the server.
    private func serveUntilSignalled(_ server: HTTPServer, logger: Logger, started: () -> Void) throws {
        let signals = ShutdownSignals(logger: logger) { server.shutdown() }
        defer { withExtendedLifetime(signals) {} }
        try server.start()
        started()
        server.waitUntilStopped()
    }

    private func printDevelopmentBanner(port: Int) {
        printError("""

            *** capguard is serving a SELF-SIGNED DEVELOPMENT CERTIFICATE made at start (localhost, 127.0.0.1, ::1). ***
            *** For a cluster, give --tls-cert and --tls-key (see certs/ and deploy/).                              ***

            Try it (from the repository):
              curl -sk https://127.0.0.1:\(port)/validate -H 'Content-Type: application/json' --data @examples/admission/pod-no-drop.json
              curl -sk https://127.0.0.1:\(port)/validate -H 'Content-Type: application/json' --data @examples/admission/pod-compliant.json
              curl -sk https://127.0.0.1:\(port)/mutate -H 'Content-Type: application/json' --data @examples/admission/pod-no-drop.json
              curl -sk https://127.0.0.1:\(port)/metrics

            """)
    }
}

/// `HOST:PORT`, with IPv6 hosts in brackets (`[::1]:8443`).
struct ListenAddress: ExpressibleByArgument, CustomStringConvertible {
    let host: String
    let port: Int

    init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    init?(argument: String) {
        guard let colon = argument.lastIndex(of: ":"), let port = Int(argument[argument.index(after: colon)...]),
              (0...65535).contains(port) else { return nil }
        var host = String(argument[..<colon])
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        guard !host.isEmpty, host.contains(":") == argument.hasPrefix("[") else { return nil }
        self.host = host
        self.port = port
    }

    var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }

    var defaultValueDescription: String { description }
}
