/// A node of a parsed YAML document: a scalar, a sequence or a mapping, with where and how it was written.
///
/// Aliases are already replaced by copies of the nodes they name, merge keys (`<<`) are already
/// resolved and `!!binary` scalars decoded, so consumers never meet any of them. A copy made for an alias keeps the mark of the anchored
/// node, which is where its content is written, but its extent is the alias itself (`*name`), which is what an edit
/// of that place in the text must replace.
public struct YAMLNode: Sendable, Hashable {
    /// How a mapping or a sequence is written: indented lines, or between brackets (`[a]`, `{a: b}`).
    public enum CollectionStyle: Sendable, Hashable {
        case block, flow
    }

    public struct Pair: Sendable, Hashable {
        public let key: YAMLNode
        public let value: YAMLNode
        /// True for a pair that a merge key (`<<`) brought in: its text is written elsewhere, and may be shared.
        /// Left out of equality, as where a node is written is.
        public let isMerged: Bool

        public init(key: YAMLNode, value: YAMLNode, isMerged: Bool = false) {
            self.key = key
            self.value = value
            self.isMerged = isMerged
        }

        public static func == (lhs: Pair, rhs: Pair) -> Bool { lhs.key == rhs.key && lhs.value == rhs.value }

        public func hash(into hasher: inout Hasher) {
            hasher.combine(key)
            hasher.combine(value)
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
    /// Byte offsets of the node's text in the input as it was handed to the parser (the whole file, before any
    /// decoding), anchor and tag included. A block scalar ends at its last character that is not white space, a
    /// block collection with its last entry, so that neither takes in the line breaks and comments after it.
    public let extent: Range<Int>
    /// Block or flow for a mapping or a sequence; nil for a scalar, whose style is in `scalar`.
    public let collectionStyle: CollectionStyle?
    /// True for the copy that stands where an alias (`*name`) was written.
    public let isAlias: Bool

    public init(_ content: Content, mark: YAMLMark, tag: String? = nil, extent: Range<Int>,
                collectionStyle: CollectionStyle? = nil, isAlias: Bool = false) {
        self.content = content
        self.mark = mark
        self.tag = tag
        self.extent = extent
        self.collectionStyle = collectionStyle
        self.isAlias = isAlias
    }

    /// Nodes are equal when they read the same from the same mark: where and how the text is laid out is left
    /// out, so that an alias's copy equals the node it names.
    public static func == (lhs: YAMLNode, rhs: YAMLNode) -> Bool {
        lhs.content == rhs.content && lhs.mark == rhs.mark && lhs.tag == rhs.tag
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(content)
        hasher.combine(mark)
        hasher.combine(tag)
    }

    /// This node as an alias written at `extent` shows it.
    func aliased(at extent: Range<Int>) -> YAMLNode {
        YAMLNode(content, mark: mark, tag: tag, extent: extent, collectionStyle: collectionStyle, isAlias: true)
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
