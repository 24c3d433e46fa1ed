import Testing
@testable import CapGuardYAML

/// Reading manifests as kubectl does. Each rule here was confirmed with `kubectl label --local -f FILE
/// k=v -o json`; Tests/Fixtures/kubectl-differential holds the files that scripts/check-kubectl-differential
/// compares against kubectl itself.
@Suite("Reading as kubectl does")
struct KubectlReadingTests {
    private func read(_ text: String) -> KubectlDocuments {
        YAMLParser.parseAsKubectl(Array(text.utf8))
    }

    /// The kind of each document that is not empty.
    private func kinds(_ read: KubectlDocuments) -> [String?] {
        read.documents.compactMap(\.root).map { $0["kind"]?.scalar?.value }
    }

    @Test(arguments: ["---", "---#comment", "--- # comment", "---   ", "---\t", "---\u{A0}"])
    func separatorLines(separator: String) {
        let result = read("kind: A\n\(separator)\nkind: B\n")
        #expect(result.error == nil)
        #expect(kinds(result) == ["A", "B"])
    }

    /// kubectl drops the document it was reading when it meets such a line, and reads no further.
    @Test(arguments: ["--- |", "----", "---x", "--- {}", "--- !!map", "--- kind: C"])
    func dashesFollowedByContentStopTheReading(separator: String) {
        let result = read("kind: A\n---\nkind: B\n\(separator)\nkind: C\n")
        #expect(kinds(result) == ["A"])
        #expect(result.error?.mark == YAMLMark(line: 4, column: 4))
        #expect(result.error?.message.hasPrefix("invalid document separator") == true)
    }

    /// libyaml alone reads `---#x` as the key of one mapping, which hid the second document.
    @Test func aCommentRightAfterTheDashesSeparates() {
        let result = read("kind: A\n---#x\nkind: Pod\n")
        #expect(kinds(result) == ["A", "Pod"])
    }

    /// kubectl writes a separator line into a document that has nothing yet, where `---#x` is text.
    @Test func aSeparatorOpeningADocumentStaysInIt() {
        #expect(kinds(read("---\nkind: A\n---\n---\nkind: B\n")) == ["A", "B"])
        let result = read("kind: A\n---\n---#x\n---\nkind: Pod\n")
        #expect(result.error == nil)
        #expect(result.documents.compactMap(\.root).map { $0.scalar?.value ?? $0["kind"]?.scalar?.value } == ["A", "---#x", "Pod"])
        #expect(read("---#x\nkind: Pod\n").error?.mark.line == 2)
    }

    @Test func anEmptyLineMakesTheNextSeparatorCut() {
        let result = read("kind: A\n---\n\n---#x\nkind: Pod\n")
        #expect(result.error == nil)
        #expect(kinds(result) == ["A", "Pod"])
    }

    @Test(arguments: ["a: {b?c: d}\n", "a: [b?]\n", "a: {b: c ?d}\n"])
    func aQuestionMarkInAPlainScalarOfAFlowCollectionIsRefused(text: String) {
        #expect(read(text).error?.message.hasPrefix("a ? inside a plain scalar") == true)
    }

    @Test(arguments: ["a: b?c\n", "a: {b: \"c?d\"}\n", "a: [?b]\n"])
    func questionMarksElsewhereAreRead(text: String) {
        #expect(read(text).error == nil)
    }

    /// go-yaml refuses it even when an earlier node had the same anchor; libyaml's readers took that one.
    @Test func anAliasInsideTheNodeItsAnchorNamesIsACycle() {
        let error = read("d: &d {privileged: true}\nc: &d\n  privileged: false\n  <<: *d\n").error
        #expect(error?.message == "alias *d refers to a node that contains it")
        #expect(error?.mark == YAMLMark(line: 4, column: 7))
    }

    @Test func anAliasOfTheMergeKeyIsRefusedAsAKey() {
        let error = read("m: &m <<\nc:\n  privileged: true\n  *m : {privileged: false}\n").error
        #expect(error?.mark == YAMLMark(line: 4, column: 3))
        #expect(error?.message.hasPrefix("an alias of << used as a key") == true)
    }

