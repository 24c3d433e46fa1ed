import Testing
import CapGuardYAML

@Suite struct YAMLParserTests {
    @Test(arguments: [
        ("plain words", "plain words", YAMLScalar.Style.plain),
        ("'it''s single'", "it's single", .singleQuoted),
        (#""tab\there""#, "tab\there", .doubleQuoted),
        ("|\n  line one\n  line two\n", "line one\nline two\n", .literal),
        ("|-\n  kept\n", "kept", .literal),
        (">\n  folded\n  text\n", "folded text\n", .folded),
        ("\"\"", "", .doubleQuoted),
    ])
    func scalarValueAndStyle(source: String, value: String, style: YAMLScalar.Style) throws {
        let scalar = try #require(try parseRoot(source).scalar)
        #expect(scalar == YAMLScalar(value: value, style: style))
    }

    @Test func nestedMappingsAndSequences() throws {
        let root = try parseRoot("""
            spec:
              containers:
                - name: app
                  ports: [80, 443]
                - name: sidecar
            empty: {}
            none: []
            """)
        let containers = try #require(root["spec"]?["containers"]?.sequence)
        #expect(containers.count == 2)
        #expect(containers[0]["name"]?.scalar?.value == "app")
        #expect(containers[0]["ports"]?.scalarValues == ["80", "443"])
        #expect(containers[1]["name"]?.scalar?.value == "sidecar")
        #expect(root["empty"]?.mapping?.isEmpty == true)
        #expect(root["none"]?.sequence?.isEmpty == true)
        #expect(root["missing"] == nil)
    }

    @Test func accessorsAnswerOnlyForTheirKind() throws {
        let root = try parseRoot("map: {a: 1}\nlist: [1]\ntext: x\n")
        let map = try #require(root["map"]), list = try #require(root["list"]), text = try #require(root["text"])
        #expect(map.sequence == nil && map.scalar == nil)
        #expect(list.mapping == nil && list.scalar == nil && list["a"] == nil)
        #expect(text.mapping == nil && text.sequence == nil && text["a"] == nil)
    }

    @Test func marksAreOneBasedLineAndCharacterColumn() throws {
        let root = try parseRoot("""
            kind: Pod
            metadata:
              name: "héllo"   # comment
            list:
            - first
            -   [ä, x]
            """)
        #expect(root.mark == YAMLMark(line: 1, column: 1))
        #expect(root["kind"]?.mark == YAMLMark(line: 1, column: 7))
        #expect(root.mapping?[1].key.mark == YAMLMark(line: 2, column: 1))
        #expect(root["metadata"]?.mark == YAMLMark(line: 3, column: 3))
        #expect(root["metadata"]?["name"]?.mark == YAMLMark(line: 3, column: 9))
        let list = try #require(root["list"]?.sequence)
        #expect(root["list"]?.mark == YAMLMark(line: 5, column: 1))
        #expect(list[0].mark == YAMLMark(line: 5, column: 3))
        #expect(list[1].mark == YAMLMark(line: 6, column: 5))
        // Columns count characters: "ä" is two bytes but one column.
        #expect(list[1].sequence?[1].mark == YAMLMark(line: 6, column: 9))
    }

    @Test func markDescription() {
        #expect(YAMLMark(line: 3, column: 5).description == "line 3, column 5")
    }

    @Test func tagsAreResolved() throws {
        let root = try parseRoot("""
            %TAG !k8s! tag:k8s.io,2024:
            ---
            a: !!str 123
            b: !custom x
            c: !k8s!pod {}
            d: plain
            e: !!map {}
            """)
        #expect(root["a"]?.tag == "tag:yaml.org,2002:str")
        #expect(root["a"]?.scalar?.value == "123")
        #expect(root["b"]?.tag == "!custom")
        #expect(root["c"]?.tag == "tag:k8s.io,2024:pod")
        #expect(root["d"]?.tag == nil)
        #expect(root["e"]?.tag == "tag:yaml.org,2002:map")
    }

    @Test(arguments: ["", "~", "null", "Null", "NULL"])
    func nullLikePlainScalarsAreNull(text: String) throws {
        #expect(try parseRoot("key: \(text)\n")["key"]?.isNull == true)
    }

    @Test(arguments: ["'null'", "\"\"", "!!str null", "!!null null", "nil", "nULL", "[]", "{}", "none"])
    func otherNodesAreNotNull(text: String) throws {
        #expect(try parseRoot("key: \(text)\n")["key"]?.isNull == false)
    }

    @Test func multipleDocumentsWithMarkers() throws {
        let documents = try YAMLParser.parse("""
            a: 1
            ---
            b: 2
            ...
            --- c
            ...
            """)
        #expect(documents.map(\.mark) == [YAMLMark(line: 1, column: 1), YAMLMark(line: 2, column: 1), YAMLMark(line: 5, column: 1)])
        #expect(documents[0].root?["a"]?.scalar?.value == "1")
        #expect(documents[1].root?["b"]?.scalar?.value == "2")
        #expect(documents[2].root?.scalar?.value == "c")
    }

    @Test func emptyDocumentsHaveNoRoot() throws {
        let documents = try YAMLParser.parse("---\n---\n# only a comment\n---\nkind: Pod\n---\n")
        #expect(documents.count == 4)
        #expect(documents.map { $0.root == nil } == [true, true, false, true])
        #expect(documents[2].root?["kind"]?.scalar?.value == "Pod")
    }

    @Test(arguments: ["", "# just a comment\n", "\n\n   \n", "\u{FEFF}"])
    func streamsWithoutContentHaveNoDocuments(text: String) throws {
        #expect(try YAMLParser.parse(text).isEmpty)
    }

    @Test func writtenNullAndEmptyStringsAreRoots() throws {
        let documents = try YAMLParser.parse("--- null\n--- ''\n--- !!null\n")
        #expect(documents.count == 3)
        #expect(documents[0].root?.isNull == true)
        #expect(documents[1].root?.scalar == YAMLScalar(value: "", style: .singleQuoted))
        #expect(documents[2].root?.tag == "tag:yaml.org,2002:null")
    }

    @Test func commentsAreIgnoredButHashesInTextAreKept() throws {
        let root = try parseRoot("""
            # leading
            a: value # trailing
            b: "quoted # not a comment"
            c: a#b
            # between
            d: [1, # inside flow
                2]
            """)
        #expect(root.scalarValues == ["value", "quoted # not a comment", "a#b", nil])
        #expect(root["d"]?.scalarValues == ["1", "2"])
    }

    /// Kept for callers that report duplicates; looked up, the last one wins, as in Kubernetes.
    @Test func duplicateKeysAreKeptInOrder() throws {
        let root = try parseRoot("a: 1\nb: 2\na: 3\n")
        #expect(root.keys == ["a", "b", "a"])
        #expect(root.scalarValues == ["1", "2", "3"])
        #expect(root["a"]?.scalar?.value == "3")
    }

    @Test func complexKeysAreKept() throws {
        let root = try parseRoot("? [a, b]\n: pair\n")
        let pair = try #require(root.mapping?.first)
        #expect(pair.key.scalarValues == ["a", "b"])
        #expect(pair.value.scalar?.value == "pair")
    }

    @Test func crlfLineEndings() throws {
        let root = try parseRoot("a: 1\r\nb:\r\n  - x\r\nc: |\r\n  one\r\n  two\r\n")
        #expect(root["b"]?.sequence?.first?.mark == YAMLMark(line: 3, column: 5))
        #expect(root["c"]?.scalar?.value == "one\ntwo\n")
        #expect(root.mapping?[2].key.mark == YAMLMark(line: 4, column: 1))
    }

    @Test func leadingByteOrderMarkTakesNoColumn() throws {
        let root = try parseRoot("\u{FEFF}a: 1\nb: 2\n")
        #expect(root.keys == ["a", "b"])
        #expect(root["a"]?.mark == YAMLMark(line: 1, column: 4))
    }

    @Test func utf16InputWithByteOrderMark() throws {
        let bytes: [UInt8] = [0xFF, 0xFE] + "a: é\n".utf16.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }
        let root = try #require(try YAMLParser.parse(bytes).first?.root)
        #expect(root["a"]?.scalar?.value == "é")
    }

    @Test func bytesAndTextParseAlike() throws {
        let text = "a: [1, 2]\nb: {c: d}\n"
        let fromText = try YAMLParser.parse(text).map(\.root)
        let fromBytes = try YAMLParser.parse(Array(text.utf8)).map(\.root)
        #expect(fromText == fromBytes)
    }
}
