/// Requests and containers the policy does not apply to, as the policy file lists them.
public struct Exemptions: Sendable, Hashable {
    public var namespaces: [String]
    public var users: [String]
    public var groups: [String]
    /// Image patterns: `*` matches any run of characters (`registry.k8s.io/kube-proxy:*`).
    public var images: [String]

    public init(namespaces: [String] = [], users: [String] = [], groups: [String] = [], images: [String] = []) {
        self.namespaces = namespaces
        self.users = users
        self.groups = groups
        self.images = images
    }

    public var isEmpty: Bool { namespaces.isEmpty && users.isEmpty && groups.isEmpty && images.isEmpty }

    /// The exemption that covers a whole request, if any. Offline checks have no user or groups.
    public func matching(namespace: String?, user: String?, groups requestGroups: [String]) -> Exemption? {
        if let namespace, namespaces.contains(namespace) { return .namespace(namespace) }
        if let user, users.contains(user) { return .user(user) }
        if let group = requestGroups.first(where: groups.contains) { return .group(group) }
        return nil
    }

    /// The image pattern that covers a container's image, if any.
    public func matching(image: String?) -> Exemption? {
        guard let image, let pattern = images.first(where: { WildcardPattern.matches($0, image) }) else { return nil }
        return .image(pattern)
    }
}

/// Why a request or container was let through without evaluation.
public enum Exemption: Sendable, Hashable, CustomStringConvertible {
    case namespace(String)
    case user(String)
    case group(String)
    case image(String)

    public var description: String {
        switch self {
        case .namespace(let name): "namespace \(name)"
        case .user(let name): "user \(name)"
        case .group(let name): "group \(name)"
        case .image(let pattern): "image \(pattern)"
        }
    }
}

/// Glob matching with `*` as the only wildcard, over Unicode scalars, in linear time.
enum WildcardPattern {
    static func matches(_ pattern: String, _ text: String) -> Bool {
        let p = Array(pattern.unicodeScalars), t = Array(text.unicodeScalars)
        var pi = 0, ti = 0
        var star: Int?, starText = 0
        while ti < t.count {
            if pi < p.count, p[pi] == "*" {
                star = pi
                starText = ti
                pi += 1
            } else if pi < p.count, p[pi] == t[ti] {
                pi += 1
                ti += 1
            } else if let star {
                pi = star + 1
                starText += 1
                ti = starText
            } else {
                return false
            }
        }
        while pi < p.count, p[pi] == "*" { pi += 1 }
        return pi == p.count
    }
}
