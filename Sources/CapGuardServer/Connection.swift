import CapGuardSystem
import CapGuardTLS
import Synchronization

/// One accepted TLS connection. All mutable state lives on its event loop's thread, which other connections
/// share; the loop's readiness events drive the non-blocking socket, so an idle connection costs a registration
/// in the loop's epoll set, not a thread.
final class Connection: SocketEventHandler, @unchecked Sendable {
    private enum Phase {
        case handshaking
        case open
        /// Response sent and write side shut; reading and discarding until the client closes, so the
        /// kernel does not answer its unread bytes with a reset that could destroy the response in flight.
        case lingering
        case closed
    }

    private static let readsPerEvent = 4

    let id: UInt64
    private let loop: EventLoop
    let remoteAddress: String
    /// Monotonic nanoseconds after which the sweeper calls `deadlinePassed`. The only state read off the loop.
    let deadline = Atomic<UInt64>(.max)

    private let stream: TLSStream
    private let core: ServerCore
    private var phase = Phase.handshaking
    private var parser: HTTPRequestParser
    private var output: [UInt8] = []
    private var outputOffset = 0
    private var closeAfterFlush = false
    private var draining = false
    private var registered = false
    private var interest: SocketEvents = .readable
    private var readSuspended = false
    private var writeArmed = false
    private var readWantsWritable = false
    private var servedRequests = 0
    /// When the handshake began, the connection last went idle, or lingering began.
    private var phaseStartedAt: UInt64
    private var requestStartedAt: UInt64?
    private var writePendingSince: UInt64?

    init(id: UInt64, stream: TLSStream, remoteAddress: String, core: ServerCore, loop: EventLoop) {
        self.id = id
        self.stream = stream
        self.remoteAddress = remoteAddress
        self.core = core
        self.loop = loop
        parser = HTTPRequestParser(limits: core.limits, memory: RequestMemoryLease(budget: core.requestMemory))
        phaseStartedAt = MonotonicClock.now()
    }

    func start() {
        loop.execute { [self] in
            // Shutdown may have closed it before it reached the loop.
            guard phase != .closed else { return }
            guard loop.register(stream.fileDescriptor, interest: interest, handler: self) else {
                close()
                return
            }
            registered = true
            updateDeadline()
        }
    }

    /// Runs `task` on the connection's loop, where all of its state lives.
    func execute(_ task: @escaping @Sendable () -> Void) {
        loop.execute(task)
    }

    // MARK: Events

    func socketReady(_ events: SocketEvents) {
        // One direction per event: the registration is level-triggered, so what is still ready is reported
        // again by the next wait, after the state this handler changed.
        if writeArmed && !events.isDisjoint(with: [.writable, .failed]) {
            writable()
        } else if !readSuspended && !events.isDisjoint(with: [.readable, .failed]) {
            readable()
        } else if events.contains(.failed) {
            // Reported whatever the interest, and nothing here would clear it: the socket is done for.
            close()
        }
    }

    private func readable() {
        switch phase {
        case .handshaking: handshake()
        case .open: readRequests()
        case .lingering: discardInput()
        case .closed: return
        }
        updateDeadline()
    }

    private func writable() {
        switch phase {
        case .handshaking:
            disarmWriting()
            handshake()
        case .open:
            if readWantsWritable {
                readWantsWritable = false
                disarmWriting()
                readRequests()
            } else if flush() {
                resumeReading()
                processRequests()
                readRequests()
            }
        case .lingering, .closed:
            disarmWriting()
        }
        updateDeadline()
    }

    /// Called by the sweeper once `deadline` has passed.
    func deadlinePassed() {
        guard phase != .closed, deadline.load(ordering: .relaxed) <= MonotonicClock.now() else { return }
        switch phase {
        case .handshaking:
            core.counters.update { $0.tlsHandshakeFailures += 1 }
            core.counters.recordLimitHit(.readTimeout)
            core.events.warning("tls_handshake_failed", "TLS handshake failed", ["peer": .string(remoteAddress), "reason": "timed out"])
        case .open where writePendingSince != nil:
            core.counters.recordLimitHit(.readTimeout)
            core.events.warning("limit_hit", "client did not read its response in time", ["peer": .string(remoteAddress), "limit": "read_timeout"])
        case .open where parser.isMidRequest:
            core.counters.recordLimitHit(.readTimeout)
            core.events.warning("limit_hit", "request not received in time", ["peer": .string(remoteAddress), "limit": "read_timeout"])
            respondAndClose(.status(408))
            // Lingering from now, not from the deadline that has just passed.
            updateDeadline()
            return
        case .open, .lingering, .closed:
            break
        }
        close()
    }

