import CapGuardTLS
import CapGuardTestSupport
import Foundation
import Glibc
import Synchronization

/// A request as the stub server received it.
struct StubRequest: Sendable {
    var method: String
    var path: String
    /// Header names in lower case.
    var headers: [String: String]
    /// Which accepted connection carried it, counting from 0.
    var connection: Int
    /// The name the client sent in SNI.
    var serverName: String?

    var bearerToken: String? {
        headers["authorization"].flatMap { $0.hasPrefix("Bearer ") ? String($0.dropFirst(7)) : nil }
    }
}

/// An answer of the stub server, framed as kube-apiserver frames it: lists in chunks, small answers with a
/// Content-Length.
struct StubResponse: Sendable {
    enum Framing: Sendable {
        case contentLength
        /// Chunks of at most this many bytes.
        case chunked(Int)
    }

    var status: Int
    var body: [UInt8]
    var framing: Framing = .contentLength
    /// Closes the connection after the answer without saying so, as a server's idle timeout does.
    var closeAfter = false

    /// A captured list, sent in chunks as the apiserver streams it.
    static func list(_ fixture: String) -> StubResponse {
        StubResponse(status: 200, body: ListFixtures.bytes(fixture), framing: .chunked(4096))
    }

    /// A captured `Status` body with its code.
    static func status(_ code: Int, _ fixture: String) -> StubResponse {
        StubResponse(status: code, body: ListFixtures.bytes(fixture))
    }

    static func status(_ code: Int, reason: String, message: String) -> StubResponse {
        let body = """
            {"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"\(message)","reason":"\(reason)","code":\(code)}
            """
        return StubResponse(status: code, body: Array(body.utf8))
    }
}

/// A minimal HTTPS server over the TLS layer's server role, on loopback and a free port, that answers each
/// request with what `handler` returns and keeps connections alive as the apiserver does. One thread per
/// connection, blocking sockets; `stop` closes everything and waits for the threads.
final class StubAPIServer: @unchecked Sendable {
    let port: Int
    let host: String
    private let listener: Int32
    private let context: TLSContext
    private let handler: @Sendable (StubRequest) -> StubResponse
    private let state = Mutex(State())
    private let finished = DispatchGroup()

    private struct State {
        var requests: [StubRequest] = []
        var connections: [Int32] = []
        var stopped = false
    }

