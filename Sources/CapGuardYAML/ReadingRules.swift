/// What the reader refuses beyond YAML's own rules.
///
/// Manifests are read as kubectl reads them (sigs.k8s.io/yaml over go-yaml v2, then JSON), and where
/// capguard cannot be sure to read a construct the same way it refuses the file instead of guessing:
/// a key that go-yaml would not read as a string (kubectl turns `1`, `yes` and `~` into the JSON keys
/// "1", "true" and "null", and which of two colliding keys wins is left to Go's map order), and tags
/// other than those that only say what the node already is (`!!str`, `!!map`, `!!seq`) or that kubectl
/// decodes the same way as capguard (`!!binary`, `!!merge`).
struct ReadingRules: Sendable {
    enum NodeKind: Sendable {
        case scalar, sequence, mapping
    }

    /// Refuse what kubectl may read differently.
    let refusesAmbiguousConstructs: Bool

    static let yaml = ReadingRules(refusesAmbiguousConstructs: false)
    static let kubectl = ReadingRules(refusesAmbiguousConstructs: true)

    func checkTag(_ tag: String?, of kind: NodeKind, at mark: YAMLMark) throws(YAMLError) {
        guard refusesAmbiguousConstructs, let tag else { return }
        switch (kind, tag) {
        // `!!merge` is checked once it is known whether the scalar is a key: only the key `<<` may carry it.
        case (.scalar, CoreTag.str), (.scalar, BinaryScalar.tag), (.scalar, MergeKeys.mergeTag),
             (.mapping, CoreTag.map), (.sequence, CoreTag.seq):
            return
        default:
            throw YAMLError(message: "the tag \(Self.shortForm(tag)) may not be read as kubectl reads it; "
                                + "remove it", mark: mark)
        }
    }

    /// libyaml lets a plain scalar inside `[...]` or `{...}` hold `?` (`{a?b: c}`); the older parser in
    /// go-yaml ends the scalar there and kubectl refuses the file.
    func checkPlainScalar(_ scalar: YAMLScalar, inFlowCollection: Bool, at mark: YAMLMark) throws(YAMLError) {
        guard refusesAmbiguousConstructs, inFlowCollection, scalar.style == .plain,
              scalar.value.utf8.contains(UInt8(ascii: "?")) else { return }
        throw YAMLError(message: "a ? inside a plain scalar in [...] or {...}, which kubectl refuses; quote the scalar",
                        mark: mark)
    }

    /// go-yaml v2 merges only where `<<` itself is written: `*m :` with `m: &m <<` is the plain key "<<"
    /// to kubectl, a merge to libyaml's readers.
    func checkAliasOfMergeKey(at mark: YAMLMark) throws(YAMLError) {
        guard refusesAmbiguousConstructs else { return }
        throw YAMLError(message: "an alias of << used as a key, which kubectl reads as the key \"<<\", not as a merge; "
                            + "write << itself", mark: mark)
    }

    /// A node that is not a key (a value, an item, a document).
    func checkNonKey(_ node: YAMLNode) throws(YAMLError) {
        guard refusesAmbiguousConstructs, node.tag == MergeKeys.mergeTag else { return }
        throw Self.misplacedMergeTag(at: node.mark)
    }

    func checkKey(_ key: YAMLNode) throws(YAMLError) {
        guard refusesAmbiguousConstructs else { return }
        guard let scalar = key.scalar else {
            throw YAMLError(message: "a key that is a sequence or a mapping is not a field name kubectl can send; "
                                + "use a string", mark: key.mark)
        }
        if key.tag == MergeKeys.mergeTag { throw Self.misplacedMergeTag(at: key.mark) }
        guard !key.resolvesToString else { return }
        throw YAMLError(message: "the key \(Self.quoted(scalar.value)) is not a string to kubectl, which turns it into "
                            + "a JSON key of its own spelling; quote it", mark: key.mark)
    }

    private static func misplacedMergeTag(at mark: YAMLMark) -> YAMLError {
        YAMLError(message: "the tag !!merge anywhere but on the key <<, which kubectl reads its own way; remove it", mark: mark)
    }

    /// `!!int` for the core schema's tags, the tag as written otherwise.
    private static func shortForm(_ tag: String) -> String {
        let core = "tag:yaml.org,2002:"
        return tag.hasPrefix(core) ? "!!" + tag.dropFirst(core.count) : tag
    }

    private static func quoted(_ text: String) -> String {
        "\"" + text.unicodeScalars.map { $0.escaped(asASCII: false) }.joined() + "\""
    }
}
