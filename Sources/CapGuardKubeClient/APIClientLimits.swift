/// How long the client waits and how much it reads. The defaults suit lists of a few hundred objects per
/// page: a page of 500 pods is a few megabytes.
public struct APIClientLimits: Sendable, Hashable {
    /// For the TCP connection and, separately, the TLS handshake.
    public var connectTimeout: Duration
    /// The longest silence while waiting for the answer's bytes; a large page may take longer in all.
    public var readTimeout: Duration
    /// The largest answer read, head and body.
    public var maxResponseBytes: Int

    public init(connectTimeout: Duration = .seconds(10), readTimeout: Duration = .seconds(60), maxResponseBytes: Int = 64 * 1024 * 1024) {
        self.connectTimeout = connectTimeout
        self.readTimeout = readTimeout
        self.maxResponseBytes = maxResponseBytes
    }
}
