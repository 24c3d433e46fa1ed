/// A keyed container over a mapping node's pairs. Keys are matched by their text; when a key is
/// written twice the last one wins, as in Kubernetes.
struct MappingContainer<Key: CodingKey>: KeyedDecodingContainerProtocol {
    /// Most mappings in manifests are small enough that scanning beats hashing every key.
    private static var indexThreshold: Int { 16 }

    private let path: CodingPath
    private let pairs: [YAMLNode.Pair]
    private let mark: YAMLMark
    private let lastIndexByKey: [String: Int]?

    init(pairs: [YAMLNode.Pair], mark: YAMLMark, path: CodingPath) {
        self.pairs = pairs
        self.mark = mark
        self.path = path
        guard pairs.count > Self.indexThreshold else {
            lastIndexByKey = nil
            return
        }
        var lastIndexByKey: [String: Int] = [:]
        lastIndexByKey.reserveCapacity(pairs.count)
        for (index, pair) in pairs.enumerated() {
            if let key = pair.key.scalar?.value { lastIndexByKey[key] = index }
        }
        self.lastIndexByKey = lastIndexByKey
    }

    var codingPath: [any CodingKey] { path.keys }

    var allKeys: [Key] {
        pairs.indices.compactMap { index in
            guard let text = pairs[index].key.scalar?.value, lastIndex(of: text) == index else { return nil }
            return Key(stringValue: text)
        }
    }

    func contains(_ key: Key) -> Bool { lastIndex(of: key.stringValue) != nil }

    func decodeNil(forKey key: Key) throws -> Bool { try value(for: key).decodeNil() }
    func decode(_ type: Bool.Type, forKey key: Key) throws -> Bool { try value(for: key).decode(type) }
    func decode(_ type: String.Type, forKey key: Key) throws -> String { try value(for: key).decode(type) }
    func decode(_ type: Double.Type, forKey key: Key) throws -> Double { try value(for: key).decode(type) }
    func decode(_ type: Float.Type, forKey key: Key) throws -> Float { try value(for: key).decode(type) }
    func decode(_ type: Int.Type, forKey key: Key) throws -> Int { try value(for: key).decode(type) }
    func decode(_ type: Int8.Type, forKey key: Key) throws -> Int8 { try value(for: key).decode(type) }
    func decode(_ type: Int16.Type, forKey key: Key) throws -> Int16 { try value(for: key).decode(type) }
    func decode(_ type: Int32.Type, forKey key: Key) throws -> Int32 { try value(for: key).decode(type) }
    func decode(_ type: Int64.Type, forKey key: Key) throws -> Int64 { try value(for: key).decode(type) }
    func decode(_ type: UInt.Type, forKey key: Key) throws -> UInt { try value(for: key).decode(type) }
    func decode(_ type: UInt8.Type, forKey key: Key) throws -> UInt8 { try value(for: key).decode(type) }
    func decode(_ type: UInt16.Type, forKey key: Key) throws -> UInt16 { try value(for: key).decode(type) }
    func decode(_ type: UInt32.Type, forKey key: Key) throws -> UInt32 { try value(for: key).decode(type) }
    func decode(_ type: UInt64.Type, forKey key: Key) throws -> UInt64 { try value(for: key).decode(type) }
    func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T { try value(for: key).decode(type) }

    func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type,
                                               forKey key: Key) throws -> KeyedDecodingContainer<NestedKey> {
        try value(for: key).container(keyedBy: type)
    }

    func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
        try value(for: key).unkeyedContainer()
    }

    func superDecoder() throws -> any Decoder {
        try value(for: SuperKey(), pathKey: SuperKey())
    }

    func superDecoder(forKey key: Key) throws -> any Decoder {
        try value(for: key)
    }

    private func value(for key: Key) throws -> NodeDecoder {
        try value(for: key, pathKey: key)
    }

    private func value(for key: some CodingKey, pathKey: any CodingKey) throws -> NodeDecoder {
        guard let index = lastIndex(of: key.stringValue) else {
            throw DecodingError.keyNotFound(key, DecodingError.Context(
                codingPath: codingPath,
                debugDescription: "no value for key \"\(key.stringValue)\" in the mapping at \(mark)"))
        }
        return NodeDecoder(node: pairs[index].value, parentPath: path, key: pathKey)
    }

    private func lastIndex(of key: String) -> Int? {
        if let lastIndexByKey { return lastIndexByKey[key] }
        return pairs.lastIndex { $0.key.scalar?.value == key }
    }
}

/// The key Swift's `superDecoder()` uses by convention.
private struct SuperKey: CodingKey {
    var stringValue: String { "super" }
    var intValue: Int? { nil }
    init() {}
    init?(stringValue: String) { nil }
    init?(intValue: Int) { nil }
}
