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
        case (.scalar, CoreTag.str), (.scalar, BinaryScalar.tag), (.scalar, MergeKeys.mergeTag),
             (.mapping, CoreTag.map), (.sequence, CoreTag.seq):
            return
        default:
            throw YAMLError(message: "the tag \(Self.shortForm(tag)) may not be read as kubectl reads it; "
                                + "remove it", mark: mark)
        }
    }

    func checkKey(_ key: YAMLNode) throws(YAMLError) {
        guard refusesAmbiguousConstructs else { return }
        guard let scalar = key.scalar else {
            throw YAMLError(message: "a key that is a sequence or a mapping is not a field name kubectl can send; "
                                + "use a string", mark: key.mark)
        }
        guard key.tag == nil, scalar.style == .plain else { return }
        let text = scalar.value
        let isString = YAML11Scalars.bool(text) == nil && !key.isNull
            && YAML11Scalars.floatingPoint(text) == nil
        guard !isString else { return }
        throw YAMLError(message: "the key \(Self.quoted(text)) is not a string to kubectl, which turns it into "
                            + "a JSON key of its own spelling; quote it", mark: key.mark)
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
