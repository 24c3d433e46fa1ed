import Dispatch
import Glibc
import CapGuardSystem
import CapGuardTLS
import Logging
import Synchronization

/// What every connection shares, and the registry of open connections that shutdown and the timeout
/// sweep walk.
final class ServerCore: Sendable {
    struct Timeouts {
        let read: UInt64
        let idle: UInt64
        let linger: UInt64
    }

    private struct Registry {
        var connections: [UInt64: Connection] = [:]
        /// Connections are dealt to these in turn; each runs on its loop's thread.
        var loops: [EventLoop] = []
        var nextID: UInt64 = 0
        var shuttingDown = false
        var graceDeadline = UInt64.max
        var listenerClosed = false
        var stopped = false
    }

    let router: Router
    let limits: HTTPServerLimits
    let requestMemory: RequestMemoryBudget
    let timeouts: Timeouts
    let counters: ServerCounters
    let events: EventLogLimiter
    let logger: Logger
    let tls: TLSContextStore
    private let state: ServerState
    private let gracePeriod: UInt64
    private let registry = Mutex(Registry())
    private let stoppedGroup = DispatchGroup()
    // Thread-safe Dispatch source, made once and only scheduled, resumed and cancelled.
    private nonisolated(unsafe) let sweeper: any DispatchSourceTimer
    private let sweepInterval: UInt64

    init(state: ServerState, router: Router, logger: Logger) {
        let configuration = state.configuration
        self.state = state
        self.router = router
        limits = configuration.limits
        requestMemory = state.requestMemory
        timeouts = Timeouts(
            read: configuration.limits.readTimeout.nanoseconds,
            idle: configuration.limits.idleTimeout.nanoseconds,
            linger: min(configuration.limits.lingerTimeout.nanoseconds, configuration.limits.readTimeout.nanoseconds)
        )
        counters = state.counters
        events = EventLogLimiter(logger: logger)
        self.logger = logger
        tls = state.tls
        gracePeriod = configuration.shutdownGracePeriod.nanoseconds
        // Deadlines are checked in sweeps rather than one timer per connection; a sweep every eighth of the
        // shortest timeout keeps the lateness small without doing work per byte.
        let shortest = min(timeouts.read, timeouts.idle, max(gracePeriod, 1))
        sweepInterval = min(max(shortest / 8, 5_000_000), 250_000_000)
        sweeper = DispatchSource.makeTimerSource(queue: DispatchQueue(label: "capguard.sweeper"))
        sweeper.resume()
        stoppedGroup.enter()
    }

    var isShuttingDown: Bool {
        registry.withLock { $0.shuttingDown }
    }

    /// Made when the server starts rather than with it: each holds a thread until the server stops.
    func startLoops() throws {
        let loops = try EventLoop.makeLoops()
        registry.withLock { $0.loops = loops }
        for loop in loops {
            loop.start()
        }
    }

    func startSweeping() {
        let interval = DispatchTimeInterval.nanoseconds(Int(sweepInterval))
        sweeper.setEventHandler { [weak self] in
            self?.sweep()
        }
        sweeper.schedule(deadline: .now() + interval, repeating: interval, leeway: .milliseconds(5))
    }

    /// Registers a newly accepted socket, or returns nil when it must be closed instead.
    func register(stream: TLSStream, remoteAddress: String) -> Connection? {
        registry.withLock { registry in
            guard !registry.shuttingDown, !registry.loops.isEmpty else { return nil }
            registry.nextID += 1
            let loop = registry.loops[Int(registry.nextID % UInt64(registry.loops.count))]
            let connection = Connection(
                id: registry.nextID, stream: stream, remoteAddress: remoteAddress, core: self, loop: loop)
            registry.connections[connection.id] = connection
            state.openConnections.add(1, ordering: .relaxed)
            return connection
        }
    }

    var openConnections: Int {
        state.openConnections.load(ordering: .relaxed)
    }

    func connectionClosed(_ connection: Connection) {
        let stopsNow = registry.withLock { registry in
            if registry.connections.removeValue(forKey: connection.id) != nil {
                state.openConnections.subtract(1, ordering: .relaxed)
            }
            return markStoppedIfDone(&registry)
        }
        if stopsNow {
            finishStopping()
        }
    }

    private func sweep() {
        let now = MonotonicClock.now()
        let (expired, graceOver) = registry.withLock { registry in
            let graceOver = now >= registry.graceDeadline
            let expired = registry.connections.values.filter { graceOver || $0.deadline.load(ordering: .relaxed) <= now }
            return (expired, graceOver)
        }
        for connection in expired {
            connection.execute {
                if graceOver {
                    connection.forceClose()
                } else {
                    connection.deadlinePassed()
                }
            }
        }
    }

    /// Stops taking connections (the caller closes the listener), lets in-flight requests finish and
    /// closes the rest. Returns false when shutdown had already begun.
    func beginShutdown() -> Bool {
        let connections: [Connection]? = registry.withLock { registry in
            guard !registry.shuttingDown else { return nil }
            registry.shuttingDown = true
            registry.graceDeadline = MonotonicClock.now() + gracePeriod
            return Array(registry.connections.values)
        }
        guard let connections else { return false }
        logger.info("shutting down", metadata: ["open_connections": .stringConvertible(connections.count)])
        for connection in connections {
            connection.execute { connection.drain() }
        }
        return true
    }

    func listenerClosed() {
        let stopsNow = registry.withLock { registry in
            registry.listenerClosed = true
            return markStoppedIfDone(&registry)
        }
        if stopsNow {
            finishStopping()
        }
    }

    private func markStoppedIfDone(_ registry: inout Registry) -> Bool {
        guard registry.shuttingDown, registry.listenerClosed, registry.connections.isEmpty, !registry.stopped else {
            return false
        }
        registry.stopped = true
        return true
    }

    private func finishStopping() {
        for loop in registry.withLock({ $0.loops }) {
            loop.stop()
        }
        sweeper.cancel()
        tls.stopWatching()
        logger.info("stopped")
        stoppedGroup.leave()
    }

    func waitUntilStopped() {
        stoppedGroup.wait()
    }
}
