import CapGuardKube

// The words the audit counts API errors by. They come from the status code or the transport's case, never
// from a response's text, so that a server cannot grow the label set.

extension APIRequestError: APIFailureReason {
    public var reason: String {
        switch status {
        case 400: "BadRequest"
        case 401: "Unauthorized"
        case 403: "Forbidden"
        case 404: "NotFound"
        case 410: "Expired"
        case 429: "TooManyRequests"
        case 500...: "ServerError"
        default: "other"
        }
    }
}

extension APIClientError: APIFailureReason {
    public var reason: String {
        switch self {
        case .unreachable: "unreachable"
        case .untrustedServer: "untrusted_server"
        case .handshakeFailed: "handshake_failed"
        case .timedOut: "timed_out"
        case .connectionLost: "connection_lost"
        case .responseTooLarge: "response_too_large"
        case .malformedResponse: "malformed_response"
        }
    }
}

extension KubeConfigurationError: APIFailureReason {
    public var reason: String { "configuration" }
}
