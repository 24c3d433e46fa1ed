import CapGuardTLS

/// What requests present to the API server: a bearer token, a client certificate, both or neither.
public struct ClientCredentials: Sendable, Equatable {
    public var bearerToken: String?
    public var certificate: TLSConfiguration.CertificateSource?

    public init(bearerToken: String? = nil, certificate: TLSConfiguration.CertificateSource? = nil) {
        self.bearerToken = bearerToken
        self.certificate = certificate
    }
}

/// Where a connection's credentials come from. Some change while capguard runs (a rotated token file, an
/// exec plugin's short-lived token), so the client asks before each request.
public protocol CredentialProvider: Sendable {
    /// The credentials to use now.
    func credentials() throws -> ClientCredentials
    /// Called when the server answered 401 to `credentials`; true when fresher ones were found, and the
    /// request is worth sending once more.
    func refused(_ credentials: ClientCredentials) -> Bool
}

/// Credentials that never change: a kubeconfig's token or client certificate, or none.
public struct FixedCredentials: CredentialProvider {
    public let value: ClientCredentials

    public init(_ value: ClientCredentials) {
        self.value = value
    }

    public func credentials() throws -> ClientCredentials { value }

    public func refused(_ credentials: ClientCredentials) -> Bool { false }
}
