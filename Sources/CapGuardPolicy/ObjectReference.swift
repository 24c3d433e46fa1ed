/// The Kubernetes object a finding belongs to, as messages name it: `Deployment default/web`.
public struct ObjectReference: Sendable, Hashable, CustomStringConvertible {
    public var kind: String
    public var namespace: String?
    public var name: String?

    public init(kind: String, namespace: String? = nil, name: String? = nil) {
        self.kind = kind
        self.namespace = namespace
        self.name = name
    }

    public var description: String {
        let name = (self.name?.isEmpty == false) ? self.name! : "(unnamed)"
        if let namespace, !namespace.isEmpty { return "\(kind) \(namespace)/\(name)" }
        return "\(kind) \(name)"
    }
}
