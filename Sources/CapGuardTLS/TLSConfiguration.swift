/// Where the server's certificate comes from and whether clients must present one.
public struct TLSConfiguration: Sendable, Equatable {
    public enum CertificateSource: Sendable, Equatable {
        /// PEM files; the certificate file may hold the chain after the leaf. Reloaded when either changes.
        case files(certificatePath: String, keyPath: String)
        /// A self-signed certificate for localhost, 127.0.0.1 and ::1, made in memory at start.
        case developmentCertificate
    }

    public var certificate: CertificateSource
    /// PEM file of the CAs a client certificate must chain to; nil lets any client connect.
    public var clientCAPath: String?
    /// How often the files are checked for changes.
    public var reloadInterval: Duration

    public init(
        certificate: CertificateSource,
        clientCAPath: String? = nil,
        reloadInterval: Duration = .seconds(10)
    ) {
        self.certificate = certificate
        self.clientCAPath = clientCAPath
        self.reloadInterval = reloadInterval
    }

    public static func files(certificatePath: String, keyPath: String, clientCAPath: String? = nil) -> TLSConfiguration {
        TLSConfiguration(certificate: .files(certificatePath: certificatePath, keyPath: keyPath), clientCAPath: clientCAPath)
    }

    public static let development = TLSConfiguration(certificate: .developmentCertificate)
}
