// Decoding of the pod spec's nested objects and lists through the decoder's containers directly.
//
// `decodeIfPresent([String].self, forKey:)` and `decodeIfPresent(SomeType.self, forKey:)` go through the
// standard library's unspecialised generic paths: `Array.init(from:)` and the decoder's generic `unwrap` look up
// generic metadata for every list, object and element, which was a third of decoding a pod spec of many
// containers. Asking the container for the nested container, and each list for its strings by the `String`
// overload, decodes the same values with the same errors and the same coding paths, without those lookups.

extension KeyedDecodingContainer {
    /// The object at `key` read by `read` from its container; nil when the key is absent or null, as
    /// `decodeIfPresent` reads it.
    func decodeObjectIfPresent<NestedKey: CodingKey, Value>(
        _ key: Key, keyedBy: NestedKey.Type, _ read: (KeyedDecodingContainer<NestedKey>) throws -> Value
    ) throws -> Value? {
        guard try contains(key) && !decodeNil(forKey: key) else { return nil }
        return try read(nestedContainer(keyedBy: NestedKey.self, forKey: key))
    }

    /// The list of objects at `key`, each read by `read` from its container; nil when the key is absent or null.
    func decodeObjectsIfPresent<NestedKey: CodingKey, Value>(
        _ key: Key, keyedBy: NestedKey.Type, _ read: (KeyedDecodingContainer<NestedKey>) throws -> Value
    ) throws -> [Value]? {
        guard try contains(key) && !decodeNil(forKey: key) else { return nil }
        var list = try nestedUnkeyedContainer(forKey: key)
        var values: [Value] = []
        if let count = list.count { values.reserveCapacity(count) }
        while !list.isAtEnd { values.append(try read(list.nestedContainer(keyedBy: NestedKey.self))) }
        return values
    }

    /// The list of strings at `key`; nil when the key is absent or null.
    func decodeStringsIfPresent(_ key: Key) throws -> [String]? {
        guard try contains(key) && !decodeNil(forKey: key) else { return nil }
        var list = try nestedUnkeyedContainer(forKey: key)
        var strings: [String] = []
        if let count = list.count { strings.reserveCapacity(count) }
        while !list.isAtEnd { strings.append(try list.decode(String.self)) }
        return strings
    }
}
