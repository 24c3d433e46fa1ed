@testable import CapGuardTLS
import COpenSSL
import Glibc

/// A server stream from a `TLSContext` and a plain OpenSSL client over a non-blocking socket pair, driven by
/// hand in one thread, so that a test sees what the server's context settings make of a handshake and of
/// the records that follow it.
final class LoopbackTLSPair {
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    let server: TLSStream
    let client: OpaquePointer
    private let clientContext: OpaquePointer
    private let clientDescriptor: Int32
    private let serverContext: TLSContext

    /// `configureClient` narrows what the client offers (versions, groups) before it connects.
    init(server configuration: TLSConfiguration = .development, configureClient: (OpaquePointer) -> Void = { _ in }) throws {
        var descriptors: [Int32] = [0, 0]
        guard socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue), 0, &descriptors) == 0 else {
            throw Failure(description: "socketpair: \(String(cString: strerror(errno)))")
        }
        serverContext = try TLSContext(configuration)
        guard let server = serverContext.makeStream(fileDescriptor: descriptors[0]),
            let clientContext = SSL_CTX_new(TLS_client_method())
        else {
            throw Failure(description: "cannot make the streams")
        }
        configureClient(clientContext)
        guard let client = SSL_new(clientContext) else {
            throw Failure(description: "SSL_new")
        }
        SSL_set_fd(client, descriptors[1])
        SSL_set_connect_state(client)
        self.server = server
        self.client = client
        self.clientContext = clientContext
        clientDescriptor = descriptors[1]
    }

    deinit {
        SSL_free(client)
        SSL_CTX_free(clientContext)
        close(clientDescriptor)
        server.release()
    }

    /// Steps both ends until both have finished the handshake; throws when either fails.
    func handshake() throws {
        var clientDone = false
        var serverDone = false
        for _ in 0..<100 where !(clientDone && serverDone) {
            if !clientDone {
                let result = SSL_do_handshake(client)
                clientDone = result == 1
                if !clientDone && SSL_get_error(client, result) != SSL_ERROR_WANT_READ {
                    throw Failure(description: "client handshake failed: \(OpenSSLErrorQueue.drain())")
                }
            }
            if !serverDone {
                switch server.handshake() {
                case .bytes: serverDone = true
                case .wantsRead, .wantsWrite: break
                case .closed: throw Failure(description: "server handshake: closed")
                case .failed(let reason): throw Failure(description: "server handshake failed: \(reason)")
                }
            }
        }
        guard clientDone && serverDone else { throw Failure(description: "handshake did not finish") }
    }

    /// Writes `bytes` as one record from the client.
    func clientSends(_ bytes: [UInt8]) throws {
        guard SSL_write(client, bytes, Int32(bytes.count)) == Int32(bytes.count) else {
            throw Failure(description: "client write failed: \(OpenSSLErrorQueue.drain())")
        }
    }

    /// Reads what the server sent, processing any records that come before it (session tickets).
    func clientReceives(count: Int) throws -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: count)
        let read = SSL_read(client, &bytes, Int32(count))
        guard read > 0 else { throw Failure(description: "client read failed: \(OpenSSLErrorQueue.drain())") }
        return Array(bytes[..<Int(read)])
    }

    /// One read of the server stream into a buffer of `capacity` bytes.
    func serverReads(capacity: Int) -> TLSIOResult {
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: capacity, alignment: 1)
        defer { buffer.deallocate() }
        return server.read(into: buffer)
    }

    func serverSends(_ bytes: [UInt8]) -> TLSIOResult {
        bytes.withUnsafeBytes { server.write($0) }
    }

    /// Bytes the kernel holds for the server, not yet read from its socket.
    var unreadAtServerSocket: Int32 {
        var count: Int32 = 0
        _ = ioctl(server.fileDescriptor, UInt(FIONREAD), &count)
        return count
    }
}
