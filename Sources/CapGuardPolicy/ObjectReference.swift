import CapGuardJSON

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

    /// Kind, namespace and name come from the request or the manifest: they are escaped and cut as
    /// `TextSafety.escaped` does, so that a name cannot forge a line or hide what follows it.
    public var description: String {
        let name = (self.name?.isEmpty == false) ? TextSafety.escaped(self.name!) : "(unnamed)"
        let kind = TextSafety.escaped(kind)
        if let namespace, !namespace.isEmpty { return "\(kind) \(TextSafety.escaped(namespace))/\(name)" }
        return "\(kind) \(name)"
    }
}
