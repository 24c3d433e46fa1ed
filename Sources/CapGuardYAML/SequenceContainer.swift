/// An unkeyed container over a sequence node's items.
struct SequenceContainer: UnkeyedDecodingContainer {
    private let path: CodingPath
    private let items: [YAMLNode]
    private let mark: YAMLMark
    private(set) var currentIndex = 0

    init(items: [YAMLNode], mark: YAMLMark, path: CodingPath) {
        self.items = items
        self.mark = mark
        self.path = path
    }

    var codingPath: [any CodingKey] { path.keys }

    var count: Int? { items.count }
    var isAtEnd: Bool { currentIndex >= items.count }

    mutating func decodeNil() throws -> Bool {
        let isNull = try current().decodeNil()
        if isNull { currentIndex += 1 }
        return isNull
    }

    mutating func decode(_ type: Bool.Type) throws -> Bool { try decodeNext { try $0.decode(type) } }
    mutating func decode(_ type: String.Type) throws -> String { try decodeNext { try $0.decode(type) } }
    mutating func decode(_ type: Double.Type) throws -> Double { try decodeNext { try $0.decode(type) } }
    mutating func decode(_ type: Float.Type) throws -> Float { try decodeNext { try $0.decode(type) } }
    mutating func decode(_ type: Int.Type) throws -> Int { try decodeNext { try $0.decode(type) } }
    mutating func decode(_ type: Int8.Type) throws -> Int8 { try decodeNext { try $0.decode(type) } }
    mutating func decode(_ type: Int16.Type) throws -> Int16 { try decodeNext { try $0.decode(type) } }
    mutating func decode(_ type: Int32.Type) throws -> Int32 { try decodeNext { try $0.decode(type) } }
    mutating func decode(_ type: Int64.Type) throws -> Int64 { try decodeNext { try $0.decode(type) } }
    mutating func decode(_ type: UInt.Type) throws -> UInt { try decodeNext { try $0.decode(type) } }
    mutating func decode(_ type: UInt8.Type) throws -> UInt8 { try decodeNext { try $0.decode(type) } }
    mutating func decode(_ type: UInt16.Type) throws -> UInt16 { try decodeNext { try $0.decode(type) } }
    mutating func decode(_ type: UInt32.Type) throws -> UInt32 { try decodeNext { try $0.decode(type) } }
    mutating func decode(_ type: UInt64.Type) throws -> UInt64 { try decodeNext { try $0.decode(type) } }
    mutating func decode<T: Decodable>(_ type: T.Type) throws -> T { try decodeNext { try $0.decode(type) } }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type) throws -> KeyedDecodingContainer<NestedKey> {
        try decodeNext { try $0.container(keyedBy: type) }
    }

    mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer {
        try decodeNext { try $0.unkeyedContainer() }
    }

    mutating func superDecoder() throws -> any Decoder {
        try decodeNext { $0 }
    }

    /// Moves past the current item only once it has decoded, as Foundation's decoders do.
    private mutating func decodeNext<T>(_ decode: (NodeDecoder) throws -> T) throws -> T {
        let value = try decode(current())
        currentIndex += 1
        return value
    }

    private func current() throws -> NodeDecoder {
        guard !isAtEnd else {
            throw DecodingError.valueNotFound(Any.self, DecodingError.Context(
                codingPath: codingPath + [IndexKey(currentIndex)],
                debugDescription: "the sequence at \(mark) has only \(items.count) items"))
        }
        return NodeDecoder(node: items[currentIndex], parentPath: path, key: IndexKey(currentIndex))
    }
}

/// The coding key of an item in a sequence.
struct IndexKey: CodingKey {
    let intValue: Int?
    var stringValue: String { "Index \(intValue ?? 0)" }

    init(_ index: Int) { intValue = index }
    init?(stringValue: String) { nil }
    init?(intValue: Int) { self.intValue = intValue }
}
