/// YAML merge keys (`<<: *defaults`, or `<<: [*a, *b]`), resolved as go-yaml v3 does: keys written
/// in the mapping itself win, and among merged mappings the earlier one wins.
enum MergeKeys {
    static let mergeTag = "tag:yaml.org,2002:merge"

    static func isMergeKey(_ key: YAMLNode) -> Bool {
        guard let scalar = key.scalar, scalar.value == "<<" else { return false }
        return key.tag == mergeTag || (key.tag == nil && scalar.style == .plain)
    }

    /// The pairs with each merge key replaced, in place, by the merged pairs not already present.
    /// Duplicates among the explicit keys are kept; only scalar keys are compared.
    static func resolve(_ pairs: [YAMLNode.Pair]) throws(YAMLError) -> [YAMLNode.Pair] {
        var present = Set<String>()
        for pair in pairs where !isMergeKey(pair.key) {
            if let key = pair.key.scalar?.value { present.insert(key) }
        }
        var resolved: [YAMLNode.Pair] = []
        resolved.reserveCapacity(pairs.count)
        for pair in pairs {
            guard isMergeKey(pair.key) else {
                resolved.append(pair)
                continue
            }
            for source in try sources(of: pair.value, mergeKey: pair.key) {
                for merged in source {
                    if let key = merged.key.scalar?.value, !present.insert(key).inserted { continue }
                    resolved.append(merged)
                }
            }
        }
        return resolved
    }

    /// The error points at the merge key: the value may be an alias whose copy carries the anchor's mark.
    private static func sources(of value: YAMLNode, mergeKey: YAMLNode) throws(YAMLError) -> [[YAMLNode.Pair]] {
        if let pairs = value.mapping { return [pairs] }
        let notMergeable = YAMLError(message: "a merge key (<<) takes a mapping or a sequence of mappings",
                                     mark: mergeKey.mark)
        guard let items = value.sequence else { throw notMergeable }
        var sources: [[YAMLNode.Pair]] = []
        for item in items {
            guard let pairs = item.mapping else { throw notMergeable }
            sources.append(pairs)
        }
        return sources
    }
}
