/// What one non-blocking call on a `TLSStream` came to. Every OpenSSL and socket outcome is mapped to one of
/// these in a single place, so callers decide what to do, never how to read `SSL_get_error`.
package enum TLSIOResult: Equatable {
    /// That many bytes moved; zero for a completed handshake.
    case bytes(Int)
    /// Nothing can move until the socket is readable.
    case wantsRead
    /// Nothing can move until the socket is writable.
    case wantsWrite
    /// The peer ended the stream in an orderly way.
    case closed
    /// The stream is unusable; `reason` is what OpenSSL or the system said, for logs about the peer.
    case failed(reason: String)
}
