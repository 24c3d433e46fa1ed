import Testing
import CapGuardYAML

@Suite struct YAMLErrorTests {
    struct Case: CustomTestStringConvertible, Sendable {
        let source: String
        let line: Int
        let column: Int
        let message: String
        var testDescription: String { source.debugDescription }
    }

    @Test(arguments: [
        Case(source: "a: 1\nb", line: 3, column: 1,
             message: "could not find expected ':' (while scanning a simple key at line 2, column 1)"),
        Case(source: "a: [1, 2\n", line: 2, column: 1,
             message: "did not find expected ',' or ']' (while parsing a flow sequence at line 1, column 4)"),
        Case(source: "a: {b: 1\n", line: 2, column: 1,
             message: "did not find expected ',' or '}' (while parsing a flow mapping at line 1, column 4)"),
        Case(source: "key: value\n  bad: x\n", line: 2, column: 6,
             message: "mapping values are not allowed in this context"),
        Case(source: "a: b: c\n", line: 1, column: 5,
             message: "mapping values are not allowed in this context"),
        Case(source: "- a\nb: c\n", line: 2, column: 1,
             message: "did not find expected '-' indicator (while parsing a block collection at line 1, column 1)"),
        Case(source: "a: 'unterminated\n", line: 2, column: 1,
             message: "found unexpected end of stream (while scanning a quoted scalar at line 1, column 4)"),
        Case(source: "a:\n\tb: 1\n", line: 2, column: 1,
             message: "found character that cannot start any token (while scanning for the next token)"),
        Case(source: #"a: "\q""#, line: 1, column: 5,
             message: "found unknown escape character (while parsing a quoted scalar at line 1, column 4)"),
        Case(source: "%FOO\n", line: 1, column: 5,
             message: "found unknown directive name (while scanning a directive at line 1, column 1)"),
        Case(source: "spec:\n  ü: [\"ok\", \"\\ud83d\"]\n", line: 2, column: 16,
             message: "found invalid Unicode character escape code (while parsing a quoted scalar at line 2, column 13)"),
    ])
    func brokenYAMLReportsWhereAndWhat(_ example: Case) throws {
        let error = try #require(parseError(example.source))
        #expect(error.mark == YAMLMark(line: example.line, column: example.column))
        #expect(error.message == example.message)
    }

    @Test func descriptionLeadsWithTheMark() {
        let error = YAMLError(message: "something is wrong", mark: YAMLMark(line: 2, column: 7))
        #expect(error.description == "line 2, column 7: something is wrong")
    }

    @Test func invalidUTF8IsReportedAtItsCharacter() throws {
        let error = try #require(parseError(Array("a: ok\nb: x".utf8) + [0xFF, 0x0A]))
        #expect(error.message == "invalid leading UTF-8 octet (0xFF)")
        #expect(error.mark == YAMLMark(line: 2, column: 5))
    }

    @Test func invalidUTF8ColumnCountsCharactersNotBytes() throws {
        let error = try #require(parseError(Array("é: ü".utf8) + [0xC3, 0x28]))
        // The mark is that of the offending byte "(", after "é", ":", " ", "ü" and the lone lead byte.
        #expect(error.message == "invalid trailing UTF-8 octet (0x28)")
        #expect(error.mark == YAMLMark(line: 1, column: 6))
    }

    @Test func truncatedUTF8AtTheEnd() throws {
        let error = try #require(parseError(Array("a: 1\r\nb: 2\r\n".utf8) + [0xE2, 0x82]))
        #expect(error.message == "incomplete UTF-8 octet sequence")
        #expect(error.mark == YAMLMark(line: 3, column: 1))
    }

    @Test func invalidUTF8AfterByteOrderMark() throws {
        let error = try #require(parseError([0xEF, 0xBB, 0xBF] + Array("ab".utf8) + [0xC0, 0x80]))
        #expect(error.mark == YAMLMark(line: 1, column: 3))
    }

    @Test func controlCharactersAreRefused() throws {
        let error = try #require(parseError("a: \u{01}\n"))
        #expect(error.message == "control characters are not allowed (U+0001)")
        #expect(error.mark == YAMLMark(line: 1, column: 4))
    }

    @Test func invalidUTF16IsReportedAtItsCharacter() throws {
        let units: [UInt16] = Array("a: 1\nbé: ".utf16) + [0xDC00]
        let error = try #require(parseError([0xFF, 0xFE] + units.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }))
        #expect(error.mark == YAMLMark(line: 2, column: 5))
    }

    /// Every prefix of a realistic document, and many corrupted copies of it, must either parse or fail
    /// with a YAMLError carrying a real position: never crash, never hang.
    @Test func neverCrashesOnDamagedInput() {
        let source = Array("""
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: "wéb", labels: &labels {app: web}}
            spec:
              selector: {matchLabels: *labels}
              template:
                metadata: {labels: *labels}
                spec:
                  containers:
                  - name: app
                    image: 'nginx:1.27'
                    args: ["--x=\\u00e9", "\\ud83d\\ude00"]
                    securityContext:
                      capabilities: {drop: [ALL], add: [NET_BIND_SERVICE]}
                    <<: {privileged: false}
                    script: |
                      echo hi
            ---
            [1, 2, {a: *labels}]

            """.utf8)
        var inputs: [[UInt8]] = (0...source.count).map { Array(source[..<$0]) }
        var generator = SplitMix64(seed: 0x5EED)
        let interesting: [UInt8] = Array(":-[]{},&*!|>'\"#%@`\\? \n\t".utf8) + [0x00, 0x80, 0xC3, 0xFF, 0xEF]
        for _ in 0..<3000 {
            var damaged = source
            for _ in 0..<Int(generator.next() % 4 + 1) {
                let position = Int(generator.next() % UInt64(damaged.count))
                let byte = interesting[Int(generator.next() % UInt64(interesting.count))]
                switch generator.next() % 3 {
                case 0: damaged[position] = byte
                case 1: damaged.insert(byte, at: position)
                default: damaged.remove(at: position)
                }
            }
            inputs.append(damaged)
        }
        for input in inputs {
            do {
                _ = try YAMLParser.parse(input)
            } catch {
                #expect(error.mark.line >= 1 && error.mark.column >= 1 && !error.message.isEmpty)
            }
        }
    }
}

/// A small deterministic generator so that the damaged inputs are the same on every run.
struct SplitMix64 {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
