/// A complete HTTP request as handlers see it: the body is fully received and de-chunked.
public struct HTTPRequest: Sendable {
    /// The method exactly as sent, e.g. "POST".
    public let method: String
    /// The path with the query string removed, not percent-decoded.
    public let path: String
    /// Query parameters, percent-decoded; for a repeated name the last value wins.
    public let query: [String: String]
    public let headers: HTTPHeaders
    public let body: [UInt8]
    public let remoteAddress: String

    public init(
        method: String,
        path: String,
        query: [String: String] = [:],
        headers: HTTPHeaders = HTTPHeaders(),
        body: [UInt8] = [],
        remoteAddress: String = ""
    ) {
        self.method = method
        self.path = path
        self.query = query
        self.headers = headers
        self.body = body
        self.remoteAddress = remoteAddress
    }
}
