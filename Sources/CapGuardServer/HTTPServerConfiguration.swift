/// Where the server listens and the limits that keep any one client from hurting the others.
public struct HTTPServerConfiguration: Sendable {
    /// A numeric address or host name: "0.0.0.0", "::" (IPv6 and IPv4), "127.0.0.1", "::1", "localhost".
    public var host: String
    /// 0 picks a free port; `HTTPServer.boundPort` tells which.
    public var port: Int
    public var limits: HTTPServerLimits
    /// How long requests already in flight get to finish once shutdown starts.
    public var shutdownGracePeriod: Duration

    public init(
        host: String = "0.0.0.0",
        port: Int = 8443,
        limits: HTTPServerLimits = HTTPServerLimits(),
        shutdownGracePeriod: Duration = .seconds(20)
    ) {
        self.host = host
        self.port = port
        self.limits = limits
        self.shutdownGracePeriod = shutdownGracePeriod
    }
}

public struct HTTPServerLimits: Sendable, Equatable {
    /// Request line plus header fields (and chunked trailers); above it: 431.
    public var maxHeaderBytes: Int
    /// Above it: 431.
    public var maxHeaderCount: Int
    /// A review carries the object and its old version, each up to etcd's 1.5 MiB; above it: 413.
    public var maxBodyBytes: Int
    /// Bytes held for requests still being received (buffers and bodies), all connections together; a
    /// request that needs more gets 503. Room for three bodies of the largest size (each is a little over 6
    /// MiB with its read buffer, so a fourth never fit) besides `smallRequestReserveBytes`, or thousands of
    /// ordinary reviews. With `maxConnections` it bounds the process: about 21 MiB at rest, plus this (the
    /// reserve is part of it, not added to it), plus per connection about 46 KiB of its own state and
    /// OpenSSL's buffers (a client that stops mid-record, or leaves answers unread) and up to 64 KiB of
    /// kernel socket queues, which the pod's memory cgroup is charged for too. The defaults come to at most
    /// about 100 MiB, inside the Deployment's 128 Mi limit.
    public var maxBufferedRequestBytes: Int
    /// A request holding at most this much (buffer and body) may use `smallRequestReserveBytes`. A 50 KB
    /// review holds 65 KiB at its peak (its body and a 16 KiB read), just over 64 KiB; the typical 4.5 KB
    /// one about 9 KiB.
    public static let smallRequestBytes = 128 * 1024
    /// The last part of `maxBufferedRequestBytes`, which only requests of at most `smallRequestBytes` may
    /// fill, so that clients holding large bodies cannot starve health probes and ordinary reviews: a quarter,
    /// at most 4 MiB. With the defaults that is room for 32 requests at the threshold or over 400 typical
    /// reviews at once, and the 20 MiB left for large bodies still take three of the largest.
    public var smallRequestReserveBytes: Int {
        min(4 * 1024 * 1024, maxBufferedRequestBytes / 4)
    }
    /// Open connections; further ones are accepted and closed at once. An apiserver keeps tens to a few
    /// hundred; each costs memory that no budget can take back (see `maxBufferedRequestBytes`).
    public var maxConnections: Int
    /// The whole TLS handshake, and each whole request from its first byte, must arrive within this;
    /// a client trickling bytes is cut off when it runs out rather than kept alive by each byte.
    /// It also bounds how long a response may wait for a client that does not read it.
    public var readTimeout: Duration
    /// How long a keep-alive connection may sit between requests. Longer than Go's client-side
    /// 90 seconds, so the apiserver closes idle connections first and never posts into one being closed.
    public var idleTimeout: Duration
    /// After a final response the server stops sending but keeps reading and discarding until the client
    /// closes, so that unread bytes (a rejected body still arriving) do not turn the close into a reset
    /// that destroys the response; this bounds that wait (and never exceeds `readTimeout`).
    public var lingerTimeout: Duration

    public init(
        maxHeaderBytes: Int = 16 * 1024,
        maxHeaderCount: Int = 100,
        maxBodyBytes: Int = 6 * 1024 * 1024,
        maxBufferedRequestBytes: Int = 24 * 1024 * 1024,
        maxConnections: Int = 512,
        readTimeout: Duration = .seconds(10),
        idleTimeout: Duration = .seconds(120),
        lingerTimeout: Duration = .seconds(2)
    ) {
        self.maxHeaderBytes = maxHeaderBytes
        self.maxHeaderCount = maxHeaderCount
        self.maxBodyBytes = maxBodyBytes
        self.maxBufferedRequestBytes = maxBufferedRequestBytes
        self.maxConnections = maxConnections
        self.readTimeout = readTimeout
        self.idleTimeout = idleTimeout
        self.lingerTimeout = lingerTimeout
    }
}
