import CapGuardSystem
import Synchronization

/// Holds the TLS context new connections use and swaps in a fresh one when the certificate, key or client
/// CA files change. A context that fails to build is reported and the previous one keeps serving.
package final class TLSContextStore: Sendable {
    /// What a reload attempt came to, for whoever counts and logs it.
    package enum Reload: Sendable {
        case reloaded(certificatePath: String)
        case rejected(certificatePath: String, reason: String)
    }

    private struct Loaded {
        var context: TLSContext
        /// What the files held at the last attempt, successful or not, so a broken file is reported once.
        var attempted: FileSnapshot?
    }

    private let configuration: TLSConfiguration
    private let reported: @Sendable (Reload) -> Void
    private let state: Mutex<Loaded>
    private let watcher = PeriodicTask(label: "capguard.tls-reload", leeway: .milliseconds(10))

    package init(configuration: TLSConfiguration, reported: @escaping @Sendable (Reload) -> Void) throws {
        guard case .server(let certificate, _) = configuration.role else {
            throw TLSError("a server needs a TLS configuration of the server role")
        }
        // Taken before the context is built, so that a change while it loads is seen by the next check.
        let snapshot = certificate == .developmentCertificate ? nil : FileSnapshot(paths: Self.watchedPaths(configuration))
        state = Mutex(Loaded(context: try TLSContext(configuration), attempted: snapshot))
        self.configuration = configuration
        self.reported = reported
    }

    package var current: TLSContext {
        state.withLock { $0.context }
    }

    private static func watchedPaths(_ configuration: TLSConfiguration) -> [String] {
        guard case .server(.files(let certificatePath, let keyPath), let clientCAPath) = configuration.role else { return [] }
        return [certificatePath, keyPath] + (clientCAPath.map { [$0] } ?? [])
    }

    /// Checks the files every `interval` until watching stops.
    package func startWatching(every interval: Duration) {
        guard case .files = configuration.certificate else { return }
        watcher.start(every: interval) { [weak self] in self?.reloadIfChanged() }
    }

    package func stopWatching() {
        watcher.cancel()
    }

    /// Rebuilds the context when any watched file differs from the last attempt.
    func reloadIfChanged() {
        guard case .files(let certificatePath, _) = configuration.certificate else { return }
        let paths = Self.watchedPaths(configuration)
        let snapshot = FileSnapshot(paths: paths)
        let changed = state.withLock { loaded in
            guard loaded.attempted != snapshot else { return false }
            loaded.attempted = snapshot
            return true
        }
        guard changed else { return }
        let built = Result { try TLSContext(configuration) }
        // OpenSSL reads the files again. If they changed since the snapshot (a rotation that replaces the key and
        // then the certificate), the context may hold neither what the snapshot saw nor what the files hold
        // now: it is neither used nor reported, and the next check reads them again. Used, a rotation could be
        // reported as two reloads, the second when the snapshot caught up.
        guard FileSnapshot(paths: paths) == snapshot else {
            state.withLock { $0.attempted = nil }
            return
        }
        switch built {
        case .success(let context):
            state.withLock { $0.context = context }
            reported(.reloaded(certificatePath: certificatePath))
        case .failure(let error):
            reported(.rejected(certificatePath: certificatePath, reason: "\(error)"))
        }
    }
}
