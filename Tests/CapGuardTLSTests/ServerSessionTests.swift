import CapGuardTLS
import COpenSSL
import COpenSSLShims
import Testing

@Suite("Server TLS sessions")
struct ServerSessionTests {
    /// TLS 1.3 tickets arrive with the first record after the handshake; TLS 1.2 would offer a ticket or a
    /// cached session id in the handshake itself. Either would leave the client a resumable session.
    @Test("a client is given nothing to resume, over TLS 1.3 or 1.2", arguments: [TLS1_3_VERSION, TLS1_2_VERSION])
    func noResumption(_ version: Int32) throws {
        let pair = try LoopbackTLSPair { context in
            _ = capguard_SSL_CTX_set_max_proto_version(context, version)
        }
        try pair.handshake()
        #expect(pair.serverSends(Array("ok".utf8)) == .bytes(2))
        #expect(try pair.clientReceives(count: 16) == Array("ok".utf8))
        #expect(SSL_version(pair.client) == version)
        #expect(SSL_SESSION_is_resumable(SSL_get_session(pair.client)) == 0)
    }
}
