/// How a client checks the server it connects to. The protocol versions and ciphers are the same as the
/// server's: TLS 1.2 and 1.3, forward secrecy and AEAD only.
public struct TLSClientConfiguration: Sendable, Equatable {
    public enum Trust: Sendable, Equatable {
        /// PEM file of the CAs the server's chain must end in.
        case roots(caPath: String)
        /// Any certificate, unverified: only for talking to a development certificate on loopback.
        case anyCertificate
    }

    public var trust: Trust
    /// The DNS name or IP address the server's certificate must name, checked with `roots`; nil checks only
    /// the chain.
    public var serverIdentity: String?

    public init(trust: Trust, serverIdentity: String? = nil) {
        self.trust = trust
        self.serverIdentity = serverIdentity
    }
}
