import CapGuardTLS
import COpenSSL
import Foundation

/// A blocking TLS client on 127.0.0.1 that sends whatever bytes it is given, cut into TLS records of a chosen
/// size, or stops in the middle of a record, so that a test can frame requests as a hostile client would.
/// It trusts any certificate.
public final class RawTLSClient {
    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    private let fd: Int32
    private let context: TLSContext
    private let ssl: OpaquePointer
    /// After the handshake, records are written here and go to the socket as the test decides.
    private var records: OpaquePointer?
    private var received: [UInt8] = []

    /// Connects and completes the handshake; `timeout` guards every blocking read and write against a hung test.
    public init(port: Int, timeout: Int = 20) throws {
        // OpenSSL writes the handshake with plain write(2): a server that refuses the connection must cost
        // an error, not the test process.
        signal(SIGPIPE, SIG_IGN)
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw Failure(description: "socket: \(String(cString: strerror(errno)))") }
        var limit = timeval(tv_sec: timeout, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else {
            let reason = String(cString: strerror(errno))
            close(fd)
            throw Failure(description: "connect: \(reason)")
        }
        let context: TLSContext
        do {
            context = try TLSContext(.client(trust: .anyCertificate))
        } catch {
            close(fd)
            throw Failure(description: "\(error)")
        }
        guard let ssl = SSL_new(context.pointer) else {
            close(fd)
            throw Failure(description: "SSL_new")
        }
        self.fd = fd
        self.context = context
        self.ssl = ssl
        SSL_set_fd(ssl, fd)
        // The test process starts and reaps other processes while this blocks: a SIGCHLD can interrupt a read
        // or write of the handshake, which is no failure of the server's.
        var result = SSL_connect(ssl)
        while result != 1, SSL_get_error(ssl, result) == SSL_ERROR_SYSCALL, errno == EINTR {
            result = SSL_connect(ssl)
        }
        guard result == 1 else {
            let reason = "handshake failed: SSL error \(SSL_get_error(ssl, result)), \(String(cString: strerror(errno)))"
            ERR_clear_error()
            throw Failure(description: reason)
        }
        records = BIO_new(BIO_s_mem())
        SSL_set0_wbio(ssl, records)
    }

    /// Sends `bytes` in records of at most `recordSize` bytes (one SSL_write each, so one record each).
    /// Throws once the server stops taking them, with how many went out.
    public func send(_ bytes: [UInt8], recordSize: Int = 16 * 1024) throws {
        var offset = 0
        while offset < bytes.count {
            let length = min(recordSize, bytes.count - offset)
            let sealed = seal(bytes[offset..<offset + length])
            do {
                try sendRaw(sealed[...])
            } catch {
                throw Failure(description: "the server stopped taking bytes after \(offset) of \(bytes.count)")
            }
            offset += length
        }
    }

    /// Sends one record of `bytes` (at most 16 KiB) but for its last `withheld` bytes: the server has the
    /// record's start and waits for the rest, which never comes. Nothing can follow on this connection.
    public func sendIncompleteRecord(_ bytes: [UInt8], withheld: Int) throws {
        let sealed = seal(bytes[...])
        try sendRaw(sealed.dropLast(withheld))
    }

    private func seal(_ bytes: ArraySlice<UInt8>) -> [UInt8] {
        let written = bytes.withUnsafeBytes { SSL_write(ssl, $0.baseAddress, Int32($0.count)) }
        precondition(written == Int32(bytes.count), "a memory BIO takes every record")
        var sealed = [UInt8](repeating: 0, count: Int(BIO_ctrl_pending(records)))
        let count = sealed.withUnsafeMutableBytes { BIO_read(records, $0.baseAddress, Int32($0.count)) }
        return Array(sealed.prefix(Int(max(count, 0))))
    }

    private func sendRaw(_ bytes: ArraySlice<UInt8>) throws {
        var offset = bytes.startIndex
        while offset < bytes.endIndex {
            let sent = bytes[offset...].withUnsafeBytes { Foundation.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if sent < 0 && errno == EINTR { continue }
            guard sent > 0 else { throw Failure(description: "send: \(String(cString: strerror(errno)))") }
            offset += sent
        }
    }

    public func send(_ text: String, recordSize: Int = 16 * 1024) throws {
        try send(Array(text.utf8), recordSize: recordSize)
    }

    /// The status of the next response, reading past its head and body; nil if the connection closes first.
    public func responseStatus() -> Int? {
        while true {
            if let headEnd = Self.find([13, 10, 13, 10], in: received) {
                let head = String(decoding: received[..<headEnd], as: UTF8.self)
                let lines = head.components(separatedBy: "\r\n")
                let length = lines.dropFirst().compactMap { line -> Int? in
                    let parts = line.split(separator: ":", maxSplits: 1)
                    guard parts.count == 2, parts[0].lowercased() == "content-length" else { return nil }
                    return Int(parts[1].trimmingCharacters(in: .whitespaces))
                }.first ?? 0
                while received.count < headEnd + 4 + length {
                    guard receive() else { return nil }
                }
                received.removeFirst(headEnd + 4 + length)
                let status = lines.first?.split(separator: " ").dropFirst().first
                return status.flatMap { Int($0) }
            }
            guard receive() else { return nil }
        }
    }

    private func receive() -> Bool {
        var chunk = [UInt8](repeating: 0, count: 16 * 1024)
        var count = chunk.withUnsafeMutableBytes { SSL_read(ssl, $0.baseAddress, Int32($0.count)) }
        while count <= 0, SSL_get_error(ssl, count) == SSL_ERROR_SYSCALL, errno == EINTR {
            count = chunk.withUnsafeMutableBytes { SSL_read(ssl, $0.baseAddress, Int32($0.count)) }
        }
        guard count > 0 else {
            ERR_clear_error()
            return false
        }
        received.append(contentsOf: chunk[..<Int(count)])
        return true
    }

    private static func find(_ needle: [UInt8], in haystack: [UInt8]) -> Int? {
        guard haystack.count >= needle.count else { return nil }
        return (0...(haystack.count - needle.count)).first { haystack[$0..<$0 + needle.count].elementsEqual(needle) }
    }

    deinit {
        SSL_free(ssl)
        close(fd)
    }
}
