import COpenSSL
import Glibc

/// One non-blocking socket and the SSL over it. Calls never block and say what they came to as a
/// `TLSIOResult`; `release` frees the SSL and closes the socket, once, when nothing watches the descriptor.
package struct TLSStream {
    package let fileDescriptor: Int32
    private let ssl: OpaquePointer

    init(fileDescriptor: Int32, ssl: OpaquePointer) {
        self.fileDescriptor = fileDescriptor
        self.ssl = ssl
    }

    package func handshake() -> TLSIOResult {
        ERR_clear_error()
        let result = SSL_do_handshake(ssl)
        return result == 1 ? .bytes(0) : outcome(of: result)
    }

    /// A server stream reads ahead: records may wait in OpenSSL's buffer with nothing left on the socket to
    /// signal them, so keep reading while `hasBufferedInput` holds before waiting for the socket again.
    package func read(into buffer: UnsafeMutableRawBufferPointer) -> TLSIOResult {
        ERR_clear_error()
        return outcome(of: SSL_read(ssl, buffer.baseAddress, Int32(clamping: buffer.count)))
    }

    /// True while OpenSSL holds bytes read ahead from the socket, which no socket event will announce.
    package var hasBufferedInput: Bool {
        SSL_has_pending(ssl) == 1
    }

    package func write(_ bytes: UnsafeRawBufferPointer) -> TLSIOResult {
        ERR_clear_error()
        return outcome(of: SSL_write(ssl, bytes.baseAddress, Int32(clamping: bytes.count)))
    }

    /// Sends close_notify and shuts the socket's write side; reading stays possible.
    package func shutdownWrite() {
        ERR_clear_error()
        SSL_shutdown(ssl)
        ERR_clear_error()
        Glibc.shutdown(fileDescriptor, Int32(SHUT_WR))
    }

    /// Reads raw socket bytes past TLS, for input that will never be answered.
    package func discard(into buffer: UnsafeMutableRawBufferPointer) -> TLSIOResult {
        let count = recv(fileDescriptor, buffer.baseAddress, buffer.count, 0)
        if count > 0 { return .bytes(count) }
        if count == 0 { return .closed }
        if errno == EAGAIN || errno == EINTR { return .wantsRead }
        return .failed(reason: String(cString: strerror(errno)))
    }

    /// Why the peer's certificate was not trusted ("unable to get local issuer certificate", "hostname
    /// mismatch"), after a handshake that failed on it; nil when verification passed or never ran.
    package var verificationFailure: String? {
        let result = SSL_get_verify_result(ssl)
        guard result != X509_V_OK else { return nil }
        return String(cString: X509_verify_cert_error_string(result))
    }

    /// The name the client asked for in SNI, once the handshake is done.
    package var requestedServerName: String? {
        SSL_get_servername(ssl, Int32(TLSEXT_NAMETYPE_host_name)).map { String(cString: $0) }
    }

    package func release() {
        SSL_free(ssl)
        Glibc.close(fileDescriptor)
    }

    private func outcome(of result: Int32) -> TLSIOResult {
        if result > 0 { return .bytes(Int(result)) }
        let savedErrno = errno
        let error = SSL_get_error(ssl, result)
        switch error {
        case SSL_ERROR_WANT_READ:
            return .wantsRead
        case SSL_ERROR_WANT_WRITE:
            return .wantsWrite
        default:
            let queued = OpenSSLErrorQueue.drainReasons()
            if !queued.isEmpty {
                return .failed(reason: queued)
            }
            if error == SSL_ERROR_SYSCALL && savedErrno != 0 {
                return .failed(reason: String(cString: strerror(savedErrno)))
            }
            return .closed
        }
    }
}
