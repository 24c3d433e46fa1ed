import CapGuardPolicy
import CapGuardYAML

extension YAMLNode {
    /// The node at `path` below this one, or nil where a key is missing, an index is out of range, or the
    /// node is not the mapping or sequence the path expects.
    public func node(at path: FieldPath) -> YAMLNode? {
        var current = self
        for component in path.components {
            switch component {
            case .key(let key):
                guard let value = current[key] else { return nil }
                current = value
            case .index(let index):
                guard let items = current.sequence, items.indices.contains(index) else { return nil }
                current = items[index]
            }
        }
        return current
    }
}
