import ArgumentParser
import CapGuardAudit
import CapGuardPolicy
import CapGuardServer
import Dispatch
import Glibc
import Logging

/// `capguard audit --interval --listen`: the audit loop beside an HTTPS server of /metrics, /healthz and
/// /readyz (the server is capguard's one HTTP stack, which serves TLS only: with --tls-cert and --tls-key as
/// serve takes them, or serve's self-signed development certificate). SIGTERM or SIGINT stops both.
struct AuditContinuously {
    let client: AuditClient
    let namespace: String?
    let policies: PolicySet
    let interval: Duration
    let listen: ListenAddress
    let tlsCert: String?
    let tlsKey: String?
    let policyReports: Bool

    func run() throws {
        LoggingSystem.bootstrap { JSONLogHandler(label: $0) }
        defer { JSONLogOutput.flushStandardOutput() }
        let logger = Logger(label: "capguard")
        let monitor = AuditMonitor(
            lister: client.lister, namespace: namespace, policies: policies,
            reportWriter: policyReports ? PolicyReportWriter(requester: client.requester) : nil, logger: logger)
        let server: HTTPServer
        do {
            server = try HTTPServer(
                configuration: HTTPServerConfiguration(host: listen.host, port: listen.port, shutdownGracePeriod: .seconds(5)),
                tls: tlsCert.map { .files(certificatePath: $0, keyPath: tlsKey!) } ?? .development,
                router: AuditRoutes.router(monitor), logger: logger)
        } catch {
            printError("capguard audit: \(error)")
            throw ExitCode(2)
        }
        let signals = ShutdownSignals(logger: logger) {
            monitor.stop()
            server.shutdown()
        }
        defer { withExtendedLifetime(signals) {} }
        do {
            try server.start()
        } catch {
            printError("capguard audit: cannot listen on \(listen): \(error)")
            throw ExitCode(2)
        }
        logger.info("auditing", metadata: [
            "namespace": .string(namespace ?? "(all)"), "interval_seconds": .stringConvertible(interval.components.seconds),
        ])
        let loop = DispatchGroup()
        DispatchQueue.global().async(group: loop) { monitor.run(every: interval) }
        server.waitUntilStopped()
        loop.wait()
    }
}
