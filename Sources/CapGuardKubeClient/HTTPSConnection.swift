import CapGuardSystem
import CapGuardTLS
import Glibc

/// One TLS connection to an API server. Its socket is non-blocking; every call waits with poll, so that no
/// call blocks longer than the connect or read timeout however the server behaves.
final class HTTPSConnection: ResponseByteSource {
    private let stream: TLSStream
    private let server: String
    private let readTimeout: Duration

    private init(stream: TLSStream, server: String, readTimeout: Duration) {
        self.stream = stream
        self.server = server
        self.readTimeout = readTimeout
    }

    /// Connects to the first of `address`'s resolved addresses that answers, then completes the handshake.
    static func open(address: APIServerAddress, context: TLSContext, serverName: String?, limits: APIClientLimits) throws(APIClientError) -> HTTPSConnection {
        let descriptor = try connect(address, timeout: limits.connectTimeout)
        guard let stream = context.makeClientStream(fileDescriptor: descriptor, serverName: serverName) else {
            close(descriptor)
            throw .handshakeFailed(server: address.description, reason: "OpenSSL cannot start a TLS connection")
        }
        let connection = HTTPSConnection(stream: stream, server: address.description, readTimeout: limits.readTimeout)
        try connection.handshake(timeout: limits.connectTimeout)
        return connection
    }

    deinit {
        stream.release()
    }

    func write(_ bytes: [UInt8]) throws(APIClientError) {
        var offset = 0
        while offset < bytes.count {
            let result = bytes[offset...].withUnsafeBytes { stream.write($0) }
            switch result {
            case .bytes(let count): offset += count
            case .wantsRead: try wait(for: POLLIN, timeout: readTimeout, during: "sending the request")
            case .wantsWrite: try wait(for: POLLOUT, timeout: readTimeout, during: "sending the request")
            case .closed: throw .connectionLost(server: server, reason: "the server closed the connection")
            case .failed(let reason): throw failure(reason)
            }
        }
    }

    /// Some bytes into `buffer`; 0 once the server has closed the connection.
    func read(into buffer: UnsafeMutableRawBufferPointer) throws(APIClientError) -> Int {
        while true {
            switch stream.read(into: buffer) {
            case .bytes(let count): return count
            case .wantsRead: try wait(for: POLLIN, timeout: readTimeout, during: "waiting for its answer")
            case .wantsWrite: try wait(for: POLLOUT, timeout: readTimeout, during: "waiting for its answer")
            case .closed: return 0
            case .failed(let reason): throw failure(reason)
            }
        }
    }

    /// Whether the server has closed or sent something unasked since the last answer: such an idle
    /// connection is not reused.
    var isStale: Bool {
        var descriptor = pollfd(fd: stream.fileDescriptor, events: Int16(POLLIN), revents: 0)
        return Glibc.poll(&descriptor, 1, 0) != 0
    }

    /// A TLS alert is the server refusing the handshake; with TLS 1.3 a refused client certificate only
    /// arrives as one after the client has sent its request.
    private func failure(_ reason: String) -> APIClientError {
        reason.contains("alert") ? .handshakeFailed(server: server, reason: reason) : .connectionLost(server: server, reason: reason)
    }

    private func handshake(timeout: Duration) throws(APIClientError) {
        while true {
            switch stream.handshake() {
            case .bytes: return
            case .wantsRead: try wait(for: POLLIN, timeout: timeout, during: "the TLS handshake")
            case .wantsWrite: try wait(for: POLLOUT, timeout: timeout, during: "the TLS handshake")
            case .closed: throw .handshakeFailed(server: server, reason: "the server closed the connection")
            case .failed(let reason):
                if let verification = stream.verificationFailure {
                    throw .untrustedServer(server: server, reason: verification)
                }
                throw .handshakeFailed(server: server, reason: reason)
            }
        }
    }

    private func wait(for events: Int32, timeout: Duration, during activity: String) throws(APIClientError) {
        guard Self.poll(stream.fileDescriptor, events: events, timeout: timeout) else {
            throw .timedOut(server: server, waitingFor: activity)
        }
    }

    /// True when the descriptor is ready (or in error, which the next call reports) within `timeout`.
    private static func poll(_ fileDescriptor: Int32, events: Int32, timeout: Duration) -> Bool {
        let deadline = MonotonicClock.now() + timeout.nanoseconds
        var descriptor = pollfd(fd: fileDescriptor, events: Int16(events), revents: 0)
        while true {
            let now = MonotonicClock.now()
            guard now < deadline else { return false }
            let milliseconds = Int32(clamping: (deadline - now + 999_999) / 1_000_000)
            let ready = Glibc.poll(&descriptor, 1, milliseconds)
            if ready > 0 { return true }
            if ready < 0 && errno != EINTR { return true }
        }
    }

    private static func connect(_ address: APIServerAddress, timeout: Duration) throws(APIClientError) -> Int32 {
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        hints.ai_flags = AI_NUMERICSERV | (address.hostIsAddress ? AI_NUMERICHOST : 0)
        var results: UnsafeMutablePointer<addrinfo>?
        let resolved = getaddrinfo(address.host, String(address.port), &hints, &results)
        guard resolved == 0 else {
            throw .unreachable(server: address.description, reason: "cannot resolve \(address.host): \(String(cString: gai_strerror(resolved)))")
        }
        defer { freeaddrinfo(results) }
        var reason = "no address"
        var next = results
        while let info = next?.pointee {
            next = info.ai_next
            let descriptor = socket(info.ai_family, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
            guard descriptor >= 0 else {
                reason = String(cString: strerror(errno))
                continue
            }
            if Glibc.connect(descriptor, info.ai_addr, info.ai_addrlen) == 0 {
                return descriptor
            }
            if errno == EINPROGRESS {
                if poll(descriptor, events: POLLOUT, timeout: timeout) {
                    var error: Int32 = 0
                    var length = socklen_t(MemoryLayout<Int32>.size)
                    getsockopt(descriptor, SOL_SOCKET, SO_ERROR, &error, &length)
                    if error == 0 { return descriptor }
                    reason = String(cString: strerror(error))
                } else {
                    reason = "no answer within \(timeout)"
                }
            } else {
                reason = String(cString: strerror(errno))
            }
            close(descriptor)
        }
        throw .unreachable(server: address.description, reason: reason)
    }
}
