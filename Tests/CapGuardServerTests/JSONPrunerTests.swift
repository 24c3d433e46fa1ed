import CapGuardJSON
import CapGuardTestSupport
import Foundation
import Testing

private enum OuterKeys: String, CodingKey, CaseIterable { case a, d, e, Kind }
private enum InnerKeys: String, CodingKey, CaseIterable { case b }

private struct Inner: Decodable, Hashable {
    var b: Int?
}

/// Reads what `selection` selects, so that a document and its pruned copy can be compared by value.
private struct Outer: Decodable, Hashable {
    var a: Inner?
    var d: [Inner?]?
    var e: Int?
    var Kind: String?

    static let selection = JSONFieldSelection(OuterKeys.self, reading: [.a: JSONFieldSelection(InnerKeys.self), .d: JSONFieldSelection(InnerKeys.self)])
}

@Suite("Pruning JSON to the fields a reader selects")
struct JSONPrunerTests {
    func pruned(_ json: String) -> String? {
        JSONPruner.pruned(Array(json.utf8), keeping: Outer.selection).map { String(decoding: $0.bytes, as: UTF8.self) }
    }

    func pruned(bytes: [UInt8]) -> [UInt8]? {
        JSONPruner.pruned(bytes, keeping: Outer.selection)?.bytes
    }

    @Test func onlySelectedFieldsAreKeptAndListsKeepEveryElement() {
        let json = #" { "x": {"a": 1}, "a" : {"b": 1, "c": [1, 2]}, "d": [ {"b": 2, "x": 3}, "s", null, [] ], "e": 5 , "f": [{"a": {}}]} "#
        #expect(pruned(json) == #"{"a":{"b":1},"d":[{"b":2},"s",null,[]],"e":5}"#)
    }

    @Test func selectedValuesAreCopiedByteForByte() {
        #expect(pruned(#"{"e": -0.5e+3, "a": "not an object", "d": {"b": "\u00e9\n", "b2": 1}}"#)
            == #"{"e":-0.5e+3,"a":"not an object","d":{"b":"\u00e9\n"}}"#)
        #expect(pruned(#"{"e": {"anything": [1, {"x": null}]} }"#) == #"{"e":{"anything": [1, {"x": null}]}}"#)
        #expect(pruned("{}") == "{}")
        #expect(pruned(#"{"x": 1}"#) == "{}")
        #expect(pruned(#"[{"a": {"b": 1, "z": 2}}, 3]"#) == #"[{"a":{"b":1}},3]"#)
        #expect(pruned(#""text""#) == #""text""#)
    }