    /// Shutdown has begun: connections without a request in flight close now, the rest after their response.
    func drain() {
        draining = true
        // A request that reached the socket just before shutdown began is in flight, not idle: read what is
        // there before deciding, so that it is answered rather than cut off.
        readRequests()
        switch phase {
        case .open where parser.isMidRequest || writePendingSince != nil:
            closeAfterFlush = true
        case .lingering:
            break
        default:
            close()
        }
        // What was read may have been answered and the connection gone on to linger: without this its deadline
        // stayed the read deadline of a request already answered, and a client that kept the connection open
        // held shutdown until then (30 s in ShutdownTests under ThreadSanitizer).
        updateDeadline()
    }

    /// The grace period is over.
    func forceClose() {
        close()
    }

    // MARK: Handshake

    private func handshake() {
        switch stream.handshake() {
        case .bytes:
            phase = .open
            phaseStartedAt = MonotonicClock.now()
            readRequests()
        case .wantsRead:
            return
        case .wantsWrite:
            armWriting()
        case .closed:
            handshakeFailed(reason: "connection closed by peer")
        case .failed(let reason):
            handshakeFailed(reason: reason)
        }
    }

    private func handshakeFailed(reason: String) {
        core.counters.update { $0.tlsHandshakeFailures += 1 }
        core.events.warning("tls_handshake_failed", "TLS handshake failed", ["peer": .string(remoteAddress), "reason": .string(reason)])
        close()
    }

    // MARK: Reading

    private func readRequests() {
        guard phase == .open, writePendingSince == nil, !readWantsWritable else { return }
        for _ in 0..<Self.readsPerEvent {
            let chunk = loop.readBuffer
            let result = stream.read(into: chunk)
            if case .bytes(let count) = result {
                parser.append(UnsafeRawBufferPointer(rebasing: chunk[..<count]))
            }
            switch result {
            case .bytes:
                break
            case .wantsRead:
                return
            case .wantsWrite:
                readWantsWritable = true
                armWriting()
                return
            case .closed, .failed:
                // Orderly or abrupt, the client is gone; a half-received request has nobody to answer.
                close()
                return
            }
            if requestStartedAt == nil && parser.isMidRequest {
                requestStartedAt = MonotonicClock.now()
            }
            processRequests()
            guard phase == .open, writePendingSince == nil else { return }
            // What is still on the socket raises the read source again; one more read now would only be
            // answered EAGAIN, a system call per request for nothing.
            guard stream.hasBufferedInput else { return }
        }
        // Out of budget for this event; what OpenSSL or the socket still holds is read on the next turn.
        loop.execute { [self] in
            readRequests()
            updateDeadline()
        }
    }

    private func processRequests() {
        while phase == .open, writePendingSince == nil {
            guard let event = parser.nextEvent() else { return }
            switch event {
            case .continueExpected:
                output.append(contentsOf: HTTPResponseEncoder.continueResponse)
                _ = flush()
            case .request(let parsed):
                requestStartedAt = parser.isMidRequest ? MonotonicClock.now() : nil
                servedRequests += 1
                let request = HTTPRequest(
                    method: parsed.method, path: parsed.path, query: parsed.query, headers: parsed.headers,
                    body: parsed.body, remoteAddress: remoteAddress)
                let response = core.router.respond(to: request)
                send(response, headOnly: parsed.method == "HEAD", close: !parsed.keepAlive || draining)
            case .failure(let status, let reason):
                switch status {
                case 431: core.counters.recordLimitHit(.headerSize)
                case 413: core.counters.recordLimitHit(.bodySize)
                case 503: core.counters.recordLimitHit(.bufferedRequestBytes)
                default: break
                }
                core.events.warning(
                    "request_rejected", "rejected a request",
                    ["peer": .string(remoteAddress), "status": .stringConvertible(status), "reason": .string(reason)])
                respondAndClose(.status(status))
                return
            }
        }
    }

