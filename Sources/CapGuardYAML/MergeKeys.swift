/// YAML merge keys (`<<: *defaults`, or `<<: [*a, *b]`), resolved as go-yaml v2 does, because that is
/// what kubectl (through sigs.k8s.io/yaml) applies: the keys of a mapping are set in the order they are
/// written, a merge key setting the merged keys at its own place. So a key written after `<<` overrides
/// the merged one and a key written before it is overridden; in a sequence of mappings the earlier
/// mapping wins.
enum MergeKeys {
    static let mergeTag = "tag:yaml.org,2002:merge"
    static let notMergeableMessage = "a merge key (<<) takes a mapping, an alias of a mapping, or a sequence of those"

    static func isMergeKey(_ key: YAMLNode) -> Bool {
        guard let scalar = key.scalar, scalar.value == "<<" else { return false }
        return key.tag == mergeTag || (key.tag == nil && scalar.style == .plain)
    }

    /// The pairs with each merge key replaced by the merged pairs, keeping for each key only the pair whose
    /// value the mapping ends up with, except duplicates among the explicit keys, which stay (the last one
    /// wins for every reader) so that callers can report them. Only scalar keys are compared.
    static func resolve(_ pairs: [YAMLNode.Pair]) throws(YAMLError) -> [YAMLNode.Pair] {
        var lastExplicitIndex: [String: Int] = [:]
        for (index, pair) in pairs.enumerated() where !isMergeKey(pair.key) {
            if let key = pair.key.scalar?.value { lastExplicitIndex[key] = index }
        }
        // Overridden pairs become nil, so that overriding costs the same however large the mapping.
        var resolved: [YAMLNode.Pair?] = []
        resolved.reserveCapacity(pairs.count)
        var current: [String: (slot: Int, isMerged: Bool)] = [:]
        for (index, pair) in pairs.enumerated() {
            guard isMergeKey(pair.key) else {
                if let key = pair.key.scalar?.value {
                    if let previous = current[key], previous.isMerged { resolved[previous.slot] = nil }
                    current[key] = (resolved.count, false)
                }
                resolved.append(pair)
                continue
            }
            for source in try sources(of: pair.value, mergeKey: pair.key).reversed() {
                for merged in source {
                    let merged = YAMLNode.Pair(key: merged.key, value: merged.value, isMerged: true)
                    guard let key = merged.key.scalar?.value else {
                        resolved.append(merged)
                        continue
                    }
                    if let explicit = lastExplicitIndex[key], explicit > index { continue }
                    if let previous = current[key] { resolved[previous.slot] = nil }
                    current[key] = (resolved.count, true)
                    resolved.append(merged)
                }
            }
        }
        return resolved.compactMap { $0 }
    }

    /// The error points at the merge key: the value may be an alias whose copy carries the anchor's mark.
    private static func sources(of value: YAMLNode, mergeKey: YAMLNode) throws(YAMLError) -> [[YAMLNode.Pair]] {
        if let pairs = value.mapping { return [pairs] }
        let notMergeable = YAMLError(message: notMergeableMessage, mark: mergeKey.mark)
        guard let items = value.sequence else { throw notMergeable }
        var sources: [[YAMLNode.Pair]] = []
        for item in items {
            guard let pairs = item.mapping else { throw notMergeable }
            sources.append(pairs)
        }
        return sources
    }
}
