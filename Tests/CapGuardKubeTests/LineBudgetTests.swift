import Testing
@testable import CapGuardKube

/// The apiserver's warning recorder (k8s.io/apiserver/pkg/endpoints/filters/warning.go), in runes: what
/// reaches the client from a list of warnings.
func apiserverWarnings(_ warnings: [String], total: Int = 4096, each: Int = 256) -> [String] {
    var seen = Set<String>(), ordered: [String] = [], written: [String] = []
    var count = 0, truncating = false
    func cut(_ text: String) -> String {
        text.unicodeScalars.count > each ? String(String.UnicodeScalarView(text.unicodeScalars.prefix(each))) : text
    }
    for text in warnings where !text.isEmpty {
        if count >= total && truncating { continue }
        guard seen.insert(text).inserted else { continue }
        ordered.append(text)
        let shown = truncating ? cut(text) : text
        if count + shown.unicodeScalars.count <= total || truncating {
            count += shown.unicodeScalars.count
            written.append(shown)
            continue
        }
        truncating = true
        written = ordered.map(cut)
        count = written.reduce(0) { $0 + $1.unicodeScalars.count }
    }
    return written
}

func more(_ count: Int) -> String { "and \(count) more" }

@Suite("Lines within a budget of Unicode scalars")
struct LineBudgetTests {
    @Test func manyWarningsEndWithACountAndPassTheApiserverUntouched() {
        let warnings = (0..<200).map { "spec.containers[\($0)].securityContext.capabilities.drop: must include ALL" }
        let kept = LineBudget.warnings.fit(warnings, more: more)
        #expect(kept.reduce(0) { $0 + $1.unicodeScalars.count } <= 4096)
        #expect(kept.last == more(200 - (kept.count - 1)))
        #expect(apiserverWarnings(kept) == kept)
    }

    @Test func theCountIncludesWhatWasLeftOutBefore() {
        #expect(LineBudget.warnings.fit(["a", "b"], omitted: 7, more: more) == ["a", "b", "and 7 more"])
        let kept = LineBudget.warnings.fit(Array(repeating: String(repeating: "w", count: 200), count: 40).enumerated().map { "\($0)\($1)" },
                                           omitted: 1000, more: more)
        let shown = kept.count - 1
        #expect(kept.last == more(40 - shown + 1000))
    }

    @Test func longLinesAreCutAtScalarsNotGraphemesOrBytes() {
        // A flag is two scalars and one grapheme; "é" as e + combining accent is two scalars; an emoji
        // beyond the BMP is one scalar, four UTF-8 bytes and two UTF-16 units.
        for (unit, scalars) in [("🇫🇷", 2), ("e\u{301}", 2), ("🦀", 1), ("x", 1)] {
            let line = String(repeating: unit, count: 1000)
            let kept = LineBudget.warnings.fit([line], more: more)
            let cut = try! #require(kept.first)
            #expect(kept.count == 1)
            #expect(cut.unicodeScalars.count == 256, "\(unit)")
            #expect(cut.hasSuffix("..."))
            #expect(cut.unicodeScalars.count - 3 == (253 / scalars) * scalars + (253 % scalars), "\(unit)")
            #expect(apiserverWarnings(kept) == kept)
        }
    }

    @Test func theTotalIsCountedInScalars() {
        // 20 warnings of 250 scalars each: 5000 scalars, over 4096, but fewer graphemes (flags) than 4096.
        let flags = (0..<20).map { "\($0) " + String(repeating: "🇫🇷", count: 120) }
        #expect(flags.reduce(0) { $0 + $1.count } < 4096)
        let kept = LineBudget.warnings.fit(flags, more: more)
        #expect(kept.reduce(0) { $0 + $1.unicodeScalars.count } <= 4096)
        #expect(kept.count < flags.count + 1)
        #expect(kept.last?.hasPrefix("and ") == true)
        #expect(apiserverWarnings(kept) == kept)
        // Unbudgeted, the apiserver would have cut every one of them.
        #expect(apiserverWarnings(flags) != flags)
    }

    @Test func repeatedLinesAreKeptOnceAsTheApiserverDoes() {
        #expect(LineBudget.warnings.fit(["a", "b", "a"], more: more) == ["a", "b"])
        #expect(LineBudget.statusMessage.fit(["a", "a"], more: more) == ["a", "a"])
    }

    @Test func joinedLinesCountTheirSeparators() {
        let budget = LineBudget(total: 22, each: 20, separator: 2)
        let kept = budget.fit(["aaaa", "bbbb", "cccc", "dddd", "eeee"], more: more)
        #expect(kept.joined(separator: "; ").unicodeScalars.count <= 22)
        #expect(budget.fit(["aaaa", "bbbb", "cccc", "dddd", "eeee"].map { $0 }, more: more).count == 3)
        #expect(LineBudget(total: 21, each: 20, separator: 2).fit(["aaaa", "bbbb", "cccc"], more: more) == ["aaaa", "and 2 more"])
        #expect(kept == ["aaaa", "bbbb", "and 3 more"])
    }

    @Test func fewLinesPassUntouched() {
        #expect(LineBudget.warnings.fit(["a", "b"], more: more) == ["a", "b"])
        #expect(LineBudget.warnings.fit([], more: more) == [])
    }
}