    private func respondAndClose(_ response: HTTPResponse) {
        requestStartedAt = nil
        // No request follows a final answer: what was buffered for this one goes back to the budget now,
        // not when the client finally goes away.
        parser.releaseMemory()
        send(response, headOnly: false, close: true)
    }

    private func send(_ response: HTTPResponse, headOnly: Bool, close closeConnection: Bool) {
        core.counters.recordResponse(status: HTTPResponseEncoder.effectiveStatus(response))
        HTTPResponseEncoder.encode(
            response, date: loop.httpDate, closeConnection: closeConnection, omitBody: headOnly, into: &output)
        if closeConnection {
            closeAfterFlush = true
        }
        phaseStartedAt = MonotonicClock.now()
        _ = flush()
    }

    private func discardInput() {
        // Read until the socket is empty: bytes and the end of file can arrive together, and one read that
        // takes only the bytes would leave the end of file unseen until the linger deadline.
        for _ in 0..<Self.readsPerEvent {
            switch stream.discard(into: loop.readBuffer) {
            case .bytes:
                // Bounded by the linger deadline, not by bytes: a client still sending a rejected body must be
                // let finish before the close, and discarding costs little.
                continue
            case .wantsRead, .wantsWrite:
                return
            case .closed, .failed:
                close()
                return
            }
        }
    }

    // MARK: Writing

    /// Writes what is pending. True when everything went out and the connection stays open.
    private func flush() -> Bool {
        while outputOffset < output.count {
            let result = output.withUnsafeBytes { bytes in
                stream.write(UnsafeRawBufferPointer(rebasing: bytes[outputOffset...]))
            }
            switch result {
            case .bytes(let written):
                outputOffset += written
            case .wantsWrite, .wantsRead:
                if writePendingSince == nil {
                    writePendingSince = MonotonicClock.now()
                }
                suspendReading()
                armWriting()
                return false
            case .closed, .failed:
                close()
                return false
            }
        }
        output.removeAll(keepingCapacity: output.capacity <= 64 * 1024)
        outputOffset = 0
        writePendingSince = nil
        disarmWriting()
        if closeAfterFlush {
            linger()
            return false
        }
        return true
    }

    private func linger() {
        stream.shutdownWrite()
        phase = .lingering
        phaseStartedAt = MonotonicClock.now()
        resumeReading()
        // The client may have closed already (it often has, once it read a `Connection: close` response),
        // and that end of file may have been signalled while reading was suspended: look now rather than
        // wait for an event that will not come, or every closed connection is held until the deadline.
        discardInput()
    }

    // MARK: Interest and deadlines

    private func armWriting() {
        writeArmed = true
        updateInterest()
    }

    private func disarmWriting() {
        writeArmed = false
        updateInterest()
    }

    /// While a response waits for the client to read it, no more requests are read: that is what bounds
    /// the memory a pipelining client that never reads can make the server hold.
    private func suspendReading() {
        readSuspended = true
        updateInterest()
    }

    private func resumeReading() {
        readSuspended = false
        updateInterest()
    }

    /// Tells epoll only of changes: a response that goes out whole changes nothing, and costs no system call.
    private func updateInterest() {
        var wanted: SocketEvents = []
        if !readSuspended { wanted.insert(.readable) }
        if writeArmed { wanted.insert(.writable) }
        guard wanted != interest else { return }
        interest = wanted
        if registered && phase != .closed {
            loop.update(stream.fileDescriptor, interest: wanted)
        }
    }

    private func updateDeadline() {
        let limits = core.timeouts
        let value: UInt64
        switch phase {
        case .handshaking:
            value = phaseStartedAt + limits.read
        case .open:
            if let writePendingSince {
                value = writePendingSince + limits.read
            } else if let requestStartedAt {
                value = requestStartedAt + limits.read
            } else {
                // Before its first request a connection gets no more time than a request would.
                value = phaseStartedAt + (servedRequests == 0 ? limits.read : limits.idle)
            }
        case .lingering:
            value = phaseStartedAt + limits.linger
        case .closed:
            value = .max
        }
        deadline.store(value, ordering: .relaxed)
    }

    private func close() {
        guard phase != .closed else { return }
        phase = .closed
        deadline.store(.max, ordering: .relaxed)
        parser.releaseMemory()
        if registered {
            loop.deregister(stream.fileDescriptor)
            registered = false
        }
        core.connectionClosed(self)
        stream.release()
    }
}
