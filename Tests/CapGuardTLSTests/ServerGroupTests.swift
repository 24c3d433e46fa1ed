import CapGuardTLS
import COpenSSL
import COpenSSLShims
import Testing

@Suite("Server key exchange groups")
struct ServerGroupTests {
    @Test("a client offering what OpenSSL clients offer gets X25519")
    func x25519() throws {
        let pair = try LoopbackTLSPair()
        try pair.handshake()
        // SSL_get_negotiated_group, a macro.
        #expect(SSL_ctrl(pair.client, SSL_CTRL_GET_NEGOTIATED_GROUP, 0, nil) == Int(NID_X25519))
    }

    @Test("P-256 and P-384 are accepted, over TLS 1.3 and 1.2", arguments: [
        ("P-256", TLS1_3_VERSION), ("P-384", TLS1_3_VERSION), ("P-256", TLS1_2_VERSION),
    ])
    func nistCurves(_ group: String, _ version: Int32) throws {
        let pair = try LoopbackTLSPair { context in
            _ = capguard_SSL_CTX_set1_groups_list(context, group)
            _ = capguard_SSL_CTX_set_max_proto_version(context, version)
        }
        try pair.handshake()
        #expect(SSL_version(pair.client) == version)
    }

    /// Each of these costs the server many times a handshake with X25519, so that a client offering only
    /// them could burn its CPU cheaply.
    @Test("finite-field groups, P-521 and X448 are refused", arguments: ["ffdhe2048", "ffdhe8192", "P-521", "X448"])
    func expensiveGroups(_ group: String) throws {
        let pair = try LoopbackTLSPair { context in
            _ = capguard_SSL_CTX_set1_groups_list(context, group)
        }
        #expect(throws: LoopbackTLSPair.Failure.self) { try pair.handshake() }
    }
}