    init(host: String = "127.0.0.1", tls: TLSConfiguration = StubAPIServer.serverTLS(), handler: @escaping @Sendable (StubRequest) -> StubResponse) throws {
        self.host = host
        self.handler = handler
        context = try TLSContext(tls)
        let family = host.contains(":") ? AF_INET6 : AF_INET
        let listener = socket(family, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        self.listener = listener
        var one: Int32 = 1
        setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        var storage = sockaddr_storage()
        var length: socklen_t
        if family == AF_INET6 {
            var address = sockaddr_in6()
            address.sin6_family = sa_family_t(AF_INET6)
            inet_pton(AF_INET6, host, &address.sin6_addr)
            length = socklen_t(MemoryLayout<sockaddr_in6>.size)
            withUnsafeBytes(of: address) { raw in withUnsafeMutableBytes(of: &storage) { $0.copyMemory(from: raw) } }
        } else {
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            inet_pton(AF_INET, host, &address.sin_addr)
            length = socklen_t(MemoryLayout<sockaddr_in>.size)
            withUnsafeBytes(of: address) { raw in withUnsafeMutableBytes(of: &storage) { $0.copyMemory(from: raw) } }
        }
        let bound = withUnsafePointer(to: &storage) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(listener, $0, length) } }
        guard bound == 0, listen(listener, 16) == 0 else {
            close(listener)
            throw TestFailure("cannot listen on \(host): \(String(cString: strerror(errno)))")
        }
        withUnsafeMutablePointer(to: &storage) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { _ = getsockname(listener, $0, &length) } }
        port = Int(UInt16(bigEndian: family == AF_INET6
            ? withUnsafeBytes(of: storage) { $0.load(as: sockaddr_in6.self).sin6_port }
            : withUnsafeBytes(of: storage) { $0.load(as: sockaddr_in.self).sin_port }))
        finished.enter()
        Thread.detachNewThread { [self] in
            acceptLoop()
            finished.leave()
        }
    }

    /// `https://host:port` as a kubeconfig writes it.
    var url: String {
        host.contains(":") ? "https://[\(host)]:\(port)" : "https://\(host):\(port)"
    }

    var requests: [StubRequest] {
        state.withLock { $0.requests }
    }

    func stop() {
        // Under the lock, so that no descriptor is closed, and its number given to another test's socket,
        // between being listed and being shut.
        state.withLock { state in
            state.stopped = true
            state.connections.forEach { shutdown($0, Int32(SHUT_RDWR)) }
        }
        shutdown(listener, Int32(SHUT_RDWR))
        finished.wait()
        close(listener)
    }

    /// Serves until stopped, then stops whatever `body` left running.
    static func with<Result>(
        host: String = "127.0.0.1", tls: TLSConfiguration = serverTLS(), handler: @escaping @Sendable (StubRequest) -> StubResponse,
        _ body: (StubAPIServer) throws -> Result
    ) throws -> Result {
        let server = try StubAPIServer(host: host, tls: tls, handler: handler)
        defer { server.stop() }
        return try body(server)
    }

    /// The test server certificate (localhost, 127.0.0.1 and ::1, from the test CA); with `clientCA`, only
    /// clients with a certificate of the test CA get through.
    static func serverTLS(clientCA: Bool = false) -> TLSConfiguration {
        let certificates = TestCertificates.shared
        return .files(certificatePath: certificates.serverCertificate, keyPath: certificates.serverKey,
                      clientCAPath: clientCA ? certificates.caFile : nil)
    }

    private func acceptLoop() {
        var count = 0
        while true {
            let descriptor = accept(listener, nil, nil)
            guard descriptor >= 0 else {
                if errno == EINTR { continue }
                return
            }
            let accepted = state.withLock { state in
                if !state.stopped { state.connections.append(descriptor) }
                return !state.stopped
            }
            guard accepted, let stream = context.makeStream(fileDescriptor: descriptor) else {
                close(descriptor)
                return
            }
            let number = count
            count += 1
            finished.enter()
            let box = StreamBox(stream: stream)
            Thread.detachNewThread { [self] in
                serve(box.stream, connection: number)
                state.withLock { state in
                    state.connections.removeAll { $0 == descriptor }
                    box.stream.release()
                }
                finished.leave()
            }
        }
    }

    private func serve(_ stream: TLSStream, connection: Int) {
        guard case .bytes = stream.handshake() else { return }
        var buffer: [UInt8] = []
        while true {
            guard let request = readRequest(stream, buffer: &buffer, connection: connection) else { return }
            state.withLock { $0.requests.append(request) }
            let response = handler(request)
            guard write(response, to: stream), !response.closeAfter else { return }
        }
    }

    private func readRequest(_ stream: TLSStream, buffer: inout [UInt8], connection: Int) -> StubRequest? {
        let terminator = Array("\r\n\r\n".utf8)
        while true {
            if let end = buffer.firstRange(of: terminator) {
                let head = String(decoding: buffer[..<end.lowerBound], as: UTF8.self)
                buffer.removeSubrange(..<end.upperBound)
                var lines = head.components(separatedBy: "\r\n")
                let requestLine = lines.removeFirst().split(separator: " ")
                guard requestLine.count == 3 else { return nil }
                var headers: [String: String] = [:]
                for line in lines {
                    guard let colon = line.firstIndex(of: ":") else { continue }
                    headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
                }
                return StubRequest(
                    method: String(requestLine[0]), path: String(requestLine[1]), headers: headers, connection: connection,
                    serverName: stream.requestedServerName)
            }
            var chunk = [UInt8](repeating: 0, count: 16 * 1024)
            guard case .bytes(let count) = chunk.withUnsafeMutableBytes({ stream.read(into: $0) }), count > 0 else { return nil }
            buffer += chunk[..<count]
        }
    }

    private func write(_ response: StubResponse, to stream: TLSStream) -> Bool {
        var head = "HTTP/1.1 \(response.status) \(response.status == 200 ? "OK" : "Failure")\r\n"
        head += "Audit-Id: 5b0a1f52-0000-4000-8000-000000000000\r\nCache-Control: no-cache, private\r\n"
        head += "Content-Type: application/json\r\nDate: Fri, 27 Nov 2026 09:04:00 GMT\r\n"
        var bytes: [UInt8]
        switch response.framing {
        case .contentLength:
            head += "Content-Length: \(response.body.count)\r\n\r\n"
            bytes = Array(head.utf8) + response.body
        case .chunked(let size):
            head += "Transfer-Encoding: chunked\r\n\r\n"
            bytes = Array(head.utf8)
            var offset = 0
            while offset < response.body.count {
                let end = min(offset + size, response.body.count)
                bytes += Array(String(end - offset, radix: 16).utf8) + [13, 10] + response.body[offset ..< end] + [13, 10]
                offset = end
            }
            bytes += Array("0\r\n\r\n".utf8)
        }
        var offset = 0
        while offset < bytes.count {
            guard case .bytes(let count) = bytes[offset...].withUnsafeBytes({ stream.write($0) }) else { return false }
            offset += count
        }
        return true
    }
}

/// Carries a stream to the thread that serves it; only that thread uses it from then on.
private struct StreamBox: @unchecked Sendable {
    let stream: TLSStream
}

struct TestFailure: Error, CustomStringConvertible {
    let description: String

    init(_ description: String) {
        self.description = description
    }
}

/// The list responses captured from a kube-apiserver (Tests/Fixtures/apiserver-lists).
enum ListFixtures {
    static let directory = Fixtures.repository.appendingPathComponent("Tests/Fixtures/apiserver-lists")

    static func bytes(_ name: String) -> [UInt8] {
        Array(try! Data(contentsOf: directory.appendingPathComponent(name)))
    }
}
