/// The decoder for one node, which is also its single-value container.
struct NodeDecoder: Decoder, SingleValueDecodingContainer {
    let node: YAMLNode
    private let parentPath: CodingPath
    private let key: (any CodingKey)?

    /// The path is kept as parent path plus key so that decoding a scalar allocates no path at all.
    init(node: YAMLNode, parentPath: CodingPath, key: (any CodingKey)?) {
        self.node = node
        self.parentPath = parentPath
        self.key = key
    }

    var codingPath: [any CodingKey] { parentPath.appending(key).keys }

    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        guard let pairs = node.mapping ?? (isNullValue ? [] : nil) else {
            throw mismatch([String: Any].self, expected: "a mapping")
        }
        return KeyedDecodingContainer(MappingContainer<Key>(pairs: pairs, mark: node.mark, path: parentPath.appending(key)))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        guard let items = node.sequence ?? (isNullValue ? [] : nil) else {
            throw mismatch([Any].self, expected: "a sequence")
        }
        return SequenceContainer(items: items, mark: node.mark, path: parentPath.appending(key))
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer { self }

    func decodeNil() -> Bool { isNullValue }

    func decode(_ type: String.Type) throws -> String {
        guard let scalar = node.scalar else { throw mismatch(type, expected: "a string") }
        return scalar.value
    }

    func decode(_ type: Bool.Type) throws -> Bool {
        guard let text = resolvableText, let value = YAML11Scalars.bool(text) else {
            throw mismatch(type, expected: "a boolean")
        }
        return value
    }

    func decode(_ type: Double.Type) throws -> Double {
        guard let text = resolvableText, let value = YAML11Scalars.floatingPoint(text) else {
            throw mismatch(type, expected: "a number")
        }
        // A decimal beyond Double's range reads as infinity; only `.inf` may mean it.
        guard !value.isInfinite || text.lowercased().hasSuffix(".inf") else {
            throw outOfRange(expected: "a number that fits a Double")
        }
        return value
    }

    func decode(_ type: Float.Type) throws -> Float {
        let value = try decode(Double.self)
        let narrowed = Float(value)
        guard narrowed.isFinite || !value.isFinite else {
            throw outOfRange(expected: "a number that fits a Float")
        }
        return narrowed
    }

    func decode(_ type: Int.Type) throws -> Int { try decodeInteger(type) }
    func decode(_ type: Int8.Type) throws -> Int8 { try decodeInteger(type) }
    func decode(_ type: Int16.Type) throws -> Int16 { try decodeInteger(type) }
    func decode(_ type: Int32.Type) throws -> Int32 { try decodeInteger(type) }
    func decode(_ type: Int64.Type) throws -> Int64 { try decodeInteger(type) }
    func decode(_ type: UInt.Type) throws -> UInt { try decodeInteger(type) }
    func decode(_ type: UInt8.Type) throws -> UInt8 { try decodeInteger(type) }
    func decode(_ type: UInt16.Type) throws -> UInt16 { try decodeInteger(type) }
    func decode(_ type: UInt32.Type) throws -> UInt32 { try decodeInteger(type) }
    func decode(_ type: UInt64.Type) throws -> UInt64 { try decodeInteger(type) }

    func decode<T: Decodable>(_ type: T.Type) throws -> T {
        try T(from: self)
    }

    private func decodeInteger<Integer: FixedWidthInteger>(_ type: Integer.Type) throws -> Integer {
        guard let text = resolvableText else { throw mismatch(type, expected: "an integer") }
        switch YAML11Scalars.integer(text, as: type) {
        case .value(let value): return value
        case .outOfRange: throw outOfRange(expected: "an integer between \(Integer.min) and \(Integer.max)")
        case .notAnInteger: throw mismatch(type, expected: "an integer")
        }
    }

    /// A scalar's text when YAML lets it be something other than a string: plain and untagged,
    /// or tagged explicitly with a core non-string type such as `!!int "3"`.
    private var resolvableText: String? {
        guard let scalar = node.scalar else { return nil }
        switch node.tag {
        case nil: return scalar.style == .plain ? scalar.value : nil
        case CoreTag.bool, CoreTag.int, CoreTag.float, CoreTag.null: return scalar.value
        default: return nil
        }
    }

    private var isNullValue: Bool {
        node.isNull || (node.tag == CoreTag.null && node.scalar != nil)
    }

    private func mismatch(_ type: Any.Type, expected: String) -> DecodingError {
        let context = DecodingError.Context(codingPath: codingPath,
                                            debugDescription: "expected \(expected) at \(node.mark), found \(foundDescription)")
        return isNullValue ? .valueNotFound(type, context) : .typeMismatch(type, context)
    }

    private func outOfRange(expected: String) -> DecodingError {
        .dataCorrupted(DecodingError.Context(codingPath: codingPath,
                                             debugDescription: "expected \(expected) at \(node.mark), found \(foundDescription)"))
    }

    private var foundDescription: String {
        switch node.content {
        case .sequence: return "a sequence"
        case .mapping: return "a mapping"
        case .scalar(let scalar):
            if isNullValue { return scalar.value.isEmpty ? "nothing" : "null" }
            let maximumLength = 60
            let text = scalar.value.count > maximumLength ? scalar.value.prefix(maximumLength) + "…" : scalar.value
            let quoted = "\"" + text.unicodeScalars.map { $0.escaped(asASCII: false) }.joined() + "\""
            return resolvableText == nil ? quoted + " (a string)" : quoted
        }
    }
}

/// The YAML core schema tags: those that let a quoted scalar stand for something other than a string,
/// and those that only confirm what a node is.
enum CoreTag {
    static let str = "tag:yaml.org,2002:str"
    static let map = "tag:yaml.org,2002:map"
    static let seq = "tag:yaml.org,2002:seq"
    static let bool = "tag:yaml.org,2002:bool"
    static let int = "tag:yaml.org,2002:int"
    static let float = "tag:yaml.org,2002:float"
    static let null = "tag:yaml.org,2002:null"
}
