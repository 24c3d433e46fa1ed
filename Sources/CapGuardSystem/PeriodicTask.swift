import Dispatch
import Synchronization

/// Runs one piece of work at a fixed interval on its own serial queue until cancelled: how changed policy
/// and certificate files are noticed. Polling sees the kubelet's symlink swaps, plain edits and editors that
/// replace files alike, with none of inotify's edge cases.
public final class PeriodicTask: Sendable {
    private let leeway: Duration
    private let started = Mutex(false)
    // Dispatch sources are thread-safe; this one is made once here and only scheduled and cancelled.
    private nonisolated(unsafe) let timer: any DispatchSourceTimer

    /// `leeway` is how late a run may start, so that the system can group wake-ups.
    public init(label: String, leeway: Duration) {
        self.leeway = leeway
        timer = DispatchSource.makeTimerSource(queue: DispatchQueue(label: label))
        // Active but unscheduled until started: a suspended source must never be released.
        timer.resume()
    }

    deinit {
        timer.cancel()
    }

    /// Runs `work` every `interval`, the first time one interval from now; only the first call counts.
    public func start(every interval: Duration, _ work: @escaping @Sendable () -> Void) {
        let first = started.withLock { started in
            defer { started = true }
            return !started
        }
        guard first else { return }
        timer.setEventHandler(handler: work)
        timer.schedule(deadline: .now() + interval.dispatchInterval, repeating: interval.dispatchInterval, leeway: leeway.dispatchInterval)
    }

    /// Stops for good; a run in progress finishes.
    public func cancel() {
        timer.cancel()
    }
}
