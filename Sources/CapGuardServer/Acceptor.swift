import CSystemShims
import Dispatch
import Glibc

/// Accepts connections from the listening socket as a Dispatch read source reports them.
final class Acceptor: @unchecked Sendable {
    // `paused` is only touched on `queue`.
    private static let acceptsPerEvent = 64
    private static let pauseAfterResourceExhaustion = DispatchTimeInterval.milliseconds(100)

    private let socket: ListeningSocket
    private let core: ServerCore
    private let queue = DispatchQueue(label: "capguard.accept", qos: .userInitiated)
    private let source: any DispatchSourceRead
    private var paused = false

    init(socket: ListeningSocket, core: ServerCore) {
        self.socket = socket
        self.core = core
        source = DispatchSource.makeReadSource(fileDescriptor: socket.fileDescriptor, queue: queue)
    }

    func start() {
        source.setEventHandler { [self] in acceptPending() }
        source.setCancelHandler { [self] in
            Glibc.close(socket.fileDescriptor)
            core.listenerClosed()
        }
        source.resume()
    }

    func stop() {
        queue.async { [self] in
            if paused {
                paused = false
                source.resume()
            }
            source.cancel()
        }
    }

    private func acceptPending() {
        for _ in 0..<Self.acceptsPerEvent {
            var address = sockaddr_storage()
            var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
            let fd = withUnsafeMutablePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    capguard_accept_nonblocking(socket.fileDescriptor, $0, &length)
                }
            }
            guard fd >= 0 else {
                switch errno {
                case EINTR, ECONNABORTED:
                    continue
                case EMFILE, ENFILE, ENOBUFS, ENOMEM:
                    // The listener stays readable, so retrying at once would spin; let closes free resources.
                    core.events.warning("accept_failed", "cannot accept connections", ["reason": .string(String(cString: strerror(errno)))])
                    pause()
                    return
                default:
                    return
                }
            }
            admit(fd, remoteAddress: SocketAddress.describe(address))
        }
    }

    private func admit(_ fd: Int32, remoteAddress: String) {
        core.counters.update { $0.acceptedConnections += 1 }
        guard core.openConnections < core.limits.maxConnections else {
            Glibc.close(fd)
            core.counters.recordLimitHit(.connections)
            core.events.warning("limit_hit", "connection limit reached; closed a new connection",
                ["peer": .string(remoteAddress), "limit": "connections"])
            return
        }
        guard let stream = core.tls.current.makeStream(fileDescriptor: fd) else {
            Glibc.close(fd)
            return
        }
        guard let connection = core.register(stream: stream, remoteAddress: remoteAddress) else {
            stream.release()
            return
        }
        connection.start()
    }

    private func pause() {
        paused = true
        source.suspend()
        queue.asyncAfter(deadline: .now() + Self.pauseAfterResourceExhaustion) { [self] in
            guard paused else { return }
            paused = false
            source.resume()
        }
    }
}
