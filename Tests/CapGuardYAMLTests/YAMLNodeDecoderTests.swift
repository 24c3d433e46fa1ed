import Testing
import CapGuardYAML

private func decode<T: Decodable>(_ type: T.Type, _ text: String) throws -> T {
    try YAMLNodeDecoder().decode(type, from: try parseRoot(text))
}

/// The DecodingError that decoding must throw, as its case name, context and path.
private func decodingFailure<T: Decodable>(_ type: T.Type, _ text: String,
                                           sourceLocation: SourceLocation = #_sourceLocation) throws -> (kind: String, message: String, path: [String]) {
    let root = try parseRoot(text)
    let error = try #require(throws: DecodingError.self, sourceLocation: sourceLocation) {
        try YAMLNodeDecoder().decode(type, from: root)
    }
    let (kind, context): (String, DecodingError.Context)
    switch error {
    case .typeMismatch(_, let c): (kind, context) = ("typeMismatch", c)
    case .valueNotFound(_, let c): (kind, context) = ("valueNotFound", c)
    case .keyNotFound(_, let c): (kind, context) = ("keyNotFound", c)
    case .dataCorrupted(let c): (kind, context) = ("dataCorrupted", c)
    @unknown default: Issue.record("unexpected \(error)"); (kind, context) = ("", .init(codingPath: [], debugDescription: ""))
    }
    return (kind, context.debugDescription, context.codingPath.map(\.stringValue))
}

@Suite struct YAMLNodeDecoderTests {
    struct Everything: Decodable, Equatable {
        struct Nested: Decodable, Equatable {
            var name: String
            var enabled: Bool?
        }

        var string: String
        var bool: Bool
        var int: Int
        var int8: Int8
        var int16: Int16
        var int32: Int32
        var int64: Int64
        var uint: UInt
        var uint8: UInt8
        var uint16: UInt16
        var uint32: UInt32
        var uint64: UInt64
        var double: Double
        var float: Float
        var list: [String]
        var nested: Nested
        var nestedList: [Nested]
        var map: [String: Int]
        var optional: String?
        var missing: Int?
    }

