import Testing
@testable import CapGuardYAML

@Suite struct AnchorAndMergeTests {
    @Test func aliasesBecomeCopiesOfTheAnchoredNode() throws {
        let root = try parseRoot("""
            base: &base
              image: nginx
              ports: [80]
            copy: *base
            name: &name web
            again: *name
            """)
        #expect(root["copy"] == root["base"])
        // A node with properties starts at them: here at its anchor, not at the alias.
        #expect(root["copy"]?.mark == YAMLMark(line: 1, column: 7))
        #expect(root["copy"]?["image"]?.mark == YAMLMark(line: 2, column: 10))
        #expect(root["again"]?.scalar?.value == "web")
    }

    /// An edit of the text must know which pairs a mapping writes itself: merged ones are written elsewhere.
    @Test func mergedPairsSayTheyAre() throws {
        let root = try parseRoot("base: &base {image: nginx, name: a}\nc:\n  <<: *base\n  name: b\n")
        let pairs = try #require(root["c"]?.mapping)
        #expect(pairs.map { $0.key.scalar?.value } == ["image", "name"])
        #expect(pairs.map(\.isMerged) == [true, false])
        #expect(root["base"]?.mapping?.contains { $0.isMerged } == false)
    }

    @Test func aliasesMayBeKeys() throws {
        let root = try parseRoot("k: &k name\n*k : value\n")
        #expect(root.keys == ["k", "name"])
        #expect(root["name"]?.scalar?.value == "value")
    }

    @Test func laterAnchorOfTheSameNameWins() throws {
        let root = try parseRoot("- &a one\n- *a\n- &a two\n- *a\n")
        #expect(root.scalarValues == ["one", "one", "two", "two"])
    }

    @Test func anchorsBelongToTheirDocument() {
        let error = parseError("a: &a 1\n---\nb: *a\n")
        #expect(error?.message == "undefined alias *a")
        #expect(error?.mark == YAMLMark(line: 3, column: 4))
    }

    @Test func undefinedAliasIsAnErrorWithItsMark() {
        let error = parseError("items:\n  - one\n  - *missing\n")
        #expect(error?.message == "undefined alias *missing")
        #expect(error?.mark == YAMLMark(line: 3, column: 5))
    }

    @Test func aliasInsideItsOwnAnchorIsAnError() {
        let error = parseError("loop: &loop\n  self: *loop\n")
        #expect(error?.message == "alias *loop refers to a node that contains it")
        #expect(error?.mark == YAMLMark(line: 2, column: 9))
    }

    @Test func billionLaughsIsRefused() {
        var text = "a0: &a0 [lol]\n"
        for level in 1...9 {
            let previous = Array(repeating: "*a\(level - 1)", count: 10).joined(separator: ", ")
            text += "a\(level): &a\(level) [\(previous)]\n"
        }
        let error = parseError(text)
        #expect(error?.message == "aliases expand to more than 1000000 nodes")
        #expect(error?.mark.line == 7)
    }

    @Test func expansionLimitCountsEveryCopiedNode() throws {
        // Each alias copies a sequence of three nodes: itself and two scalars.
        let text = "a: &x [1, 2]\nb: [*x, *x]\n"
        let exactly = NodeTreeBuilder.Limits(maxExpandedNodes: 6, maxDepth: 512)
        #expect(try YAMLParser.parse(text, limits: exactly).count == 1)
        let tooFew = NodeTreeBuilder.Limits(maxExpandedNodes: 5, maxDepth: 512)
        #expect(throws: YAMLError.self) { try YAMLParser.parse(text, limits: tooFew) }
    }

