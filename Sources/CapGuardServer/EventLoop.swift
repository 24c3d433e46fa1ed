import CSystemShims
import Dispatch
import Glibc
import Synchronization

/// What a socket registered with an `EventLoop` is told when it is ready; called on the loop's thread.
protocol SocketEventHandler: AnyObject {
    func socketReady(_ events: SocketEvents)
}

/// Readiness as epoll reports it.
struct SocketEvents: OptionSet {
    let rawValue: UInt32

    static let readable = SocketEvents(rawValue: EPOLLIN.rawValue)
    static let writable = SocketEvents(rawValue: EPOLLOUT.rawValue)
    /// An error or a hang-up in both directions: reported whatever the interest, and not cleared by waiting.
    static let failed = SocketEvents(rawValue: EPOLLERR.rawValue | EPOLLHUP.rawValue)
}

/// One thread, its own epoll set, and the connections dealt to it: a loop that wakes runs every socket that
/// is ready, reading, deciding and writing each request on the spot, and sleeps again in one system call.
///
/// Driven by Dispatch read and write sources, a keep-alive request cost a wake-up of Dispatch's event thread,
/// a hop to a worker thread, a re-arm of the one-shot registration and a FIONREAD: four to five context
/// switches and ten system calls per request (strace and `perf stat` on `bench/load` at 16 connections). Here a
/// socket is registered once, level-triggered, and a request costs its `read`, its `write` and a share of one
/// `epoll_wait`. The thread is one of Dispatch's, given for good to the loop.
///
/// Work from other threads (a new connection, the timeout sweep, shutdown) goes through `execute`, which wakes
/// the loop with an eventfd only when it may be asleep.
final class EventLoop: @unchecked Sendable {
    // `readBuffer`, `dateSecond`, `date`, `handlers`, `soon` and `stopping` are only touched on the loop's
    // thread; `inbox` is how other threads reach it.
    static let readBufferBytes = 16 * 1024
    private static let eventsPerWait = 64
    private static let wakeupToken = UInt64.max

    private struct Inbox {
        var tasks: [@Sendable () -> Void] = []
        /// The eventfd was written and the loop has not yet taken the tasks: later tasks need not write again.
        var wakeupPending = false
    }

    /// Bytes read from a socket go here, and from here into the connection's parser, within one event.
    let readBuffer: UnsafeMutableRawBufferPointer
    private let label: String
    private let epoll: Int32
    private let wakeup: Int32
    private let events: UnsafeMutablePointer<epoll_event>
    private let inbox = Mutex(Inbox())
    private let thread = Atomic<UInt>(0)
    private var handlers: [Int32: any SocketEventHandler] = [:]
    private var soon: [() -> Void] = []
    private var stopping = false
    private var dateSecond = -1
    private var date = ""

    init(index: Int) throws {
        label = "capguard.loop.\(index)"
        epoll = epoll_create1(Int32(EPOLL_CLOEXEC))
        guard epoll >= 0 else { throw ServerError("cannot create an epoll set: \(String(cString: strerror(errno)))") }
        wakeup = eventfd(0, Int32(EFD_NONBLOCK | EFD_CLOEXEC))
        guard wakeup >= 0 else {
            let reason = String(cString: strerror(errno))
            Glibc.close(epoll)
            throw ServerError("cannot create an eventfd: \(reason)")
        }
        var registration = epoll_event()
        registration.events = EPOLLIN.rawValue
        registration.data.u64 = Self.wakeupToken
        _ = epoll_ctl(epoll, EPOLL_CTL_ADD, wakeup, &registration)
        readBuffer = .allocate(byteCount: Self.readBufferBytes, alignment: 16)
        events = .allocate(capacity: Self.eventsPerWait)
    }

    deinit {
        Glibc.close(wakeup)
        Glibc.close(epoll)
        readBuffer.deallocate()
        events.deallocate()
    }

    /// One loop per processor this process may use: as many requests run at once as there are processors, and
    /// no more threads than can run.
    static func makeLoops() throws -> [EventLoop] {
        try (0..<Int(capguard_available_processors())).map { try EventLoop(index: $0) }
    }

