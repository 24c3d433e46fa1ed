import Testing
@testable import CapGuardYAML

/// Every node's extent must be exactly its text in the input, so that an edit can replace it and nothing else.
@Suite struct NodeExtentTests {
    @Test func blockAndFlowCollectionsNestedWithComments() throws {
        let source = "# head\na:\n  b: 1   # c\n  c: [x, {y: z}]\n\n# tail of a\nd:\n- e\n- \"f\"\n# end\n"
        let root = try parseRoot(source)
        #expect(texts(root, in: source) == [
            "a:\n  b: 1   # c\n  c: [x, {y: z}]\n\n# tail of a\nd:\n- e\n- \"f\"",
            "a", "b: 1   # c\n  c: [x, {y: z}]", "b", "1", "c", "[x, {y: z}]", "x", "{y: z}", "y", "z",
            "d", "- e\n- \"f\"", "e", "\"f\"",
        ])
        #expect(root.collectionStyle == .block)
        #expect(root["a"]?["c"]?.collectionStyle == .flow)
        #expect(root["a"]?["c"]?.sequence?[1].collectionStyle == .flow)
        #expect(root["d"]?.collectionStyle == .block)
        #expect(root["d"]?.sequence?[1].collectionStyle == nil)
    }

    @Test func sequencesOfMappingsAndNestedSequences() throws {
        let source = "- name: a\n  image: b\n- - c\n  - d\n-   [ e ,f ]  \n"
        #expect(texts(try parseRoot(source), in: source) == [
            "- name: a\n  image: b\n- - c\n  - d\n-   [ e ,f ]",
            "name: a\n  image: b", "name", "a", "image", "b", "- c\n  - d", "c", "d", "[ e ,f ]", "e", "f",
        ])
    }

    @Test func crlfLineBreaks() throws {
        let source = "a: 1\r\nb:\r\n  - x\r\n  - 'y'\r\n"
        #expect(texts(try parseRoot(source), in: source) == [
            "a: 1\r\nb:\r\n  - x\r\n  - 'y'", "a", "1", "b", "- x\r\n  - 'y'", "x", "'y'",
        ])
    }

    @Test func multiByteCharacters() throws {
        let source = "é: ünï\nk: \"😀 x\"\n名前: [日本, '語']\n"
        #expect(texts(try parseRoot(source), in: source) == [
            "é: ünï\nk: \"😀 x\"\n名前: [日本, '語']", "é", "ünï", "k", "\"😀 x\"", "名前", "[日本, '語']", "日本", "'語'",
        ])
    }

    @Test func scalarStyles() throws {
        let source = "p: plain text\ns: 'single'\nd: \"double\"\nl: |\n  line 1\n\n  line 2\n\n\nf: >-\n  a\n  b\nk: |+\n  kept\n\nlast: 1\n"
        let root = try parseRoot(source)
        #expect(texts(root, in: source) == [
            String(source.dropLast()), "p", "plain text", "s", "'single'", "d", "\"double\"",
            "l", "|\n  line 1\n\n  line 2", "f", ">-\n  a\n  b", "k", "|+\n  kept", "last", "1",
        ])
        #expect(root.scalarStyles == [.plain, .singleQuoted, .doubleQuoted, .literal, .folded, .literal, .plain])
    }

    @Test func emptyValuesTagsAndBinaryScalars() throws {
        let source = "a:\nb: !!str 1\nkind: !!binary UG9k\nc:   # none\n"
        let documents = try YAMLParser.parse(source)
        let root = try #require(documents.first?.root)
        #expect(texts(root, in: source)
            == ["a:\nb: !!str 1\nkind: !!binary UG9k\nc:", "a", "", "b", "!!str 1", "kind", "!!binary UG9k", "c", ""])
        #expect(root["kind"]?.scalar?.value == "Pod")
        let sequence = "- \n-\n- x\n"
        #expect(texts(try parseRoot(sequence), in: sequence) == ["- \n-\n- x", "", "", "x"])
    }

    @Test func anchorsAliasesAndMergeKeys() throws {
        let source = "base: &b {x: 1, y: 2}\nlist: &l\n  - one\nuse: *b\nalso: *l\nmore:\n  <<: *b\n  y: 3\n"
        let root = try parseRoot(source)
        #expect(text(of: try #require(root["base"]), in: source) == "&b {x: 1, y: 2}")
        #expect(text(of: try #require(root["list"]), in: source) == "&l\n  - one")

        let use = try #require(root["use"])
        #expect(use.isAlias)
        #expect(text(of: use, in: source) == "*b")
        #expect(use.mark == root["base"]?.mark)
        #expect(use.collectionStyle == .flow)
        #expect(texts(use, in: source).dropFirst() == ["x", "1", "y", "2"])
        #expect(root["also"]?.isAlias == true)
        #expect(root["also"]?.collectionStyle == .block)
        #expect(root["base"]?.isAlias == false)

        let more = try #require(root["more"])
        #expect(text(of: more, in: source) == "<<: *b\n  y: 3")
        #expect(more["x"].map { text(of: $0, in: source) } == "1")
        #expect(more["y"].map { text(of: $0, in: source) } == "3")
    }

    @Test func surrogatePairEscapesKeepOffsetsOfTheOriginalText() throws {
        let flow = #"{"a": "\uD83D\uDE00", "b": "x\uD83D\uDE01y\uD83D\uDE02", "c": [1]}"#
        #expect(texts(try parseRoot(flow), in: flow) == [
            flow, #""a""#, #""\uD83D\uDE00""#, #""b""#, #""x\uD83D\uDE01y\uD83D\uDE02""#, #""c""#, "[1]", "1",
        ])
        let mixed = #"p: {q: a\uD83D\uDE00b, r: "\uD83D\uDE03", s: t}"# + "\nu: \"\\uD83D\\uDE04\"\n"
        let root = try parseRoot(mixed)
        #expect(root["p"]?["q"]?.scalar?.value == #"a\uD83D\uDE00b"#)
        #expect(texts(root, in: mixed) == [
            String(mixed.dropLast()), "p", #"{q: a\uD83D\uDE00b, r: "\uD83D\uDE03", s: t}"#, "q", #"a\uD83D\uDE00b"#,
            "r", #""\uD83D\uDE03""#, "s", "t", "u", #""\uD83D\uDE04""#,
        ])
    }

    @Test func documentsOfAStreamAreRelativeToTheWholeText() throws {
        let source = "a: 1\n---\n- b\n...\n--- !!str c\n"
        let documents = try YAMLParser.parse(source)
        #expect(documents.compactMap(\.root).map { text(of: $0, in: source) } == ["a: 1", "- b", "!!str c"])
    }

    @Test func kubectlPiecesAreRelativeToTheWholeFile() throws {
        let source = "a: 1\n---# first\nb: é\n---\n---\nc: [3]\n--- \n# only a comment\nd: |\n  \"😀\"\n"
        let read = YAMLParser.parseAsKubectl(Array(source.utf8))
        #expect(read.error == nil)
        #expect(read.documents.compactMap(\.root).map { text(of: $0, in: source) }
            == ["a: 1", "b: é", "c: [3]", "d: |\n  \"😀\""])
        let piece = try #require(read.documents.last?.root)
        #expect(texts(piece, in: source) == ["d: |\n  \"😀\"", "d", "|\n  \"😀\""])
    }

    @Test func kubectlPiecesWithCRLFAndSurrogatePairs() throws {
        let source = "a: \"\\uD83D\\uDE00\"\r\n---#\r\nb: {c: \"x\\uD83D\\uDE01\", d: \\uD83D\\uDE02}\r\n"
        let read = YAMLParser.parseAsKubectl(Array(source.utf8))
        #expect(read.error == nil)
        #expect(read.documents.compactMap(\.root).map { texts($0, in: source) } == [
            ["a: \"\\uD83D\\uDE00\"", "a", "\"\\uD83D\\uDE00\""],
            ["b: {c: \"x\\uD83D\\uDE01\", d: \\uD83D\\uDE02}", "b", "{c: \"x\\uD83D\\uDE01\", d: \\uD83D\\uDE02}", "c",
             "\"x\\uD83D\\uDE01\"", "d", "\\uD83D\\uDE02"],
        ])
    }

    @Test func utf16KubectlInputWithSurrogatePairEscapes() throws {
        let text = "a: 1\n---\nb: [\"é\\uD83D\\uDE00\", 😀]\n"
        let bytes = utf16(text, bigEndian: false)
        let read = YAMLParser.parseAsKubectl(bytes)
        #expect(read.error == nil)
        #expect(read.documents.compactMap(\.root).map { utf16Texts($0, in: bytes, bigEndian: false) } == [
            ["a: 1", "a", "1"],
            ["b: [\"é\\uD83D\\uDE00\", 😀]", "b", "[\"é\\uD83D\\uDE00\", 😀]", "\"é\\uD83D\\uDE00\"", "😀"],
        ])
        #expect(read.documents.last?.root?["b"]?.sequence?.first?.scalar?.value == "é😀")
    }

    @Test func kubectlJSONStreamWithSurrogatePairs() throws {
        let source = #"{"a": [1, 2]}  {"b": "é\uD83D\uDE00", "c": {}}"# + "\n"
        let read = YAMLParser.parseAsKubectl(Array(source.utf8))
        #expect(read.error == nil)
        let roots = read.documents.compactMap(\.root)
        #expect(roots.map { texts($0, in: source) } == [
            [#"{"a": [1, 2]}"#, #""a""#, "[1, 2]", "1", "2"],
            [#"{"b": "é\uD83D\uDE00", "c": {}}"#, #""b""#, #""é\uD83D\uDE00""#, #""c""#, "{}"],
        ])
    }

    @Test func byteOrderMarkIsPartOfTheInputButOfNoNode() throws {
        let source = "\u{FEFF}a: é\n"
        let root = try parseRoot(source)
        #expect(root.extent.lowerBound == 3)
        #expect(texts(root, in: source) == ["a: é", "a", "é"])
        let read = YAMLParser.parseAsKubectl(Array(source.utf8))
        #expect(read.documents.compactMap(\.root).map { texts($0, in: source) } == [["a: é", "a", "é"]])
    }

    @Test(arguments: [false, true])
    func utf16InputHasOffsetsOfItsOwnBytes(bigEndian: Bool) throws {
        let text = "a: é\nb: [😀, \"x\"]\n---\nc: 名\n"
        let bytes = utf16(text, bigEndian: bigEndian)
        let expected = [["a: é\nb: [😀, \"x\"]", "a", "é", "b", "[😀, \"x\"]", "😀", "\"x\""], ["c: 名", "c", "名"]]

        let parsed = try YAMLParser.parse(bytes).compactMap(\.root)
        #expect(parsed.map { utf16Texts($0, in: bytes, bigEndian: bigEndian) } == expected)
        let read = YAMLParser.parseAsKubectl(bytes)
        #expect(read.error == nil)
        #expect(read.documents.compactMap(\.root).map { utf16Texts($0, in: bytes, bigEndian: bigEndian) } == expected)
    }

    @Test func linesAndColumnsStayAsTheyWere() throws {
        let source = "a: 1\n---\nb:\n  c: [é, 😀]\n"
        let read = YAMLParser.parseAsKubectl(Array(source.utf8))
        let root = try #require(read.documents.last?.root)
        #expect(root["b"]?["c"]?.mark == YAMLMark(line: 4, column: 6))
        #expect(root["b"]?["c"]?.sequence?[1].mark == YAMLMark(line: 4, column: 10))
    }

    @Test(arguments: [false, true])
    func characterIndexesConvertInAnyOrder(utf16 isUTF16: Bool) {
        let text = "\u{FEFF}aé😀\r\n名b"
        let bytes = isUTF16 ? utf16(String(text.dropFirst()), bigEndian: true) : Array(text.utf8)
        let expected = isUTF16 ? [2, 4, 6, 10, 12, 14, 16, 18] : [3, 4, 6, 10, 11, 12, 15, 16]
        bytes.withUnsafeBufferPointer { buffer in
            var offsets = SourceOffsets(text: buffer, rewrittenOffsets: [], origin: SourceOffsets.Origin())
            for index in [7, 0, 3, 2, 6, 1, 5, 4, 0, 7] {
                #expect(offsets.offset(ofIndex: index) == expected[index], "index \(index)")
            }
        }
    }

    private func text(of node: YAMLNode, in source: String) -> String {
        String(decoding: Array(source.utf8)[node.extent], as: UTF8.self)
    }

    /// The text of the node and of every node inside it, keys before their values.
    private func texts(_ node: YAMLNode, in source: String) -> [String] {
        node.preOrder.map { text(of: $0, in: source) }
    }

    private func utf16(_ text: String, bigEndian: Bool) -> [UInt8] {
        let units = [UInt16(0xFEFF)] + Array(text.utf16)
        return units.flatMap { bigEndian ? [UInt8($0 >> 8), UInt8($0 & 0xFF)] : [UInt8($0 & 0xFF), UInt8($0 >> 8)] }
    }

    private func utf16Texts(_ node: YAMLNode, in bytes: [UInt8], bigEndian: Bool) -> [String] {
        node.preOrder.map { node in
            let slice = Array(bytes[node.extent])
            let units = stride(from: 0, to: slice.count - 1, by: 2).map { index -> UInt16 in
                let first = UInt16(slice[index]), second = UInt16(slice[index + 1])
                return bigEndian ? first << 8 | second : second << 8 | first
            }
            return String(decoding: units, as: UTF16.self)
        }
    }
}

private extension YAMLNode {
    var preOrder: [YAMLNode] {
        switch content {
        case .scalar: [self]
        case .sequence(let items): [self] + items.flatMap(\.preOrder)
        case .mapping(let pairs): [self] + pairs.flatMap { $0.key.preOrder + $0.value.preOrder }
        }
    }

    var scalarStyles: [YAMLScalar.Style?] { mapping?.map { $0.value.scalar?.style } ?? [] }
}
