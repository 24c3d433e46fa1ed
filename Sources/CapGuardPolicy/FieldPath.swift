/// Where a field is in an object: keys and list indices from the object's root, e.g.
/// `spec.template.spec.containers[0].securityContext.capabilities.drop`.
///
/// One value serves messages (the dotted form kubectl and the API documentation use), patches (the JSON
/// Pointer form) and finding a node again in the document it came from.
public struct FieldPath: Sendable, Hashable, CustomStringConvertible, ExpressibleByArrayLiteral {
    public enum Component: Sendable, Hashable, ExpressibleByStringLiteral, ExpressibleByIntegerLiteral {
        case key(String)
        case index(Int)

        public init(stringLiteral key: String) { self = .key(key) }
        public init(integerLiteral index: Int) { self = .index(index) }
    }

    public var components: [Component]

    public init(_ components: [Component] = []) { self.components = components }

    public init(arrayLiteral components: Component...) { self.components = components }

    // Paths are built and printed for every finding of every review: each of these allocates once, where
    // plain array concatenation and string appending would grow their buffers several times.

    public static func + (lhs: FieldPath, rhs: FieldPath) -> FieldPath {
        var components: [Component] = []
        components.reserveCapacity(lhs.components.count + rhs.components.count)
        components += lhs.components
        components += rhs.components
        return FieldPath(components)
    }

    public func appending(_ component: Component) -> FieldPath {
        var components: [Component] = []
        components.reserveCapacity(self.components.count + 1)
        components += self.components
        components.append(component)
        return FieldPath(components)
    }

    /// The dotted form messages print: keys joined by dots, indices in brackets.
    public var description: String {
        var text = ""
        text.reserveCapacity(components.reduce(0) { length, component in
            switch component {
            case .key(let key): length + key.utf8.count + 1
            case .index: length + 21
            }
        })
        for (position, component) in components.enumerated() {
            switch component {
            case .key(let key): text += position == 0 ? key : "." + key
            case .index(let index): text += "[\(index)]"
            }
        }
        return text
    }

    /// The JSON Pointer form (RFC 6901) that JSON patches address fields with: `/spec/containers/0`, where a
    /// key's `~` is written `~0` and its `/` is written `~1`.
    public var jsonPointer: String {
        components.map { component in
            switch component {
            case .key(let key): "/" + key.replacing("~", with: "~0").replacing("/", with: "~1")
            case .index(let index): "/\(index)"
            }
        }.joined()
    }
}
