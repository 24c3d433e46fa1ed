import Logging
import Synchronization

/// What a server's connections update and its routes report: the counters, the request memory budget, the
/// open connections and the TLS contexts. Made before the server, so that routes such as /metrics and /readyz
/// read it without referring back to the server that serves them.
public final class ServerState: Sendable {
    let configuration: HTTPServerConfiguration
    let certificateReloadInterval: Duration
    let counters = ServerCounters()
    let requestMemory: RequestMemoryBudget
    let tls: TLSContextStore
    /// Kept by the connection registry, under its lock, so that it never disagrees with the registry.
    let openConnections = Atomic<Int>(0)

    public init(configuration: HTTPServerConfiguration, tls: TLSConfiguration, logger: Logger) throws {
        let counters = counters
        self.tls = try TLSContextStore(configuration: tls) { reload in
            Self.record(reload, counters: counters, logger: logger)
        }
        if tls.certificate == .developmentCertificate {
            logger.warning(
                "serving a self-signed development certificate; configure a real certificate for any cluster",
                metadata: ["subject_alt_names": .string(DevelopmentCertificate.subjectAlternativeNames)])
        }
        self.configuration = configuration
        certificateReloadInterval = tls.reloadInterval
        requestMemory = RequestMemoryBudget(limits: configuration.limits)
    }

    private static func record(_ reload: TLSContextStore.Reload, counters: ServerCounters, logger: Logger) {
        switch reload {
        case .reloaded(let certificatePath):
            counters.update { $0.certificateReloads += 1 }
            logger.info("reloaded TLS certificate", metadata: ["certificate": .string(certificatePath)])
        case .rejected(let certificatePath, let reason):
            counters.update { $0.certificateReloadFailures += 1 }
            logger.error(
                "rejected changed TLS certificate; still serving the previous one",
                metadata: ["certificate": .string(certificatePath), "reason": .string(reason)])
        }
    }

    public var statistics: ServerStatistics {
        var statistics = counters.snapshot
        statistics.openConnections = openConnections.load(ordering: .relaxed)
        statistics.bufferedRequestBytes = requestMemory.usedBytes
        statistics.certificateNotAfter = tls.current.certificateExpiry?.notAfterSecondsSinceEpoch
        return statistics
    }

    /// True while the serving certificate is loaded and has not expired.
    public var isCertificateLoaded: Bool {
        !tls.current.isExpired
    }
}
