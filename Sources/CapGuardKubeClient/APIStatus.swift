/// The `Status` object the API server answers failures with.
public struct APIStatus: Decodable, Sendable, Equatable {
    public struct Details: Decodable, Sendable, Equatable {
        public var name: String?
        public var group: String?
        /// For RBAC refusals, the resource (`deployments`), not the kind.
        public var kind: String?
    }

    public var message: String?
    /// `Unauthorized`, `Forbidden`, `NotFound`, `Expired`, ...
    public var reason: String?
    public var details: Details?
    public var code: Int?
}
