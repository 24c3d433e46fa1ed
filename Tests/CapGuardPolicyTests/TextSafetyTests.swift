import CapGuardPolicy
import Testing

/// One scalar of each class that must never reach a reader raw, by name.
let unsafeScalars: [(String, Unicode.Scalar)] = [
    ("NUL", "\u{0}"), ("ESC", "\u{1B}"), ("BEL", "\u{7}"), ("newline", "\n"), ("carriage return", "\r"), ("tab", "\t"),
    ("DEL", "\u{7F}"), ("C1 CSI", "\u{9B}"), ("C1 NEL", "\u{85}"),
    ("zero width space", "\u{200B}"), ("zero width non-joiner", "\u{200C}"), ("zero width joiner", "\u{200D}"),
    ("left-to-right mark", "\u{200E}"), ("right-to-left mark", "\u{200F}"), ("word joiner", "\u{2060}"),
    ("byte order mark", "\u{FEFF}"), ("line separator", "\u{2028}"), ("paragraph separator", "\u{2029}"),
    ("LRE", "\u{202A}"), ("RLE", "\u{202B}"), ("PDF", "\u{202C}"), ("LRO", "\u{202D}"), ("RLO", "\u{202E}"),
    ("LRI", "\u{2066}"), ("RLI", "\u{2067}"), ("FSI", "\u{2068}"), ("PDI", "\u{2069}"),
]

@Suite("Text from a request in messages and warnings")
struct TextSafetyTests {
    let formatter = ViolationFormatter(
        object: ObjectReference(kind: "Pod", namespace: "default", name: "p"), podSpecPath: ["spec"], policy: .default
    )

    @Test("every unsafe scalar is escaped in every message and warning", arguments: unsafeScalars.map(\.0))
    func escapedEverywhere(name: String) throws {
        let scalar = try #require(unsafeScalars.first { $0.0 == name }?.1)
        let hostile = "a" + String(scalar) + "b"
        let spec = PodSpec(containers: [
            container(hostile, add: [hostile, "cap_" + hostile, "ALL" + hostile], drop: [hostile], privileged: true),
            container(hostile, drop: ["all"]),
        ])
        let evaluation = Policy.default.evaluate(spec)
        let pod = ViolationFormatter(object: ObjectReference(kind: "Pod", namespace: hostile, name: hostile), podSpecPath: ["spec"], policy: .default)
        var texts = evaluation.violations.flatMap { [pod.message(for: $0), pod.warning(for: $0)] }
        texts += evaluation.advisories.flatMap { [pod.message(for: $0), pod.warning(for: $0)] }
        #expect(texts.count == 12)
        for text in texts {
            #expect(!text.unicodeScalars.contains(scalar), "\(text)")
        }
        #expect(pod.message(for: evaluation.violations[0]).hasPrefix(#"Pod a\"#))
    }

    @Test func quotingShowsEscapesAndLeavesOtherTextAlone() {
        #expect("a\u{202E}b".quotedForMessage == #""a\u{202e}b""#)
        #expect("a\"b\\c\nd".quotedForMessage == #""a\"b\\c\nd""#)
        #expect("é 🇫🇷 e\u{301} 🦀".quotedForMessage == "\"é 🇫🇷 e\u{301} 🦀\"")
    }

    @Test func longValuesAreCutAndSaySo() {
        let quoted = String(repeating: "x", count: 100_000).quotedForMessage
        #expect(quoted == "\"" + String(repeating: "x", count: 256) + "\"... (99744 more characters)")
        let reference = ObjectReference(kind: "Pod", namespace: String(repeating: "n", count: 1000), name: "p").description
        #expect(reference.count < 320)
        #expect(reference.contains("(744 more characters)"))
    }
}