    @Test func expansionLimitCountsAliasesInsideAnchors() throws {
        // *y copies y, whose two items are themselves copies of x: 1 + 2 * 3 nodes.
        let text = "x: &x [1, 2]\ny: &y [*x, *x]\nz: *y\n"
        let expanded = 2 * 3 + 7
        #expect(try YAMLParser.parse(text, limits: .init(maxExpandedNodes: expanded, maxDepth: 512)).count == 1)
        #expect(throws: YAMLError.self) {
            try YAMLParser.parse(text, limits: .init(maxExpandedNodes: expanded - 1, maxDepth: 512))
        }
    }

    @Test func nestingDeeperThanTheLimitIsRefused() throws {
        let allowed = String(repeating: "[", count: 512) + String(repeating: "]", count: 512)
        #expect(try YAMLParser.parse(allowed).count == 1)

        let tooDeep = String(repeating: "[", count: 513) + String(repeating: "]", count: 513)
        let error = parseError(tooDeep)
        #expect(error?.message == "collections are nested more than 512 deep")
        #expect(error?.mark == YAMLMark(line: 1, column: 513))
    }

    @Test func veryDeepInputFailsWithoutExhaustingTheStack() {
        let text = String(repeating: "- ", count: 100_000) + "x\n"
        #expect(parseError(text)?.message == "collections are nested more than 512 deep")
    }

    @Test func aliasesCannotNestDeeperThanTheLimit() throws {
        let text = "a: &a [[x]]\nb: [*a]\n"
        #expect(try YAMLParser.parse(text, limits: .init(maxExpandedNodes: 100, maxDepth: 4)).count == 1)
        let error = try #require(throws: YAMLError.self) {
            try YAMLParser.parse(text, limits: .init(maxExpandedNodes: 100, maxDepth: 3))
        }
        #expect(error.message == "alias *a nests collections more than 3 deep")
        #expect(error.mark == YAMLMark(line: 2, column: 5))
    }

    @Test func mergeKeyTakesTheKeysOfAMapping() throws {
        let root = try parseRoot("""
            defaults: &defaults
              image: nginx
              pullPolicy: Always
            container:
              name: web
              <<: *defaults
            """)
        let container = try #require(root["container"])
        #expect(container.keys == ["name", "image", "pullPolicy"])
        #expect(container.scalarValues == ["web", "nginx", "Always"])
    }

    /// go-yaml v2, and so kubectl, sets keys in the order they are written: what comes last wins.
    @Test(arguments: [("<<: *base\nimage: mine\n", "mine"), ("image: mine\n<<: *base\n", "nginx")])
    func keysAreSetInTheOrderTheyAreWritten(body: String, image: String) throws {
        let text = "base: &base {image: nginx, tag: latest}\nmerged:\n"
            + body.split(separator: "\n").map { "  \($0)\n" }.joined()
        let merged = try #require(try parseRoot(text)["merged"])
        #expect(merged["image"]?.scalar?.value == image)
        #expect(merged["tag"]?.scalar?.value == "latest")
        #expect(merged.mapping?.count == 2)
    }

    @Test func aMergeBetweenTwoWritingsOfAKeyLosesToTheLaterOne() throws {
        let root = try parseRoot("a: 1\n<<: {a: 2}\na: 3\n")
        #expect(root["a"]?.scalar?.value == "3")
        #expect(root.keys == ["a", "a"])
    }

    @Test func earlierMappingsInAMergeSequenceWin() throws {
        let root = try parseRoot("""
            a: &a {x: from-a}
            b: &b {x: from-b, y: from-b}
            c:
              <<: [*a, *b]
              z: own
            """)
        let merged = try #require(root["c"])
        #expect(merged.keys == ["y", "x", "z"])
        #expect(merged.scalarValues == ["from-b", "from-a", "own"])
    }

    @Test func mergedMappingsBringTheirOwnMergesResolved() throws {
        let root = try parseRoot("""
            inner: &inner {x: inner}
            outer: &outer {x: outer, <<: *inner}
            c:
              <<: *outer
            """)
        #expect(root["c"]?["x"]?.scalar?.value == "inner")
    }

    /// go-yaml v2 merges a sequence written in place but refuses an alias of one.
    @Test func anAliasOfASequenceCannotBeMerged() {
        let error = parseError("list: &l [{a: 1}]\nm:\n  <<: *l\n")
        #expect(error?.message == "a merge key (<<) takes a mapping, an alias of a mapping, or a sequence of those")
        #expect(error?.mark == YAMLMark(line: 3, column: 7))
    }

    @Test func inlineMappingsMayBeMerged() throws {
        let root = try parseRoot("<<: {a: 1}\nb: 2\n")
        #expect(root.keys == ["a", "b"])
    }

    @Test func explicitlyTaggedMergeKeyMerges() throws {
        let root = try parseRoot("!!merge <<: {a: 1}\n")
        #expect(root.keys == ["a"])
    }

    @Test(arguments: ["'<<': {a: 1}\n", "\"<<\": {a: 1}\n", "!!str <<: {a: 1}\n"])
    func quotedOrStringTaggedKeyIsAnOrdinaryKey(text: String) throws {
        #expect(try parseRoot(text).keys == ["<<"])
    }

    @Test(arguments: ["<<: 1\n", "<<: [{a: 1}, 2]\n", "<<:\n"])
    func mergingSomethingOtherThanMappingsIsAnError(text: String) {
        let error = parseError("x: 0\n" + text)
        #expect(error?.message == "a merge key (<<) takes a mapping, an alias of a mapping, or a sequence of those")
        #expect(error?.mark == YAMLMark(line: 2, column: 1))
    }

    @Test func duplicatesAmongExplicitKeysSurviveMerging() throws {
        let root = try parseRoot("<<: {a: 0, b: 0}\na: 1\na: 2\n")
        #expect(root.keys == ["b", "a", "a"])
        #expect(root.scalarValues == ["0", "1", "2"])
    }
}