    func start() {
        DispatchQueue(label: label, qos: .userInitiated).async { [self] in run() }
    }

    /// Ends the loop once the tasks before this one have run; every socket must have been deregistered.
    func stop() {
        execute { [self] in stopping = true }
    }

    var isOnLoop: Bool {
        thread.load(ordering: .relaxed) == UInt(bitPattern: Int(bitPattern: pthread_self()))
    }

    /// Runs `task` on the loop: after the current events when called there, else as soon as the loop wakes.
    func execute(_ task: @escaping @Sendable () -> Void) {
        if isOnLoop {
            soon.append(task)
            return
        }
        let wake = inbox.withLock { inbox in
            inbox.tasks.append(task)
            defer { inbox.wakeupPending = true }
            return !inbox.wakeupPending
        }
        if wake {
            var one: UInt64 = 1
            _ = Glibc.write(wakeup, &one, MemoryLayout<UInt64>.size)
        }
    }

    // MARK: Registration, on the loop's thread

    /// Watches `fileDescriptor` for `interest`, level-triggered, until `deregister`. False when epoll refuses.
    func register(_ fileDescriptor: Int32, interest: SocketEvents, handler: any SocketEventHandler) -> Bool {
        var registration = epoll_event()
        registration.events = interest.rawValue
        registration.data.u64 = UInt64(UInt32(bitPattern: fileDescriptor))
        guard epoll_ctl(epoll, EPOLL_CTL_ADD, fileDescriptor, &registration) == 0 else { return false }
        handlers[fileDescriptor] = handler
        return true
    }

    func update(_ fileDescriptor: Int32, interest: SocketEvents) {
        var registration = epoll_event()
        registration.events = interest.rawValue
        registration.data.u64 = UInt64(UInt32(bitPattern: fileDescriptor))
        _ = epoll_ctl(epoll, EPOLL_CTL_MOD, fileDescriptor, &registration)
    }

    /// Must come before the descriptor is closed: its number may be reused by the next accepted socket.
    func deregister(_ fileDescriptor: Int32) {
        guard handlers.removeValue(forKey: fileDescriptor) != nil else { return }
        _ = epoll_ctl(epoll, EPOLL_CTL_DEL, fileDescriptor, nil)
    }

    /// The Date header's value, formatted once per second rather than once per response.
    var httpDate: String {
        let now = time(nil)
        if now != dateSecond {
            dateSecond = now
            date = WallClock.httpDate(now)
        }
        return date
    }

    // MARK: The loop

    private func run() {
        thread.store(UInt(bitPattern: Int(bitPattern: pthread_self())), ordering: .relaxed)
        while !stopping {
            let count = epoll_wait(epoll, events, Int32(Self.eventsPerWait), soon.isEmpty ? -1 : 0)
            if count < 0 && errno != EINTR {
                // Only a broken epoll set fails here; waking at once again would spin.
                usleep(1000)
            }
            for index in 0..<max(Int(count), 0) {
                let event = events[index]
                if event.data.u64 == Self.wakeupToken {
                    var value: UInt64 = 0
                    _ = Glibc.read(wakeup, &value, MemoryLayout<UInt64>.size)
                    continue
                }
                // A socket deregistered by an earlier event of this batch has no handler: its event is stale.
                handlers[Int32(truncatingIfNeeded: event.data.u64)]?.socketReady(SocketEvents(rawValue: event.events))
            }
            runTasks()
        }
        thread.store(0, ordering: .relaxed)
    }

    private func runTasks() {
        let fromOtherThreads = inbox.withLock { inbox in
            inbox.wakeupPending = false
            defer { inbox.tasks = [] }
            return inbox.tasks
        }
        for task in fromOtherThreads {
            task()
        }
        // Tasks queued by these tasks run after the next look at the sockets, so that none waits behind them.
        let queued = soon
        soon = []
        for task in queued {
            task()
        }
    }
}
