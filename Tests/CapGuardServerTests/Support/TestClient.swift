import COpenSSL
import CapGuardServer
import CapGuardTLS
import Glibc

struct TestClientError: Error, CustomStringConvertible {
    let description: String
}

struct TestResponse {
    let status: Int
    let headers: HTTPHeaders
    let body: [UInt8]

    var text: String { String(decoding: body, as: UTF8.self) }
}

/// A blocking client on a real socket, speaking TLS through the TLS layer's client role or raw bytes, with a
/// receive timeout only as a guard against a hung test.
final class TestClient {
    let fd: Int32
    private var context: TLSContext?
    private var ssl: OpaquePointer?
    private var received: [UInt8] = []

    init(port: Int, host: String = "127.0.0.1") throws {
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV
        var results: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, String(port), &hints, &results) == 0, let info = results?.pointee else {
            throw TestClientError(description: "cannot resolve \(host)")
        }
        defer { freeaddrinfo(results) }
        fd = socket(info.ai_family, Int32(SOCK_STREAM.rawValue), 0)
        var timeout = timeval(tv_sec: 10, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        // Each write goes out when it is made, as from the apiserver (Go sets TCP_NODELAY): with Nagle's
        // algorithm a small write after the handshake waited for an acknowledgement, tens of milliseconds.
        var noDelay: Int32 = 1
        setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &noDelay, socklen_t(MemoryLayout<Int32>.size))
        guard connect(fd, info.ai_addr, info.ai_addrlen) == 0 else {
            Glibc.close(fd)
            throw TestClientError(description: "connect failed: \(String(cString: strerror(errno)))")
        }
    }

    /// Connects and completes a handshake with the TLS layer's client role, as capguard's own clients do; by
    /// default it trusts any certificate.
    static func tls(port: Int, host: String = "127.0.0.1", client configuration: TLSConfiguration = .client(trust: .anyCertificate)) throws -> TestClient {
        let client = try TestClient(port: port, host: host)
        try client.handshake(configuration)
        return client
    }

    func handshake(_ configuration: TLSConfiguration = .client(trust: .anyCertificate)) throws {
        let context = try TLSContext(configuration)
        self.context = context
        let ssl = SSL_new(context.pointer)
        self.ssl = ssl
        SSL_set_fd(ssl, fd)
        guard SSL_connect(ssl) == 1 else {
            throw TestClientError(description: "handshake failed: \(Self.drainErrors())")
        }
    }

    var protocolVersion: String {
        ssl.map { String(cString: SSL_get_version($0)) } ?? "none"
    }

    var cipherName: String {
        ssl.flatMap { SSL_get_current_cipher($0) }.map { String(cString: SSL_CIPHER_get_name($0)) } ?? "none"
    }

    var peerCommonName: String? {
        guard let ssl, let certificate = SSL_get1_peer_certificate(ssl) else { return nil }
        defer { X509_free(certificate) }
        var name = [CChar](repeating: 0, count: 256)
        X509_NAME_get_text_by_NID(X509_get_subject_name(certificate), NID_commonName, &name, Int32(name.count))
        return String(decoding: name.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Subject alternative names of the server certificate as OpenSSL prints them.
    func peerCertificateMatches(host: String? = nil, ip: String? = nil) -> Bool {
        guard let ssl, let certificate = SSL_get1_peer_certificate(ssl) else { return false }
        defer { X509_free(certificate) }
        if let host {
            return X509_check_host(certificate, host, host.utf8.count, 0, nil) == 1
        }
        if let ip {
            return X509_check_ip_asc(certificate, ip, 0) == 1
        }
        return false
    }

    func send(_ text: String) throws {
        try send(Array(text.utf8))
    }

    func send(_ bytes: [UInt8]) throws {
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { buffer -> Int in
                if let ssl {
                    return Int(SSL_write(ssl, buffer.baseAddress, Int32(buffer.count)))
                }
                return Glibc.send(fd, buffer.baseAddress, buffer.count, Int32(MSG_NOSIGNAL))
            }
            guard written > 0 else { throw TestClientError(description: "send failed after \(offset) bytes") }
            offset += written
        }
    }

    /// Reads more bytes into the buffer; false once the peer has closed (or reset) the connection.
    @discardableResult
    func receiveMore() -> Bool {
        var chunk = [UInt8](repeating: 0, count: 16 * 1024)
        let count = chunk.withUnsafeMutableBytes { buffer -> Int in
            if let ssl {
                return Int(SSL_read(ssl, buffer.baseAddress, Int32(buffer.count)))
            }
            return recv(fd, buffer.baseAddress, buffer.count, 0)
        }
        guard count > 0 else { return false }
        received.append(contentsOf: chunk[..<count])
        return true
    }

    /// Whether the server has sent application data or closed, without blocking. TLS 1.3 session tickets
    /// make the socket readable after the handshake without being anything a test waits for.
    func hasIncoming() -> Bool {
        if !received.isEmpty { return true }
        var descriptor = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        guard poll(&descriptor, 1, 0) > 0 else { return false }
        guard let ssl else { return true }
        let flags = fcntl(fd, F_GETFL)
        _ = fcntl(fd, F_SETFL, flags | O_NONBLOCK)
        defer { _ = fcntl(fd, F_SETFL, flags) }
        var chunk = [UInt8](repeating: 0, count: 16 * 1024)
        let count = chunk.withUnsafeMutableBytes { Int(SSL_read(ssl, $0.baseAddress, Int32($0.count))) }
        if count > 0 {
            received.append(contentsOf: chunk[..<count])
            return true
        }
        return SSL_get_error(ssl, Int32(count)) != SSL_ERROR_WANT_READ
    }

    func readResponse(expectBody: Bool = true) throws -> TestResponse {
        while true {
            if let end = headEnd() {
                let head = String(decoding: received[..<end], as: UTF8.self)
                var lines = head.components(separatedBy: "\r\n")
                let statusLine = lines.removeFirst().split(separator: " ")
                guard statusLine.count >= 2, let status = Int(statusLine[1]) else {
                    throw TestClientError(description: "bad status line in \(head)")
                }
                var headers = HTTPHeaders()
                for line in lines where !line.isEmpty {
                    let parts = line.split(separator: ":", maxSplits: 1)
                    headers.add(String(parts[0]), parts.count > 1 ? parts[1].trimmingCharacters(in: .whitespaces) : "")
                }
                let length = expectBody ? Int(headers["Content-Length"] ?? "0") ?? 0 : 0
                while received.count < end + 4 + length {
                    guard receiveMore() else { throw TestClientError(description: "closed inside a body") }
                }
                let body = Array(received[(end + 4)..<(end + 4 + length)])
                received.removeFirst(end + 4 + length)
                return TestResponse(status: status, headers: headers, body: body)
            }
            guard receiveMore() else {
                throw TestClientError(description: "connection closed before a response")
            }
        }
    }

    /// True when the server closes the connection (after whatever it still sends).
    func waitForClose() -> Bool {
        while receiveMore() {}
        return true
    }

    private func headEnd() -> Int? {
        guard received.count >= 4 else { return nil }
        for index in 0...(received.count - 4)
        where received[index] == 13 && received[index + 1] == 10 && received[index + 2] == 13 && received[index + 3] == 10 {
            return index
        }
        return nil
    }

    static func drainErrors() -> String {
        var reasons: [String] = []
        while case let code = ERR_get_error(), code != 0 {
            reasons.append(ERR_reason_error_string(code).map { String(cString: $0) } ?? "\(code)")
        }
        return reasons.joined(separator: "; ")
    }

    deinit {
        if let ssl {
            SSL_free(ssl)
        }
        Glibc.close(fd)
    }
}