    @Test func decodesEveryType() throws {
        let value = try decode(Everything.self, """
            string: hello
            bool: true
            int: -42
            int8: -128
            int16: 32767
            int32: 0x7fffffff
            int64: -9223372036854775808
            uint: 18446744073709551615
            uint8: 255
            uint16: 0o17
            uint32: 0644
            uint64: 1_000_000
            double: 2.5e3
            float: -.5
            list: [a, 'b', "c"]
            nested: {name: inner}
            nestedList:
              - name: one
                enabled: yes
              - {name: two, enabled: false}
            map: {x: 1, y: 2}
            optional: here
            ignored: [whatever, {deep: true}]
            """)
        #expect(value == Everything(
            string: "hello", bool: true, int: -42, int8: -128, int16: 32767, int32: 0x7FFF_FFFF,
            int64: .min, uint: .max, uint8: 255, uint16: 15, uint32: 420, uint64: 1_000_000,
            double: 2500, float: -0.5, list: ["a", "b", "c"], nested: .init(name: "inner"),
            nestedList: [.init(name: "one", enabled: true), .init(name: "two", enabled: false)],
            map: ["x": 1, "y": 2], optional: "here", missing: nil))
    }

    @Test(arguments: [
        ("true", true), ("True", true), ("TRUE", true), ("yes", true), ("Yes", true), ("on", true), ("ON", true), ("y", true),
        ("false", false), ("False", false), ("FALSE", false), ("no", false), ("NO", false), ("off", false), ("Off", false), ("n", false),
        ("!!bool 'true'", true),
    ])
    func booleansFollowYAML11(text: String, expected: Bool) throws {
        #expect(try decode([String: Bool].self, "v: \(text)")["v"] == expected)
    }

    @Test(arguments: ["'true'", "\"yes\"", "maybe", "1", "!!str true", "tRUE"])
    func otherScalarsAreNotBooleans(text: String) throws {
        let failure = try decodingFailure([String: Bool].self, "v: \(text)")
        #expect(failure.kind == "typeMismatch")
        #expect(failure.message.hasPrefix("expected a boolean at line 1, column 4, found "))
        #expect(failure.path == ["v"])
    }

    @Test(arguments: [
        ("0", 0), ("42", 42), ("-17", -17), ("+5", 5), ("0x1F", 31), ("0X1f", 31), ("-0x10", -16),
        ("0o17", 15), ("017", 15), ("0755", 493), ("08", 8), ("0b101", 5), ("1_000", 1000), ("!!int \"7\"", 7),
    ])
    func integersFollowGoYAMLv2(text: String, expected: Int) throws {
        #expect(try decode([Int].self, "[\(text)]") == [expected])
    }

    @Test(arguments: ["1.5", "'3'", "0x", "-", "abc", "1e3", "0b2", "09a", "_1", "!!str 3", "[3]"])
    func otherNodesAreNotIntegers(text: String) throws {
        let failure = try decodingFailure([Int].self, "[\(text)]")
        #expect(failure.kind == "typeMismatch")
        #expect(failure.message.hasPrefix("expected an integer at line 1, column 2, found "))
        #expect(failure.path == ["Index 0"])
    }

    @Test func integerRangesAreChecked() throws {
        #expect(try decode([Int8].self, "[-128, 127]") == [-128, 127])
        #expect(try decode([UInt64].self, "[18446744073709551615, -0]") == [.max, 0])

        for (type, text) in [(Int8.self as any Decodable.Type, "128"), (Int8.self, "-129"), (UInt8.self, "-1"),
                             (UInt16.self, "65536"), (Int64.self, "9223372036854775808"), (UInt64.self, "18446744073709551616")] {
            func check<T: Decodable>(_ type: T.Type) throws {
                let failure = try decodingFailure([String: T].self, "v: \(text)")
                #expect(failure.kind == "dataCorrupted", "\(type) \(text)")
                #expect(failure.message.hasPrefix("expected an integer between"), "\(type) \(text)")
                #expect(failure.path == ["v"])
            }
            try check(type)
        }
        let failure = try decodingFailure([String: Int8].self, "v: 300")
        #expect(failure.message == #"expected an integer between -128 and 127 at line 1, column 4, found "300""#)
    }

    @Test(arguments: [
        ("1.5", 1.5), ("-.5", -0.5), ("+.5", 0.5), ("1.", 1), ("6e3", 6000), ("6E-1", 0.6), ("1_000.5", 1000.5),
        ("7", 7), ("0x10", 16), (".inf", .infinity), ("-.Inf", -.infinity), ("+.INF", .infinity),
    ])
    func numbersAsDouble(text: String, expected: Double) throws {
        #expect(try decode([Double].self, "[\(text)]") == [expected])
    }

    @Test func notANumber() throws {
        #expect(try decode([Double].self, "[.nan]").first?.isNaN == true)
        #expect(try decode([Float].self, "[.NaN]").first?.isNaN == true)
    }

    @Test(arguments: ["'1.5'", "1.5.5", "e3", ".", "1e", "inf", "!!str 1"])
    func otherScalarsAreNotNumbers(text: String) throws {
        let failure = try decodingFailure([Double].self, "[\(text)]")
        #expect(failure.kind == "typeMismatch")
        #expect(failure.message.hasPrefix("expected a number at line 1, column 2, found "))
    }

    @Test func numbersBeyondTheirTypeAreRefused() throws {
        #expect(try decodingFailure([Double].self, "[1e999]").kind == "dataCorrupted")
        let failure = try decodingFailure([Float].self, "[1e39]")
        #expect(failure.kind == "dataCorrupted")
        #expect(failure.message == #"expected a number that fits a Float at line 1, column 2, found "1e39""#)
        #expect(try decode([Float].self, "[3.25]") == [3.25])
    }

    @Test(arguments: [
        ("yes", "yes"), ("123", "123"), ("'quoted'", "quoted"), ("~", "~"), ("null", "null"),
        ("0x1F", "0x1F"), ("!!int 3", "3"), ("|\n  block\n", "block\n"),
    ])
    func stringsTakeAnyScalarsText(text: String, expected: String) throws {
        #expect(try decode([String: String].self, "v: \(text)")["v"] == expected)
    }

    @Test(arguments: ["[a]", "{a: b}"])
    func collectionsAreNotStrings(text: String) throws {
        let failure = try decodingFailure([String: String].self, "v: \(text)")
        #expect(failure.kind == "typeMismatch")
        #expect(failure.message.hasPrefix("expected a string at line 1, column 4, found a "))
    }

    struct Optionals: Decodable, Equatable {
        var name: String?
        var count: Int?
        var tags: [String]?
        var labels: [String: String]?
    }

    @Test(arguments: [
        "{}", "name:\ncount: ~\ntags: null\nlabels: NULL\n", "name: !!null ''\n", "other: 1\n",
    ])
    func nullAndMissingDecodeAsNil(text: String) throws {
        #expect(try decode(Optionals.self, text) == Optionals())
    }

    @Test func quotedNullIsAString() throws {
        #expect(try decode(Optionals.self, "name: 'null'\n").name == "null")
    }

    struct Required: Decodable, Equatable {
        var items: [String]
        var options: Optionals
    }

    @Test func nullStandsForAnEmptyCollectionWhereOneIsRequired() throws {
        #expect(try decode(Required.self, "items:\noptions: ~\n") == Required(items: [], options: Optionals()))
    }

    @Test func nullIsNotAValue() throws {
        let failure = try decodingFailure([String: Int].self, "v: ~")
        #expect(failure.kind == "valueNotFound")
        #expect(failure.message == "expected an integer at line 1, column 4, found null")
        let empty = try decodingFailure([String: Bool].self, "v:")
        #expect(empty.message == "expected a boolean at line 1, column 3, found nothing")
    }

    @Test func lastDuplicateKeyWins() throws {
        #expect(try decode([String: Int].self, "a: 1\nb: 2\na: 3\n") == ["a": 3, "b": 2])
        #expect(try decode(Optionals.self, "count: 1\ncount: 2\n").count == 2)
    }

    /// Small mappings are searched and large ones indexed; both must agree.
    @Test(arguments: [3, 40])
    func lastDuplicateKeyWinsWhateverTheMappingSize(size: Int) throws {
        let text = (0..<size).map { "k\($0): \($0)\n" }.joined() + "k0: last\n"
        let decoded = try decode([String: String].self, text)
        #expect(decoded.count == size)
        #expect(decoded["k0"] == "last")
        #expect(decoded["k\(size - 1)"] == "\(size - 1)")
        #expect(try decode(Optionals.self, text + "name: x\ncount: 1\ncount: 2\n") == Optionals(name: "x", count: 2))
    }

    @Test func mergedKeysDecode() throws {
        let text = "base: &base {name: web, count: 1}\nvalue:\n  <<: *base\n  count: 2\n"
        #expect(try decode([String: Optionals].self, text)["value"] == Optionals(name: "web", count: 2))
    }

    struct Pod: Decodable {
        struct Spec: Decodable { var containers: [Container] }
        struct Container: Decodable {
            struct SecurityContext: Decodable { var privileged: Bool? }
            var name: String
            var securityContext: SecurityContext?
        }
        var kind: String
        var spec: Spec
    }

    @Test func typeErrorsNameTheMarkAndPath() throws {
        let failure = try decodingFailure(Pod.self, """
            apiVersion: v1
            kind: Pod
            spec:
              containers:
              - name: app
                securityContext:
                  privileged:   maybe
            """)
        #expect(failure.kind == "typeMismatch")
        #expect(failure.message == #"expected a boolean at line 7, column 21, found "maybe""#)
        #expect(failure.path == ["spec", "containers", "Index 0", "securityContext", "privileged"])
    }

    @Test func quotedValuesAreNamedAsStrings() throws {
        let failure = try decodingFailure([String: Bool].self, "v: \"true\"")
        #expect(failure.message == #"expected a boolean at line 1, column 4, found "true" (a string)"#)
    }

    @Test func longValuesAreShortenedInMessages() throws {
        let failure = try decodingFailure([String: Int].self, "v: " + String(repeating: "x", count: 200))
        #expect(failure.message == "expected an integer at line 1, column 4, found \"" + String(repeating: "x", count: 60) + "…\"")
    }

    @Test func missingKeysNameTheMappingAndPath() throws {
        let failure = try decodingFailure(Pod.self, "kind: Pod\nspec:\n  containers:\n  - image: nginx\n")
        #expect(failure.kind == "keyNotFound")
        #expect(failure.message == #"no value for key "name" in the mapping at line 4, column 5"#)
        #expect(failure.path == ["spec", "containers", "Index 0"])
    }

    @Test func wrongCollectionKinds() throws {
        let mapping = try decodingFailure(Pod.self, "kind: Pod\nspec: [a]\n")
        #expect(mapping.kind == "typeMismatch")
        #expect(mapping.message == "expected a mapping at line 2, column 7, found a sequence")
        #expect(mapping.path == ["spec"])

        let sequence = try decodingFailure(Pod.self, "kind: Pod\nspec:\n  containers: app\n")
        #expect(sequence.message == #"expected a sequence at line 3, column 15, found "app""#)
        #expect(sequence.path == ["spec", "containers"])
    }

    struct Pair: Decodable {
        var first: Int
        var second: Int
        var count: Int?
        var indexAfterFirst: Int
        var isAtEnd: Bool

        init(from decoder: any Decoder) throws {
            var items = try decoder.unkeyedContainer()
            count = items.count
            if try items.decodeNil() { first = -1 } else { first = try items.decode(Int.self) }
            indexAfterFirst = items.currentIndex
            second = try items.decode(Int.self)
            isAtEnd = items.isAtEnd
        }
    }

    @Test func unkeyedContainersStepThroughItems() throws {
        let pair = try decode(Pair.self, "[1, 2]")
        #expect((pair.first, pair.second, pair.count, pair.indexAfterFirst, pair.isAtEnd) == (1, 2, 2, 1, true))
        #expect(try decode(Pair.self, "[~, 2]").first == -1)
        let failure = try decodingFailure(Pair.self, "- 1\n")
        #expect(failure.kind == "valueNotFound")
        #expect(failure.message == "the sequence at line 1, column 1 has only 1 items")
        #expect(failure.path == ["Index 1"])
    }

    @Test func integerKeyedDictionaries() throws {
        #expect(try decode([Int: String].self, "1: a\n-2: b\n") == [1: "a", -2: "b"])
    }

    enum Mode: String, Decodable { case enforce, audit }

    @Test func rawRepresentableEnums() throws {
        #expect(try decode([Mode].self, "[enforce, 'audit']") == [.enforce, .audit])
        #expect(try decodingFailure([Mode].self, "[relaxed]").kind == "dataCorrupted")
    }

    struct Wrapper: Decodable {
        var inner: [String]
        var viaSuper: [String]
        var allKeys: [String]
        var emptyKeys: Int

        enum CodingKeys: String, CodingKey { case a, b, c, d }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            var nested = try container.nestedUnkeyedContainer(forKey: .a)
            inner = [try nested.decode(String.self)]
            viaSuper = try [String](from: container.superDecoder(forKey: .b))
            allKeys = container.allKeys.map(\.stringValue)
            emptyKeys = try container.nestedContainer(keyedBy: CodingKeys.self, forKey: .d).allKeys.count
        }
    }

    @Test func nestedAndSuperDecoders() throws {
        let value = try decode(Wrapper.self, "a: [x]\nb: []\nunknown: 1\nd: {}\na: [y]\n")
        #expect(value.inner == ["y"])
        #expect(value.viaSuper == [])
        #expect(value.allKeys == ["b", "d", "a"])
        #expect(value.emptyKeys == 0)
    }

    @Test func decodesFromNodesParsedFromJSON() throws {
        let root = try #require(try YAMLParser.parse(JSONInputTests.kubectlList).first?.root)
        struct Object: Decodable {
            struct Metadata: Decodable { var name: String }
            var kind: String
            var metadata: Metadata
        }
        struct List: Decodable { var kind: String; var items: [Object] }
        let list = try YAMLNodeDecoder().decode(List.self, from: root)
        #expect(list.items.map(\.kind) == ["Deployment", "Pod"])
        #expect(list.items.map(\.metadata.name) == ["web", "solo"])
    }
}