    @Test func anAnchoredMergeKeyMerges() throws {
        let root = try #require(read("c:\n  privileged: false\n  &m <<: {privileged: true}\nd: *m\n").documents.first?.root)
        #expect(root["c"]?["privileged"]?.scalar?.value == "true")
        #expect(root["d"]?.scalar?.value == "<<")
    }

    @Test func aByteOrderMarkInsideADocumentIsRefused() {
        let result = read("kind: A\n---\nkind: B\n\u{FEFF}b: c\n")
        #expect(kinds(result) == ["A"])
        #expect(result.error?.mark == YAMLMark(line: 4, column: 1))
        #expect(result.error?.message.hasPrefix("a byte order mark") == true)
    }

    @Test func documentsKeepTheirLinesInTheFile() {
        let result = read("kind: A\n---\n# comment\nkind: B\nbad: [\n")
        #expect(result.documents.count == 1)
        #expect(result.error?.mark.line == 6)
    }

    @Test func aLineOfDashesInsideABlockScalarStillSeparates() {
        let result = read("data: |\n  text\n---\nkind: Pod\n")
        #expect(result.documents.count == 2)
        #expect(result.documents[0].root?["data"]?.scalar?.value == "text\n")
    }

    @Test func crlfSeparators() {
        #expect(kinds(read("kind: A\r\n---\r\nkind: B\r\n")) == ["A", "B"])
    }

    /// go-yaml reads only the first document of each piece kubectl hands it: capguard refuses instead.
    @Test func aDocumentAfterAnEndMarkerIsRefused() {
        let result = read("kind: A\n...\nkind: Pod\n")
        #expect(result.documents.isEmpty)
        #expect(result.error?.mark.line == 3)
    }

    @Test func aSecondDocumentAfterLineBreaksKubectlDoesNotSplitAtIsNamed() {
        let result = read("kind: A\r---\rkind: Pod\r")
        #expect(result.documents.isEmpty)
        #expect(result.error?.message.contains("a second document in one piece") == true)
        #expect(result.error?.mark.line == 2)
    }

    @Test func emptyDocumentsAndByteOrderMarks() {
        let result = read("\u{FEFF}---\n---\n# only a comment\n---\nkind: A\n---\n\u{FEFF}kind: B\n---\n")
        #expect(result.error == nil)
        #expect(kinds(result) == ["A", "B"])
    }

    /// kubectl decodes UTF-16 to UTF-8 before cutting documents, so `---#x` separates there too.
    @Test(arguments: [true, false])
    func utf16TextIsCutLikeUTF8(bigEndian: Bool) {
        let text = "kind: A\n---#x\nkind: Pod\n"
        var bytes: [UInt8] = bigEndian ? [0xFE, 0xFF] : [0xFF, 0xFE]
        for unit in text.utf16 {
            bytes += bigEndian ? [UInt8(unit >> 8), UInt8(unit & 0xFF)] : [UInt8(unit & 0xFF), UInt8(unit >> 8)]
        }
        let result = YAMLParser.parseAsKubectl(bytes)
        #expect(result.error == nil)
        #expect(kinds(result) == ["A", "Pod"])
        #expect(result.documents.map(\.mark.line) == [1, 3])
    }

    @Test func aUTF8ByteOrderMarkMakesTheFirstLineNoSeparator() {
        let result = read("\u{FEFF}---#x\nkind: Pod\n")
        #expect(result.documents.isEmpty)
        #expect(result.error?.mark.line == 2)
    }

    @Test func aStreamStartingWithABraceIsAStreamOfJSONValues() {
        let result = read("  {\"kind\": \"A\"}{\"kind\": \"B\"}\n{\"kind\":\n \"C\"}\n")
        #expect(result.error == nil)
        #expect(kinds(result) == ["A", "B", "C"])
        #expect(result.documents.map(\.mark.line) == [1, 1, 2])
    }

