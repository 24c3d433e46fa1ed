/// How one end of a TLS connection is set up. Both roles share the protocol and cipher policy: TLS 1.2 and
/// 1.3 only, forward secrecy and AEAD only.
public struct TLSConfiguration: Sendable, Equatable {
    public enum Role: Sendable, Equatable {
        /// Presents `certificate`; with `clientCAPath`, only clients presenting a certificate that chains to
        /// one of those CAs get through.
        case server(certificate: CertificateSource, clientCAPath: String?)
        /// Checks the server against `trust` and, when given, `serverIdentity`; presents `certificate` to a
        /// server that asks for one.
        case client(trust: Trust, serverIdentity: String?, certificate: CertificateSource?)
    }

    public enum CertificateSource: Sendable, Equatable {
        /// PEM files; the certificate file may hold the chain after the leaf. A server reloads them when
        /// either changes.
        case files(certificatePath: String, keyPath: String)
        /// A self-signed certificate for localhost, 127.0.0.1 and ::1, made in memory at start.
        case developmentCertificate
        /// PEM text held in memory, as a kubeconfig's `client-certificate-data` or an exec credential gives
        /// it; the certificate text may hold the chain after the leaf.
        case pem(certificate: [UInt8], key: [UInt8])
    }

    public enum Trust: Sendable, Equatable {
        /// PEM file of the CAs the server's chain must end in.
        case roots(caPath: String)
        /// PEM text of the CAs the server's chain must end in, as a kubeconfig's
        /// `certificate-authority-data` gives it.
        case rootsPEM([UInt8])
        /// The system's CA bundle, for a kubeconfig cluster that names no CA (a managed API server with a
        /// publicly trusted certificate).
        case systemRoots
        /// Any certificate, unverified: for talking to a development certificate on loopback, or for a
        /// kubeconfig cluster whose owner chose `insecure-skip-tls-verify`.
        case anyCertificate
    }

    public var role: Role
    /// The protocol versions offered and accepted. A client may narrow it, to see what a server does with a
    /// client that speaks only TLS 1.2, for instance; there is nothing below TLS 1.2 to widen it to.
    public var protocolVersions: ClosedRange<TLSProtocolVersion>
    /// How often a server checks its certificate files for changes.
    public var reloadInterval: Duration

    public init(
        role: Role,
        protocolVersions: ClosedRange<TLSProtocolVersion> = .tls1_2 ... .tls1_3,
        reloadInterval: Duration = .seconds(10)
    ) {
        self.role = role
        self.protocolVersions = protocolVersions
        self.reloadInterval = reloadInterval
    }

    /// A server presenting the certificate and key in PEM files.
    public static func files(certificatePath: String, keyPath: String, clientCAPath: String? = nil) -> TLSConfiguration {
        TLSConfiguration(role: .server(certificate: .files(certificatePath: certificatePath, keyPath: keyPath), clientCAPath: clientCAPath))
    }

    /// A server presenting the development certificate.
    public static let development = TLSConfiguration(role: .server(certificate: .developmentCertificate, clientCAPath: nil))

    /// A client checking the server against `trust`, and against `serverIdentity` (a DNS name or an IP
    /// address) when given; nil checks only the chain.
    public static func client(trust: Trust, serverIdentity: String? = nil, certificate: CertificateSource? = nil) -> TLSConfiguration {
        TLSConfiguration(role: .client(trust: trust, serverIdentity: serverIdentity, certificate: certificate))
    }

    /// The certificate this end presents, if any.
    public var certificate: CertificateSource? {
        switch role {
        case .server(let certificate, _): certificate
        case .client(_, _, let certificate): certificate
        }
    }
}
