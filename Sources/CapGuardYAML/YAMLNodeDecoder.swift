/// Decodes `Decodable` values from a node tree, letting the requested type decide how a scalar reads,
/// as Kubernetes' sigs.k8s.io/yaml does with go-yaml v2 rules:
///
/// - `String` takes any scalar's text; `Bool` and numbers take only plain (or core-tagged) scalars,
///   so `"true"` in quotes is not a boolean;
/// - null-like plain scalars decode as nil, and as an empty mapping or sequence where one is required;
/// - duplicate keys: the last one wins; keys the type does not know are ignored.
///
/// Errors are `DecodingError`s whose descriptions name the node's line and column.
public struct YAMLNodeDecoder {
    public init() {}

    public func decode<T: Decodable>(_ type: T.Type, from node: YAMLNode) throws -> T {
        try NodeDecoder(node: node, parentPath: .root, key: nil).decode(type)
    }
}
