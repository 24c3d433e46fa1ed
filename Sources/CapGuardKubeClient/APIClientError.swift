/// Why a request to the API server got no answer. Each description names the server, says what failed and
/// what usually fixes it.
public enum APIClientError: Error, Sendable, Equatable, CustomStringConvertible {
    /// No TCP connection: refused, no route, name not resolved, or no answer within the connect timeout.
    case unreachable(server: String, reason: String)
    /// The server's certificate did not verify against the configured CA or name.
    case untrustedServer(server: String, reason: String)
    /// The TLS handshake failed for another reason (protocol, a client certificate the server refused).
    case handshakeFailed(server: String, reason: String)
    /// The server went silent for longer than the read timeout.
    case timedOut(server: String, waitingFor: String)
    /// The connection broke while a request or its answer was under way.
    case connectionLost(server: String, reason: String)
    /// An answer larger than the client accepts.
    case responseTooLarge(server: String, limit: Int)
    /// An answer that is not HTTP/1.1 as the client reads it.
    case malformedResponse(server: String, reason: String)

    public var description: String {
        switch self {
        case .unreachable(let server, let reason):
            "cannot connect to the API server \(server): \(reason). Check that the address is right and reachable from here "
                + "(kubectl --context ... cluster-info), or choose another context with --context."
        case .untrustedServer(let server, let reason):
            "the API server \(server) presented a certificate that is not trusted: \(reason). Check the cluster's "
                + "certificate-authority(-data) in the kubeconfig (a wrong CA, or a kubeconfig of another cluster?) and that "
                + "the server address is a name or IP address in its certificate (tls-server-name can name another one)."
        case .handshakeFailed(let server, let reason):
            "the TLS handshake with the API server \(server) failed: \(reason). If the server asks for a client certificate, "
                + "check the user's client-certificate and client-key; capguard speaks TLS 1.2 and 1.3 only."
        case .timedOut(let server, let waitingFor):
            "the API server \(server) did not answer in time while \(waitingFor). Check the server's health and the network "
                + "between here and it (a NetworkPolicy or firewall that drops packets makes connections hang)."
        case .connectionLost(let server, let reason):
            "the connection to the API server \(server) broke: \(reason)."
        case .responseTooLarge(let server, let limit):
            "an answer of the API server \(server) exceeds \(limit) bytes, the most capguard reads in one answer; "
                + "lower the page size of lists."
        case .malformedResponse(let server, let reason):
            "the API server \(server) answered something that is not HTTP/1.1 as expected: \(reason). Is the address that "
                + "of a Kubernetes API server, and not of a proxy?"
        }
    }
}