    @Test(arguments: [
        "{\"kind\": \"A\"}\n---\n{\"kind\": \"B\"}\n",
        "{\"kind\": \"A\"}\nkind: B\n",
        "{\"kind\": \"A\"}\n{\"kind\": \"B\",}\n",
        "{\"kind\": \"A\"}\n{'kind': 'B'}\n",
        "{\"kind\": \"A\"}\n{\"kind\": \"B\" # comment\n}\n",
        "{\"kind\": \"A\"}\n{\"kind\": \"\\x41\"}\n",
        "{\"kind\": \"A\"}\n{\"kind\": 01}\n",
        "{\"kind\": \"A\"}\n{\"kind\": \"B\"\n",
    ])
    func jsonThatGoRefusesStopsTheReadingThere(text: String) {
        let result = read(text)
        #expect(kinds(result) == ["A"])
        #expect(result.error?.message.hasPrefix("invalid JSON") == true)
        #expect((result.error?.mark.line ?? 0) >= 2)
    }

    /// kubectl looks for the brace in the first 4096 bytes only; further on, the stream is YAML.
    @Test func aBraceBeyondTheFirst4096BytesIsYAML() {
        let text = String(repeating: " ", count: 5000) + "{\"kind\": \"A\"}\n---\n{\"kind\": \"B\"}\n"
        let result = read(text)
        #expect(result.error == nil)
        #expect(kinds(result) == ["A", "B"])
    }

    @Test func binaryScalarsAreDecodedEverywhere() throws {
        let result = read("kind: !!binary UG9k\n!!binary cHJpdmlsZWdlZA==: true\nadd:\n- !!binary |\n  U1lTX0FETUlO\n")
        let root = try #require(result.documents.first?.root)
        #expect(root["kind"]?.scalar?.value == "Pod")
        #expect(root["privileged"]?.scalar?.value == "true")
        #expect(root["add"]?.sequence?.first?.scalar?.value == "SYS_ADMIN")
    }

    @Test(arguments: ["kind: !!binary not*base64\n", "kind: !!binary UG9\n", "kind: !!binary /w==\n"])
    func binaryThatIsNotBase64TextIsRefused(text: String) {
        #expect(read(text).error?.message.contains("!!binary") == true)
    }

    @Test(arguments: [
        ("privileged: !!bool \"true\"\n", "!!bool"), ("kind: !custom Pod\n", "!custom"),
        ("!!int 1: x\n", "!!int"), ("a: !!null\n", "!!null"), ("a: !!set {x}\n", "!!set"),
        ("a: !!timestamp 2001-12-14\n", "!!timestamp"),
    ])
    func tagsKubectlReadsItsOwnWayAreRefused(text: String, tag: String) {
        let error = read(text).error
        #expect(error?.message == "the tag \(tag) may not be read as kubectl reads it; remove it")
        #expect(error?.mark.line == 1)
    }

    @Test func tagsThatOnlyConfirmTheNodeAreRead() {
        let result = read("kind: !!str Pod\nspec: !!map {containers: !!seq []}\n")
        #expect(result.error == nil)
        #expect(kinds(result) == ["Pod"])
    }

    @Test(arguments: ["1: x\n", "yes: x\n", "on: x\n", "~: x\n", "0x1F: x\n", "1.5: x\n", ".inf: x\n", "? [a]\n: x\n", "? {a: b}\n: x\n"])
    func keysThatAreNotStringsAreRefused(text: String) {
        let error = read("kind: Pod\nmetadata:\n  labels:\n" + text.split(separator: "\n").map { "    \($0)\n" }.joined()).error
        #expect(error?.mark.line == 4)
        #expect(error?.message.contains("key") == true)
    }

    @Test(arguments: ["\"1\": x\n", "'yes': x\n", "!!str on: x\n", "app.kubernetes.io/name: x\n", "1a: x\n"])
    func keysThatAreStringsAreRead(text: String) {
        #expect(read(text).error == nil)
    }

    /// The policy file has no kubectl to agree with: numeric namespace names stay keys there.
    @Test func ordinaryParsingStillReadsNonStringKeys() throws {
        #expect(try YAMLParser.parse("1: x\nkind: !custom Pod\n").count == 1)
    }

    @Test func aliasBudgetIsSharedByTheDocumentsOfAFile() {
        let bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\nb: [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
        let text = Array(repeating: bomb, count: 3).joined(separator: "---\n")
        let limits = NodeTreeBuilder.Limits(maxExpandedNodes: 250, maxDepth: 512)
        let result = YAMLParser.parseAsKubectl(Array(text.utf8), limits: limits)
        #expect(result.documents.count == 2)
        #expect(result.error?.message == "aliases expand to more than 250 nodes")
    }
}
