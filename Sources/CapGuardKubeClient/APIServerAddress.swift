/// Where an API server listens: `https://host:port` with an optional path prefix (some proxies serve a
/// cluster's API under one). IPv6 addresses are written in brackets in URLs and held without them.
public struct APIServerAddress: Sendable, Hashable, CustomStringConvertible {
    /// A DNS name or an IP address, without brackets.
    public var host: String
    public var port: Int
    /// Put before every request's path; empty or starting with `/`, never ending with one.
    public var pathPrefix: String

    public init(host: String, port: Int, pathPrefix: String = "") {
        self.host = host
        self.port = port
        self.pathPrefix = pathPrefix
    }

    /// Reads a kubeconfig's `server`: `https://` only (capguard never sends a token in clear), port 443 by
    /// default.
    public init(url: String) throws(KubeConfigurationError) {
        let invalid = KubeConfigurationError("server \"\(url)\" is not an https:// URL such as https://203.0.113.10:6443")
        guard url.lowercased().hasPrefix("https://") else { throw invalid }
        var rest = Substring(url.dropFirst("https://".count))
        var pathPrefix = ""
        if let slash = rest.firstIndex(of: "/") {
            pathPrefix = String(rest[slash...])
            rest = rest[..<slash]
            while pathPrefix.hasSuffix("/") { pathPrefix.removeLast() }
        }
        var host: Substring
        var portText: Substring?
        if rest.hasPrefix("[") {
            guard let close = rest.firstIndex(of: "]") else { throw invalid }
            host = rest[rest.index(after: rest.startIndex) ..< close]
            let after = rest[rest.index(after: close)...]
            if !after.isEmpty {
                guard after.hasPrefix(":") else { throw invalid }
                portText = after.dropFirst()
            }
        } else if let colon = rest.lastIndex(of: ":") {
            host = rest[..<colon]
            portText = rest[rest.index(after: colon)...]
        } else {
            host = rest
        }
        guard !host.isEmpty, !host.contains("@") else { throw invalid }
        var port = 443
        if let portText {
            guard let number = Int(portText), (1 ... 65535).contains(number) else { throw invalid }
            port = number
        }
        self.init(host: String(host), port: port, pathPrefix: pathPrefix)
    }

    /// Whether `host` is an IPv4 or IPv6 address rather than a name.
    public var hostIsAddress: Bool {
        host.contains(":") || (host.split(separator: ".").count == 4 && host.allSatisfy { $0.isNumber || $0 == "." })
    }

    /// The host as a URL or a Host header writes it.
    public var authority: String {
        let host = host.contains(":") ? "[\(host)]" : host
        return port == 443 ? host : "\(host):\(port)"
    }

    public var description: String { "https://\(authority)\(pathPrefix)" }
}
