import CapGuardSystem
import FoundationEssentials
import Logging
import Synchronization

/// Keeps the served policy in step with its file, as the kubelet updates a mounted ConfigMap.
///
/// The kubelet never edits the file in place: it writes a new timestamped directory and swaps the
/// `..data` symlink to it, and the file is a symlink through `..data`. Polling the resolved content every
/// few seconds sees that swap (and plain edits, and editors that replace files) with no inotify edge cases.
/// A new policy is validated completely before it is swapped in; a bad edit is logged and counted, and
/// the last good policy keeps serving. Readers get the whole old or the whole new policy, never a mix.
public final class PolicyReloader: Sendable {
    /// Counters for `/metrics`.
    public struct Statistics: Sendable, Hashable {
        public var succeeded = 0
        public var failed = 0
        /// The errors of the last rejected edit, until a good one replaces it.
        public var lastErrors: [String] = []
    }

    private struct State {
        var current: LoadedPolicy
        /// Hash of the bytes last looked at, good or bad, so that a bad edit is reported once, not every poll.
        var lastSeenHash: String
        var statistics = Statistics()
    }

    public let path: String
    public let interval: Duration
    private let logger: Logger
    private let state: Mutex<State>
    private let poller = PeriodicTask(label: "capguard.policy-reload", leeway: .milliseconds(100))

    /// Loads the file once; throws if it cannot be used, so that a server never starts on a bad policy.
    public init(path: String, interval: Duration = .seconds(2), logger: Logger) throws(PolicyLoadError) {
        let initial = try LoadedPolicy.load(path: path)
        self.path = path
        self.interval = interval
        self.logger = logger
        self.state = Mutex(State(current: initial, lastSeenHash: initial.contentHash))
    }

    /// The policy to serve now.
    public var current: LoadedPolicy { state.withLock { $0.current } }

    public var statistics: Statistics { state.withLock { $0.statistics } }

    /// Starts polling on a background queue.
    public func start() {
        poller.start(every: interval) { [weak self] in self?.checkNow() }
    }

    /// Stops polling for good.
    public func stop() {
        poller.cancel()
    }

    /// What one look at the file found.
    public enum CheckResult: Sendable, Hashable {
        case unchanged
        case reloaded(generation: Int)
        case rejected([String])
    }

    /// Looks at the file once and swaps in a changed, valid policy.
    @discardableResult
    public func checkNow() -> CheckResult {
        let bytes: [UInt8]
        do {
            bytes = try PolicyLoadError.reading(path)
        } catch {
            return reject(hash: "unreadable", errors: [error.description])
        }
        let hash = SHA256.hex(of: bytes)
        let (lastSeen, generation) = state.withLock { ($0.lastSeenHash, $0.current.generation) }
        guard hash != lastSeen else { return .unchanged }
        do {
            let loaded = try LoadedPolicy.parse(bytes, path: path, generation: generation + 1)
            state.withLock {
                $0.current = loaded
                $0.lastSeenHash = hash
                $0.statistics.succeeded += 1
                $0.statistics.lastErrors = []
            }
            logger.info("policy reloaded", metadata: [
                "path": "\(path)", "generation": "\(loaded.generation)", "sha256": "\(hash)", "mode": "\(loaded.policies.base.mode.rawValue)",
            ])
            return .reloaded(generation: loaded.generation)
        } catch {
            let errors: [String] = switch error {
            case .invalid(let list): list.errors.map(\.description)
            case .unreadable: [error.description]
            }
            return reject(hash: hash, errors: errors)
        }
    }

    private func reject(hash: String, errors: [String]) -> CheckResult {
        let (isNew, generation) = state.withLock { state -> (Bool, Int) in
            guard state.lastSeenHash != hash else { return (false, state.current.generation) }
            state.lastSeenHash = hash
            state.statistics.failed += 1
            state.statistics.lastErrors = errors
            return (true, state.current.generation)
        }
        guard isNew else { return .unchanged }
        logger.error("policy reload rejected; the last good policy keeps serving", metadata: [
            "path": "\(path)", "servingGeneration": "\(generation)", "errors": .array(errors.map { .string($0) }),
        ])
        return .rejected(errors)
    }
}
