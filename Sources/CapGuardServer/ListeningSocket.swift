import Glibc

/// A bound, listening, non-blocking TCP socket.
struct ListeningSocket {
    let fileDescriptor: Int32
    let port: Int

    static let backlog: Int32 = 1024
    /// Kernel send and receive buffer of each connection (the kernel doubles it for its own bookkeeping).
    /// Autotuned, a client that pipelines requests and never reads the responses made the kernel queue
    /// 1.9 MiB per connection (382 MiB for 200), which the pod's memory cgroup is charged for; fixed, it is
    /// 64 KiB at most. Admission bodies of a few KiB lose nothing; a 6 MiB one still crosses a cluster's
    /// network in well under a second.
    static let socketBufferBytes: Int32 = 16 * 1024

    init(host: String, port: Int) throws {
        var hints = addrinfo()
        hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var results: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(host, String(port), &hints, &results)
        guard status == 0, let first = results else {
            throw ServerError("cannot resolve listen address \(host): \(String(cString: gai_strerror(status)))")
        }
        defer { freeaddrinfo(results) }
        let info = first.pointee
        let fd = socket(info.ai_family, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw ServerError.system("socket") }
        do {
            try Self.setOption(fd, SOL_SOCKET, SO_REUSEADDR, 1)
            // Set on the listener, before it listens, so that accepted connections inherit them and the
            // window scale offered in the handshake fits.
            try Self.setOption(fd, SOL_SOCKET, SO_SNDBUF, Self.socketBufferBytes)
            try Self.setOption(fd, SOL_SOCKET, SO_RCVBUF, Self.socketBufferBytes)
            // Each response goes out in one write; Nagle's algorithm would only delay it. Linux copies it to
            // every accepted connection, which saves a system call per connection.
            try Self.setOption(fd, Int32(IPPROTO_TCP), TCP_NODELAY, 1)
            if info.ai_family == AF_INET6 {
                // "::" means every address, IPv4 included, whatever the system default for v6-only is.
                try Self.setOption(fd, Int32(IPPROTO_IPV6), IPV6_V6ONLY, 0)
            }
            guard bind(fd, info.ai_addr, info.ai_addrlen) == 0 else { throw ServerError.system("bind \(host):\(port)") }
            guard listen(fd, Self.backlog) == 0 else { throw ServerError.system("listen") }
            var bound = sockaddr_storage()
            var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
            let named = withUnsafeMutablePointer(to: &bound) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
            }
            guard named == 0 else { throw ServerError.system("getsockname") }
            self.fileDescriptor = fd
            self.port = SocketAddress.port(bound)
        } catch {
            close(fd)
            throw error
        }
    }

    static func setOption(_ fd: Int32, _ level: Int32, _ name: Int32, _ value: Int32) throws {
        var value = value
        guard setsockopt(fd, level, name, &value, socklen_t(MemoryLayout<Int32>.size)) == 0 else {
            throw ServerError.system("setsockopt")
        }
    }
}
