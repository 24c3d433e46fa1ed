import CapGuardJSON
import Testing

@Suite("Repeated keys in JSON")
struct DuplicateKeyFinderTests {
    func find(_ json: String) -> DuplicateKeyFinder.Duplicate? { DuplicateKeyFinder.first(in: Array(json.utf8)) }

    @Test func aRepeatedKeyIsFoundWithItsPath() {
        #expect(find(#"{"a": 1, "a": 2}"#) == .init(path: "", key: "a"))
        #expect(find(#"{"r": {"o": {"c": [{"n": 1}, {"s": {"p": true, "q": 1, "p": false}}]}}}"#) == .init(path: "r.o.c[1].s", key: "p"))
        #expect(find(#"[[], [{}, {"x": {"y": 1}, "x": 2}]]"#) == .init(path: "[1][1]", key: "x"))
    }

    @Test func keysAreComparedUnescapedAndByteForByte() {
        #expect(find(#"{"privileged": false, "privil\u0065ged": true}"#) == .init(path: "", key: "privileged"))
        #expect(find(#"{"a\"b": 1, "a\u0022b": 2}"#) == .init(path: "", key: "a\"b"))
        #expect(find(#"{"\ud83e\udd80": 1, "🦀": 2}"#) == .init(path: "", key: "🦀"))
        // Canonically equivalent, different bytes: Go sees two keys, and so does capguard.
        #expect(find("{\"\u{E9}\": 1, \"e\u{301}\": 2}") == nil)
        #expect(find(#"{"A": 1, "a": 2}"#) == nil)
    }

    @Test func theSameKeyInDifferentObjectsIsNoRepeat() {
        #expect(find(#"{"a": {"a": {"a": 1}}, "b": [{"a": 1}, {"a": 2}], "c": "{\"a\": 1, \"a\": 2}"}"#) == nil)
        #expect(find(#"{"a": "a", "b": ["a", "a"], "c": {"x": "a"}}"#) == nil)
    }

    /// A quote ends a string unless an odd run of backslashes precedes it.
    @Test func quotesAfterBackslashesEndAStringOnlyAfterAnEvenRun() {
        #expect(find(#"{"a\\": 1, "a\\": 2}"#) == .init(path: "", key: "a\\"))
        #expect(find(#"{"x": "\\", "x": 1}"#) == .init(path: "", key: "x"))
        #expect(find(#"{"x": "\\\"", "y": "\\\\\"\\", "x": 1}"#) == .init(path: "", key: "x"))
        #expect(find(#"{"x": "\"x\": 1, \"x\": 2", "y": [{"z": "\\\\"}, {"z": 0, "z": 1}]}"#) == .init(path: "y[1]", key: "z"))
    }

    @Test func manyKeysAreComparedThroughASet() {
        let keys = (0..<1000).map { "\"k\($0)\": \($0)" }
        #expect(find("{" + keys.joined(separator: ",") + "}") == nil)
        #expect(find("{" + (keys + ["\"k500\": 0"]).joined(separator: ",") + "}") == .init(path: "", key: "k500"))
        // Escaped and plain spellings of one key meet in the set as they do pairwise.
        #expect(find("{" + (keys + [#""\u006b500": 0"#]).joined(separator: ",") + "}") == .init(path: "", key: "k500"))
        #expect(find("{" + ([#""\u006b500": 0"#] + keys).joined(separator: ",") + "}") == .init(path: "", key: "k500"))
        // Keys of objects closed before are forgotten, and the next object starts with none of them.
        let closed = "{\"a\": {" + keys.joined(separator: ",") + "}, \"b\": {\"k1\": 1, \"k2\": 2}, "
        #expect(find(closed + "\"c\": {\"k1\": 3, \"k500\": 5}}") == nil)
        #expect(find(closed + "\"c\": {\"k3\": 3, \"k3\": 4}}") == .init(path: "c", key: "k3"))
    }

    @Test("text that is not JSON finds nothing and never traps", arguments: [
        "", "{", "}", "]]]", "{\"a", "{\"a\\", "{\"a\": \"\\u12", "{\"\\ud800\": 1, \"\\ud800\": 2", "\"\\", "{,,,\"a\":1,,\"b\"}",
    ])
    func lenient(text: String) {
        _ = find(text)
    }

    @Test func loneSurrogatesReadAsTheReplacementCharacter() {
        #expect(find(#"{"\ud800": 1, "\udc00": 2}"#) == .init(path: "", key: "\u{FFFD}"))
    }

    /// A decoder's memory grows with values, so the scan counts them: one per comma and per opening bracket,
    /// never inside strings.
    @Test func valuesAreCountedByCommasAndOpeningBrackets() {
        func values(_ json: String) -> Int { DuplicateKeyFinder.scan(Array(json.utf8)).values }
        #expect(values("0") == 0)
        #expect(values("[]") == 1)
        #expect(values("[0,0,0]") == 3)
        #expect(values(#"{"a": {}, "b": [1, 2], "c": "x,y[{"}"#) == 6)
        #expect(values("[" + Array(repeating: "{}", count: 1000).joined(separator: ",") + "]") == 2000)
    }
}
