import CapGuardSystem
import Logging
import Synchronization

/// Logs connection-level events without letting an attack flood the log: per kind of event, at most
/// `burst` lines per window; the rest are counted and the count rides on the next line that gets through.
final class EventLogLimiter: Sendable {
    private struct Window {
        var start: UInt64
        var logged: Int
        var suppressed: Int
    }

    private let logger: Logger
    private let burst: Int
    private let window: UInt64
    private let windows = Mutex<[String: Window]>([:])

    init(logger: Logger, burst: Int = 10, window: Duration = .seconds(10)) {
        self.logger = logger
        self.burst = burst
        self.window = window.nanoseconds
    }

    func warning(_ kind: String, _ message: String, _ metadata: Logger.Metadata) {
        let now = MonotonicClock.now()
        let suppressed: Int? = windows.withLock { windows in
            var current = windows[kind] ?? Window(start: now, logged: 0, suppressed: 0)
            if now - current.start >= window {
                current = Window(start: now, logged: 0, suppressed: current.suppressed)
            }
            guard current.logged < burst else {
                current.suppressed += 1
                windows[kind] = current
                return nil
            }
            let earlier = current.suppressed
            current.logged += 1
            current.suppressed = 0
            windows[kind] = current
            return earlier
        }
        guard let suppressed else { return }
        var fields = metadata
        fields["event"] = .string(kind)
        if suppressed > 0 {
            fields["suppressed"] = .stringConvertible(suppressed)
        }
        logger.warning("\(message)", metadata: fields)
    }
}
