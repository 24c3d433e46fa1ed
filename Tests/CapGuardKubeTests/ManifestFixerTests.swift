import Testing
import CapGuardPolicy
@testable import CapGuardKube
import CapGuardYAML

@Suite("Fixing manifest text")
struct ManifestFixerTests {
    func fixed(_ text: String, policies: PolicySet = .default) -> ManifestFixer.FixedFile {
        ManifestFixer(policies: policies).fix(Array(text.utf8), source: "f.yaml")
    }

    func text(_ file: ManifestFixer.FixedFile) -> String { String(decoding: file.bytes, as: UTF8.self) }

    @Test func flowMappingsWithQuotedKeysGetQuotedKeys() {
        let file = fixed(#"{"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"}, "spec": {"containers": [{"name": "a"}]}}"# + "\n")
        #expect(text(file).contains(#"{"name": "a", "securityContext": {"capabilities": {"drop": ["ALL"]}}}"#))
    }

    @Test func quotesAndTagsOfAddEntriesStay() {
        let file = fixed("""
            apiVersion: v1
            kind: Pod
            metadata: {name: p}
            spec:
              containers:
              - name: a
                securityContext:
                  capabilities:
                    drop: ['ALL']
                    add: ['cap_chown', "CAP_SETUID", !!str cap_setgid]

            """)
        #expect(text(file).contains(#"add: ['CHOWN', "SETUID", !!str SETGID]"#))
        #expect(file.checked.allSatisfy { $0.status == .compliant })
    }

    @Test func lineBreaksOfEveryKindKeepTheirKind() {
        let crOnly = fixed("apiVersion: v1\rkind: Pod\rmetadata: {name: p}\rspec:\r  containers:\r  - name: a\r    image: x\r")
        #expect(text(crOnly) == "apiVersion: v1\rkind: Pod\rmetadata: {name: p}\rspec:\r  containers:\r  - name: a\r    image: x\r"
                + "    securityContext:\r      capabilities:\r        drop:\r        - ALL\r")
    }

    @Test func aMergedPodSpecIsNotEditedThroughTheMerge() {
        let file = fixed("""
            base: &base {containers: [{name: a}]}
            apiVersion: v1
            kind: Pod
            metadata: {name: p}
            spec:
              <<: *base

            """)
        #expect(!file.changed)
        #expect(file.refusals.map(\.field.description) == ["spec.containers"])
        #expect(file.refusals.first?.sharedText == true)
    }

    @Test func anUnreadableFileIsNotChanged() {
        let file = fixed("apiVersion: v1\nkind: Pod\nspec: {containers: [{name: a}]}\n---\nkind: [\n")
        #expect(!file.changed)
        #expect(file.errors.count == 1)
        #expect(text(file).hasSuffix("kind: [\n"))
    }

    @Test func linesMoveWithTheEdits() {
        // Line 3 gains three lines after it, line 5 loses one.
        let original = Array("a\nb\nc\nd\ne\nf\ng\n".utf8)
        let edits = [TextEdit(range: 5..<5, replacement: "\nx\ny\nz"), TextEdit(range: 6..<9, replacement: "D")]
        let lines = FixedLines(edits, original: original)
        #expect(String(decoding: TextEdit.apply(edits, to: original)!, as: UTF8.self) == "a\nb\nc\nx\ny\nz\nD\nf\ng\n")
        #expect((1...9).map(lines.originalLine(ofFixed:)) == [1, 2, 3, 3, 3, 3, 4, 6, 7])
        #expect((1...7).map(lines.fixedLine(ofOriginal:)) == [1, 2, 3, 7, 7, 8, 9])
    }

    @Test func overlappingEditsAreRefused() {
        #expect(TextEdit.apply([TextEdit(range: 0..<3, replacement: "x"), TextEdit(range: 2..<4, replacement: "y")],
                               to: Array("abcdef".utf8)) == nil)
        #expect(TextEdit.apply([TextEdit(range: 0..<3, replacement: "x"), TextEdit(range: 3..<3, replacement: "y")],
                               to: Array("abcdef".utf8)).map { String(decoding: $0, as: UTF8.self) } == "xydef")
    }
}

/// The reading `fix` compares before it changes anything: the original's plus the remedy must be the fixed text's.
@Suite("Readings of fixed text")
struct ReadValueTests {
    func reading(_ text: String) throws -> ReadValue {
        ReadValue(try #require(try YAMLParser.parse(text).first?.root))
    }

    @Test func theRemedyAppliedToAReadingIsTheReadingOfTheFixedText() throws {
        let container: FieldPath = ["spec", "containers", 0]
        let cases: [(String, Remedy.Change, String)] = [
            ("spec: {containers: [{name: a}]}", .dropAll(creating: .securityContext),
             "spec: {containers: [{name: a, securityContext: {capabilities: {drop: [ALL]}}}]}"),
            ("spec: {containers: [{name: a, securityContext: ~}]}", .dropAll(creating: .securityContext),
             "spec: {containers: [{name: a, securityContext: {capabilities: {drop: ['ALL']}}}]}"),
            ("spec: {containers: [{name: a, securityContext: {capabilities: {drop: [x, y]}}}]}", .dropAll(creating: .none),
             "spec: {containers: [{name: a, securityContext: {capabilities: {drop: [\"ALL\"]}}}]}"),
            ("spec: {containers: [{securityContext: {capabilities: {add: [cap_chown]}}}]}",
             .renameAdded(index: 0, written: "cap_chown", capability: LinuxCapability.named("CHOWN")!),
             "spec: {containers: [{securityContext: {capabilities: {add: [CHOWN]}}}]}"),
        ]
        for (original, change, fixed) in cases {
            #expect(try reading(original).applying(change, at: container) == (try reading(fixed)), "\(original)")
        }
        // What the remedy does not change is compared too: a lost value, or a string that became a number.
        #expect(try reading("a: |+\n  keep\n\nb: 1\n") != (try reading("a: |+\n  keep\nb: 1\n")))
        #expect(try reading("a: '1'\n") != (try reading("a: 1\n")))
    }
}
