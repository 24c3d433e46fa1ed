import CapGuardKube
import CapGuardTLS
import Glibc
import Synchronization

/// Sends requests to the API server of a `KubeConnection` over HTTPS (capguard's own TLS layer: TLS 1.2 and
/// 1.3, the server verified against the connection's trust and name). One idle connection is kept and reused
/// by the next request, so that the pages of a list share one handshake. A 401 answer is retried once when
/// the credentials have changed since (a rotated token file, an exec plugin run again).
public final class APIClient: APIRequester {
    public let connection: KubeConnection
    public let limits: APIClientLimits
    /// Sent as User-Agent, such as `capguard/0.1.0`.
    public let userAgent: String

    private struct State: @unchecked Sendable {
        // The idle connection is only ever used by the request that took it out of the state.
        var idle: HTTPSConnection?
        var context: (certificate: TLSConfiguration.CertificateSource?, context: TLSContext)?
    }

    private let state = Mutex(State())

    public init(connection: KubeConnection, limits: APIClientLimits = APIClientLimits(), userAgent: String = "capguard") {
        self.connection = connection
        self.limits = limits
        self.userAgent = userAgent
        // A write to a connection the server has closed must fail with EPIPE, not end the process.
        signal(SIGPIPE, SIG_IGN)
    }

    public func send(_ request: APIRequest) throws -> APIResponse {
        let credentials = try connection.credentials.credentials()
        let response = try exchange(request, credentials: credentials)
        guard response.status == 401, connection.credentials.refused(credentials) else { return response }
        return try exchange(request, credentials: try connection.credentials.credentials())
    }

    private func exchange(_ request: APIRequest, credentials: ClientCredentials) throws -> APIResponse {
        let bytes = encode(request, token: credentials.bearerToken)
        let (context, idle) = try contextAndIdleConnection(for: credentials.certificate)
        if let idle, !idle.isStale {
            do {
                return try roundTrip(bytes, on: idle, context: context)
            } catch {
                // A server may close an idle connection at any time; a read is safe to send again on a fresh one.
                guard case .connectionLost = error, request.method == "GET" else { throw error }
            }
        }
        let fresh = try HTTPSConnection.open(address: connection.server, context: context, serverName: sniName, limits: limits)
        do {
            return try roundTrip(bytes, on: fresh, context: context)
        } catch {
            throw Self.refusedClientCertificate(error) ?? error
        }
    }

    /// With TLS 1.3 the client's handshake ends before the server has checked the client certificate; a
    /// refusal arrives with the first answer as an alert, or as a reset that overtakes the alert.
    private static func refusedClientCertificate(_ error: APIClientError) -> APIClientError? {
        guard case .connectionLost(let server, let reason) = error, reason == String(cString: strerror(ECONNRESET)) else { return nil }
        return .handshakeFailed(server: server, reason: "\(reason) right after the handshake (how a TLS 1.3 server refuses a client certificate)")
    }

    private func roundTrip(_ bytes: [UInt8], on httpsConnection: HTTPSConnection, context: TLSContext) throws(APIClientError) -> APIResponse {
        try httpsConnection.write(bytes)
        var reader = HTTPResponseReader(connection: httpsConnection, server: connection.server.description, limit: limits.maxResponseBytes)
        let response = try reader.read()
        if response.reusable {
            state.withLock { state in
                if state.context?.context === context { state.idle = httpsConnection }
            }
        }
        return APIResponse(status: response.status, body: response.body)
    }

    /// The TLS context for `certificate`, made again when an exec plugin hands out a new client certificate,
    /// and the idle connection made with it, taken out of the state.
    private func contextAndIdleConnection(for certificate: TLSConfiguration.CertificateSource?) throws -> (TLSContext, HTTPSConnection?) {
        if let reused = state.withLock({ state -> (TLSContext, HTTPSConnection?)? in
            guard let current = state.context, current.certificate == certificate else { return nil }
            defer { state.idle = nil }
            return (current.context, state.idle)
        }) {
            return reused
        }
        let configuration = TLSConfiguration.client(trust: connection.trust, serverIdentity: verifiedName, certificate: certificate)
        let context: TLSContext
        do {
            context = try TLSContext(configuration)
        } catch {
            throw KubeConfigurationError("cannot set up TLS for the API server \(connection.server) (\(connection.identity)): \(error)")
        }
        state.withLock { state in
            state.context = (certificate, context)
            state.idle = nil
        }
        return (context, nil)
    }

    /// The name or address checked in the server's certificate.
    private var verifiedName: String {
        connection.serverName ?? connection.server.host
    }

    /// SNI carries names only: none for a server reached and verified by its IP address.
    private var sniName: String? {
        if let serverName = connection.serverName { return serverName }
        return connection.server.hostIsAddress ? nil : connection.server.host
    }

    private func encode(_ request: APIRequest, token: String?) -> [UInt8] {
        var head = "\(request.method) \(connection.server.pathPrefix)\(request.path) HTTP/1.1\r\n"
        head += "Host: \(connection.server.authority)\r\n"
        head += "User-Agent: \(userAgent)\r\n"
        head += "Accept: application/json\r\n"
        if let token { head += "Authorization: Bearer \(token)\r\n" }
        if let body = request.body {
            head += "Content-Type: application/json\r\nContent-Length: \(body.count)\r\n"
        }
        head += "\r\n"
        return Array(head.utf8) + (request.body ?? [])
    }
}
