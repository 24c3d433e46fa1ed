/// One request to the Kubernetes API, as the audit sends it. The transport (TLS, credentials, the server's
/// address) is the requester's business.
public struct APIRequest: Sendable, Hashable {
    public var method: String
    /// Path and query, such as `/api/v1/pods?limit=500`.
    public var path: String
    /// A JSON body for writes.
    public var body: [UInt8]?

    public init(method: String, path: String, body: [UInt8]? = nil) {
        self.method = method
        self.path = path
        self.body = body
    }
}

/// The answer to an `APIRequest`: the status code and the body, whatever the status.
public struct APIResponse: Sendable, Hashable {
    public var status: Int
    public var body: [UInt8]

    public init(status: Int, body: [UInt8]) {
        self.status = status
        self.body = body
    }
}

/// Sends requests to one Kubernetes API server. Errors it throws describe why no answer came (unreachable,
/// certificate not trusted, credentials unavailable); an answer with any status is returned.
public protocol APIRequester: Sendable {
    func send(_ request: APIRequest) throws -> APIResponse
}

/// Lists a collection page by page, so that no caller needs a whole cluster's objects in memory at once.
public protocol ObjectLister: Sendable {
    /// Calls `page` with each page of `resource`'s objects, in the server's order, each object typed with
    /// the resource's apiVersion and kind. `namespace` nil lists every namespace.
    func list(_ resource: APIResource, namespace: String?, page: ([KubeObject]) throws -> Void) throws
}
