import CapGuardSystem
import CapGuardTLS
import FoundationEssentials
import Synchronization

/// A bearer token read from a file that is replaced while capguard runs: the kubelet rotates a projected
/// ServiceAccount token well before it expires. Like client-go, the file is read again at most once a
/// minute, and at once when the server refuses the token.
public final class TokenFileCredentials: CredentialProvider {
    public let path: String
    private let certificate: TLSConfiguration.CertificateSource?
    private let rereadInterval: UInt64
    private let cached: Mutex<(token: String, readAt: UInt64)?> = Mutex(nil)

    public init(path: String, certificate: TLSConfiguration.CertificateSource? = nil, rereadInterval: Duration = .seconds(60)) {
        self.path = path
        self.certificate = certificate
        self.rereadInterval = rereadInterval.nanoseconds
    }

    public func credentials() throws -> ClientCredentials {
        let now = MonotonicClock.now()
        let token = try cached.withLock { cached in
            if let cached, now - cached.readAt < rereadInterval { return cached.token }
            let token = try Self.read(path)
            cached = (token, now)
            return token
        }
        return ClientCredentials(bearerToken: token, certificate: certificate)
    }

    public func refused(_ credentials: ClientCredentials) -> Bool {
        guard let token = try? Self.read(path) else { return false }
        cached.withLock { $0 = (token, MonotonicClock.now()) }
        return token != credentials.bearerToken
    }

    static func read(_ path: String) throws(KubeConfigurationError) -> String {
        let bytes: [UInt8]
        do {
            bytes = try BoundedInput.read(path: path, limit: 64 * 1024)
        } catch {
            throw KubeConfigurationError("cannot read the token file \(path): \(error.explanation)")
        }
        let token = String(String(decoding: bytes, as: UTF8.self).trimming { $0.isWhitespace })
        return try BearerToken.checked(token, source: "the token file \(path)")
    }
}
