public typealias HTTPHandler = @Sendable (HTTPRequest) -> HTTPResponse

/// Maps method and path to a handler. Paths match exactly; the query string never takes part.
public struct Router: Sendable {
    private var routes: [String: [String: HTTPHandler]] = [:]

    public init() {}

    public mutating func add(_ method: String, _ path: String, _ handler: @escaping HTTPHandler) {
        routes[path, default: [:]][method] = handler
    }

    /// Unknown path: 404. Known path, other method: 405 with Allow. HEAD falls back to the GET handler;
    /// the server leaves the body out.
    public func respond(to request: HTTPRequest) -> HTTPResponse {
        guard let handlers = routes[request.path] else {
            return .status(404)
        }
        if let handler = handlers[request.method] {
            return handler(request)
        }
        if request.method == "HEAD", let handler = handlers["GET"] {
            return handler(request)
        }
        var response = HTTPResponse.status(405)
        response.headers.add("Allow", allowedMethods(handlers).joined(separator: ", "))
        return response
    }

    private func allowedMethods(_ handlers: [String: HTTPHandler]) -> [String] {
        var methods = Set(handlers.keys)
        if methods.contains("GET") {
            methods.insert("HEAD")
        }
        return methods.sorted()
    }
}