    /// A decoder compares keys after unescaping them, as `String`s: canonically equivalent keys are one key
    /// to it (the Kelvin sign is a K), so they must be kept.
    @Test func keysMatchAsTheDecoderMatchesThem() throws {
        #expect(pruned(#"{"\u0061": {"\u0062": 1}, "\u0064x": 2}"#) == #"{"\u0061":{"\u0062":1}}"#)
        #expect(pruned("{\"\u{212A}ind\": \"k\", \"kind\": \"x\"}") == "{\"\u{212A}ind\":\"k\"}")
        let json = Data("{\"\u{212A}ind\": \"k\", \"a\": {\"b\": 1, \"c\": 2}}".utf8)
        let original = try JSONDecoder().decode(Outer.self, from: json)
        let copy = try JSONDecoder().decode(Outer.self, from: Data(try #require(JSONPruner.pruned(Array(json), keeping: Outer.selection)).bytes))
        #expect(original.Kind == "k")
        #expect(copy == original)
    }

    @Test("documents the pruner does not vouch for", arguments: [
        "", " ", "x", "{", "}", #"{"a": 1"#, #"{"a": 1} x"#, #"{"a": 1}}"#, #"{"a" 1}"#, #"{a: 1}"#, #"{"a": 1,}"#, #"{"x": [1,]}"#,
        #"{"x": [1 2]}"#, #"{"x": tru}"#, #"{"x": nul}"#, #"{"x": True}"#, #"{"x": 01}"#, #"{"x": 1.}"#, #"{"x": .5}"#,
        #"{"x": -}"#, #"{"x": 1e}"#, #"{"x": 1e+}"#, #"{"x": +1}"#, #"{"x": NaN}"#, #"{"x": "\x"}"#, #"{"x": "\u12"}"#,
        #"{"x": "\ud800"}"#, #"{"x": "\udc00"}"#, #"{"x": "\ud800\u0041"}"#, #"{"x": "\ud800x"}"#, #"{"x": 'a'}"#,
        "{\"x\": \"a\tb\"}", "{\"x\": \"\u{0}\"}", "{\"x\"\u{0B}: 1}", #"{"x": "unterminated}"#, #"{"x": 1} {"y": 2}"#,
    ])
    func unvouched(json: String) {
        #expect(pruned(json) == nil)
    }

    @Test func bytesThatAreNotUTF8AreNotVouchedFor() {
        let prefix = Array(#"{"x": ""#.utf8), suffix = Array(#""}"#.utf8)
        for sequence: [UInt8] in [[0xFF], [0xC0, 0xAF], [0xE0, 0x80, 0xAF], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xC3], [0x80], [0xE2, 0x82]] {
            #expect(pruned(bytes: prefix + sequence + suffix) == nil, "\(sequence)")
        }
        for sequence: [UInt8] in [[0xC3, 0xA9], [0xE2, 0x82, 0xAC], [0xF0, 0x9F, 0xA6, 0x80], [0xED, 0x9F, 0xBF], [0xF4, 0x8F, 0xBF, 0xBF]] {
            #expect(pruned(bytes: prefix + sequence + suffix) == Array(#"{}"#.utf8), "\(sequence)")
        }
        // The decoder also reads UTF-16 and UTF-32, with or without a byte order mark; the pruner leaves those to it.
        #expect(pruned(bytes: [0xEF, 0xBB, 0xBF] + Array("{}".utf8)) == nil)
        #expect(pruned(bytes: Array("{\"e\": 1}".utf16).flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }) == nil)
    }

    @Test func nestingPastTheLimitIsLeftToTheDecoder() {
        let limit = JSONPruner.maximumDepth
        func nested(_ depth: Int) -> String { #"{"x": "# + String(repeating: "[", count: depth - 1) + String(repeating: "]", count: depth - 1) + "}" }
        #expect(pruned(nested(limit)) == "{}")
        #expect(pruned(nested(limit + 1)) == nil)
        let selected = #"{"a": {"b": "# + String(repeating: "[", count: limit) + String(repeating: "]", count: limit) + "}}"
        #expect(pruned(selected) == nil)
    }

    @Test func aCopyDecodesAsTheDocumentDoes() throws {
        let documents = [
            #"{"a": {"b": 1, "c": {"deep": [1, 2, {"x": "y"}]}}, "d": [{"b": 2}, null, {"b": null, "q": [true, false]}], "e": 3, "z": "\ud83e\udd80"}"#,
            #"{"a": {"b": "one"}, "e": 3}"#, #"{"d": [{"b": 1}, "s"]}"#, #"{"d": {"b": 1}}"#, #"{"a": [], "e": 1.5}"#, #"{"Kind": 7}"#,
        ]
        for json in documents {
            let data = Data(json.utf8)
            let copy = Data(try #require(JSONPruner.pruned(Array(data), keeping: Outer.selection), "\(json)").bytes)
            let original = Result { try JSONDecoder().decode(Outer.self, from: data) }
            let fromCopy = Result { try JSONDecoder().decode(Outer.self, from: copy) }
            switch (original, fromCopy) {
            case (.success(let original), .success(let fromCopy)): #expect(original == fromCopy, "\(json)")
            case (.failure(let original), .failure(let fromCopy)): #expect("\(original)" == "\(fromCopy)", "\(json)")
            default: Issue.record("\(json): the document gave \(original), its copy \(fromCopy)")
            }
        }
    }

    @Test func selectionsMerge() {
        let first = JSONFieldSelection(OuterKeys.self, reading: [.a: JSONFieldSelection(InnerKeys.self)])
        let second = JSONFieldSelection(InnerKeys.self, reading: [.b: JSONFieldSelection(InnerKeys.self)])
        let merged = first.merging(second)
        #expect(JSONPruner.pruned(Array(#"{"a": {"b": 1, "c": 2}, "b": {"b": 1, "c": 2}, "x": 1}"#.utf8), keeping: merged)
            .map { String(decoding: $0.bytes, as: UTF8.self) } == #"{"a":{"b":1},"b":{"b":1}}"#)
        // A key one selection reads whole is read whole by the merge.
        let whole = JSONFieldSelection(OuterKeys.self)
        #expect(JSONPruner.pruned(Array(#"{"a": {"b": 1, "c": 2}}"#.utf8), keeping: first.merging(whole))
            .map { String(decoding: $0.bytes, as: UTF8.self) } == #"{"a":{"b": 1, "c": 2}}"#)
    }

    /// Readers disagree on which of two equal keys counts; the caller finds where with `DuplicateKeyFinder`.
    @Test func aRepeatedKeyIsNotVouchedFor() {
        #expect(pruned(#"{"e": 1, "e": 2}"#) == nil)
        #expect(pruned(#"{"x": {"q": 1, "\u0071": 2}}"#) == nil)
        #expect(pruned(#"{"d": [{"b": 1}, {"z": 1, "y": 2, "z": 3}]}"#) == nil)
        let many = (0..<40).map { "\"k\($0)\": \($0)" }
        #expect(pruned(#"{"x": {"# + many.joined(separator: ",") + "}}") == "{}")
        #expect(pruned(#"{"x": {"# + (many + [#""k7": 0"#]).joined(separator: ",") + "}}") == nil)
        // The same key in different objects, or as a value, is no repeat.
        #expect(pruned(#"{"e": {"e": {"e": 1}}, "x": [{"e": 1}, {"e": 2}], "y": "e", "z": ["e", "e"]}"#) == #"{"e":{"e": {"e": 1}}}"#)
    }

    @Test func valuesAreCountedAsTheDuplicateKeyScanCountsThem() throws {
        for json in [
            "{}", #"{"a": 1}"#, #"{"a": [1, 2, {"b": [], "c": {}}], "d": [[0, 0], [0]], "x": "[{,}]"}"#, #"[{"a": {"b": [1, 2, 3]}}]"#, "7",
            try String(contentsOf: Fixtures.directory.appendingPathComponent("pod-create-compliant.json"), encoding: .utf8),
        ] {
            let copy = try #require(JSONPruner.pruned(Array(json.utf8), keeping: Outer.selection))
            #expect(copy.values == DuplicateKeyFinder.scan(Array(json.utf8)).values, "\(json)")
        }
    }

    @Test func aCopyPastItsLimitIsNotMade() {
        let json = #"{"e": "\#(String(repeating: "x", count: 1000))", "x": "\#(String(repeating: "y", count: 5000))"}"#
        #expect(JSONPruner.pruned(Array(json.utf8), keeping: Outer.selection, limit: 2000)?.bytes.count == 1008)
        #expect(JSONPruner.pruned(Array(json.utf8), keeping: Outer.selection, limit: 1000) == nil)
        let list = "{\"d\": [" + Array(repeating: #"{"b": 1}"#, count: 1000).joined(separator: ",") + "]}"
        #expect(JSONPruner.pruned(Array(list.utf8), keeping: Outer.selection, limit: 1000) == nil)
        #expect(JSONPruner.pruned(Array(list.utf8), keeping: Outer.selection, limit: 10000) != nil)
    }

    /// A byte that ends or breaks a string is seen wherever it stands in it.
    @Test func everyBytePlaceInAStringIsRead() {
        for place in 0..<20 {
            func document(_ middle: [UInt8]) -> [UInt8] {
                Array(#"{"e": ""#.utf8) + Array(repeating: UInt8(ascii: "a"), count: place) + middle
                    + Array(repeating: UInt8(ascii: "b"), count: 20 - place) + Array(#""}"#.utf8)
            }
            for byte: UInt8 in [0x00, 0x0A, 0x1F, 0x80, 0xBF, 0xC0, 0xFF] {
                #expect(pruned(bytes: document([byte])) == nil, "\(byte) at \(place)")
            }
            for kept: [UInt8] in [[0x20], [0x7F], [0x5C, 0x22], [0x5C, 0x5C], [0x5C, 0x6E], [0xC3, 0xA9], [0xF0, 0x9F, 0xA6, 0x80]] {
                #expect(pruned(bytes: document(kept)) == Array(#"{"e":"#.utf8) + document(kept).dropFirst(6), "\(kept) at \(place)")
            }
            #expect(pruned(bytes: document([0x22])) == nil, "a quote at \(place)")
            #expect(pruned(bytes: document([0x5C, 0x78])) == nil, "an escape of x at \(place)")
        }
    }
}
