import Dispatch
import Logging
import Synchronization

/// Holds the TLS context new connections use and swaps in a fresh one when the certificate, key or client
/// CA files change. A context that fails to build is logged and the previous one keeps serving.
final class TLSContextStore: Sendable {
    private struct Loaded {
        var context: TLSContext
        /// What the files held at the last attempt, successful or not, so a broken file is reported once.
        var attempted: FileSnapshot?
    }

    private let configuration: TLSConfiguration
    private let counters: ServerCounters
    private let logger: Logger
    private let state: Mutex<Loaded>
    // Dispatch sources are thread-safe; this one is made once here and only scheduled, resumed and cancelled.
    private nonisolated(unsafe) let timer: any DispatchSourceTimer

    init(configuration: TLSConfiguration, counters: ServerCounters, logger: Logger) throws {
        switch configuration.certificate {
        case .developmentCertificate:
            let context = try TLSContext(certificate: DevelopmentCertificate(), clientCAPath: configuration.clientCAPath)
            logger.warning(
                "serving a self-signed development certificate; configure a real certificate for any cluster",
                metadata: ["subject_alt_names": .string(DevelopmentCertificate.subjectAlternativeNames)])
            state = Mutex(Loaded(context: context, attempted: nil))
        case .files(let certificatePath, let keyPath):
            let snapshot = FileSnapshot(paths: Self.watchedPaths(configuration))
            let context = try TLSContext(
                certificatePath: certificatePath, keyPath: keyPath, clientCAPath: configuration.clientCAPath)
            state = Mutex(Loaded(context: context, attempted: snapshot))
        }
        self.configuration = configuration
        self.counters = counters
        self.logger = logger
        // Made only once nothing can throw, and active but unscheduled until watching starts:
        // a suspended source must never be released.
        timer = DispatchSource.makeTimerSource(queue: DispatchQueue(label: "capguard.tls-reload"))
        timer.resume()
    }

    var current: TLSContext {
        state.withLock { $0.context }
    }

    private static func watchedPaths(_ configuration: TLSConfiguration) -> [String] {
        guard case .files(let certificatePath, let keyPath) = configuration.certificate else { return [] }
        return [certificatePath, keyPath] + (configuration.clientCAPath.map { [$0] } ?? [])
    }

    func startWatching() {
        guard case .files = configuration.certificate else { return }
        let interval = DispatchTimeInterval.nanoseconds(Int(configuration.reloadInterval.nanoseconds))
        timer.schedule(deadline: .now() + interval, repeating: interval, leeway: .milliseconds(10))
        timer.setEventHandler { [weak self] in
            self?.reloadIfChanged()
        }
    }

    func stopWatching() {
        timer.cancel()
    }

    /// Rebuilds the context when any watched file differs from the last attempt.
    func reloadIfChanged() {
        guard case .files(let certificatePath, let keyPath) = configuration.certificate else { return }
        let snapshot = FileSnapshot(paths: Self.watchedPaths(configuration))
        let changed = state.withLock { loaded in
            guard loaded.attempted != snapshot else { return false }
            loaded.attempted = snapshot
            return true
        }
        guard changed else { return }
        do {
            let context = try TLSContext(
                certificatePath: certificatePath, keyPath: keyPath, clientCAPath: configuration.clientCAPath)
            state.withLock { $0.context = context }
            counters.update { $0.certificateReloads += 1 }
            logger.info("reloaded TLS certificate", metadata: ["certificate": .string(certificatePath)])
        } catch {
            counters.update { $0.certificateReloadFailures += 1 }
            logger.error(
                "rejected changed TLS certificate; still serving the previous one",
                metadata: ["certificate": .string(certificatePath), "reason": .string("\(error)")])
        }
    }
}
