import Synchronization

/// A limit that cut a client off.
public enum ServerLimit: String, Sendable, CaseIterable, Hashable {
    /// Request line and headers over the byte or field count limit (431).
    case headerSize = "header_size"
    /// Body over the limit (413).
    case bodySize = "body_size"
    /// Request refused (503) because all connections together hold the most buffered request bytes allowed.
    case bufferedRequestBytes = "buffered_request_bytes"
    /// Connection refused because the open connection limit was reached.
    case connections
    /// Handshake or request not received in time, or a response not read in time.
    case readTimeout = "read_timeout"
}

/// Counters since the server was made, for /metrics.
public struct ServerStatistics: Sendable, Equatable {
    public var openConnections = 0
    /// Bytes held now for requests still being received, counted against `maxBufferedRequestBytes`.
    public var bufferedRequestBytes = 0
    public var acceptedConnections = 0
    public var tlsHandshakeFailures = 0
    public var requestsByStatus: [Int: Int] = [:]
    public var limitHits: [ServerLimit: Int] = [:]
    public var certificateReloads = 0
    public var certificateReloadFailures = 0
    /// When the serving certificate loaded now expires, in seconds since the Unix epoch; nil if unreadable.
    public var certificateNotAfter: Int?

    public init() {}

    public var totalRequests: Int {
        requestsByStatus.values.reduce(0, +)
    }
}

/// The live counters behind `ServerStatistics`, shared by every connection.
final class ServerCounters: Sendable {
    private let state = Mutex(ServerStatistics())

    var snapshot: ServerStatistics {
        state.withLock { $0 }
    }

    func update(_ change: (inout ServerStatistics) -> Void) {
        state.withLock { change(&$0) }
    }

    func recordResponse(status: Int) {
        state.withLock { $0.requestsByStatus[status, default: 0] += 1 }
    }

    func recordLimitHit(_ limit: ServerLimit) {
        state.withLock { $0.limitHits[limit, default: 0] += 1 }
    }
}
