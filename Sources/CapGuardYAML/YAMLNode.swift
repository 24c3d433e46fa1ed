/// A node of a parsed YAML document: a scalar, a sequence or a mapping, with where it was written.
///
/// Aliases are already replaced by copies of the nodes they name, merge keys (`<<`) are already
/// resolved and `!!binary` scalars decoded, so consumers never meet any of them. A copy made for an alias keeps the mark of the anchored
/// node, which is where its text actually is.
public struct YAMLNode: Sendable, Hashable {
    public struct Pair: Sendable, Hashable {
        public let key: YAMLNode
        public let value: YAMLNode

        public init(key: YAMLNode, value: YAMLNode) {
            self.key = key
            self.value = value
        }
    }

    public enum Content: Sendable, Hashable {
        case scalar(YAMLScalar)
        case sequence([YAMLNode])
        case mapping([Pair])
    }

    public let content: Content
    /// Where the node starts.
    public let mark: YAMLMark
    /// The explicit tag in its resolved form, such as `tag:yaml.org,2002:str` for `!!str`; nil if none was written.
    public let tag: String?

    public init(_ content: Content, mark: YAMLMark, tag: String? = nil) {
        self.content = content
        self.mark = mark
        self.tag = tag
    }

    public var scalar: YAMLScalar? {
        if case .scalar(let scalar) = content { return scalar }
        return nil
    }

    public var sequence: [YAMLNode]? {
        if case .sequence(let items) = content { return items }
        return nil
    }

    /// The pairs in document order. Duplicate keys are kept so that callers can report them.
    public var mapping: [Pair]? {
        if case .mapping(let pairs) = content { return pairs }
        return nil
    }

    /// The value of the last pair whose key is a scalar with this text: the one Kubernetes keeps.
    public subscript(key: String) -> YAMLNode? {
        mapping?.last { $0.key.scalar?.value == key }?.value
    }

    /// True for a scalar that go-yaml v2 reads as a string, and so kubectl sends as a JSON string: quoted,
    /// tagged `!!str` (or decoded from `!!binary`), or plain but neither a boolean, a number nor null as
    /// YAML 1.1 reads them (`yes`, `0x1F` and `~` are not strings).
    public var resolvesToString: Bool {
        guard let scalar else { return false }
        if tag == CoreTag.str { return true }
        guard tag == nil else { return false }
        guard scalar.style == .plain else { return true }
        return YAML11Scalars.isString(scalar.value)
    }

    /// True for an untagged plain scalar that YAML reads as null: empty, `~`, `null`, `Null` or `NULL`.
    public var isNull: Bool {
        guard tag == nil, let scalar, scalar.style == .plain else { return false }
        switch scalar.value {
        case "", "~", "null", "Null", "NULL": return true
        default: return false
        }
    }
}
