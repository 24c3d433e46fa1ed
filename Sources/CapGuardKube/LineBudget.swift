import CapGuardPolicy

/// Fits lines of text into a budget counted in Unicode scalars, ending with one line that says how many
/// were left out.
///
/// Scalars are what the apiserver counts for warnings (Go runes: `utf8.RuneCountInString`), not grapheme
/// clusters or bytes: a flag is two, `e` with a combining accent is two, an emoji is one. Its rule
/// (k8s.io/apiserver/pkg/endpoints/filters/warning.go): identical warnings are kept once; while the total
/// stays within 4096 runes every warning passes whole; the warning that would pass 4096 switches it to
/// truncating, which cuts every warning, earlier ones included, to 256 runes, and drops each warning that
/// arrives once 4096 runes are written. Keeping each warning within 256 runes and all of them within 4096
/// means the apiserver passes capguard's warnings exactly as written, the closing line included.
public struct LineBudget: Sendable, Hashable {
    /// Scalars for all lines together, separators and the closing line included.
    public let total: Int
    /// Scalars for one line; a longer line is cut and ends with "...".
    public let each: Int
    /// Scalars between two lines once they are joined (0 for a list).
    public let separator: Int
    /// Whether a line repeated is kept once, as the apiserver does with warnings.
    public let dropsRepeats: Bool

    /// The `warnings` of a response: the apiserver's own limits.
    public static let warnings = LineBudget(total: 4096, each: 256, separator: 0, dropsRepeats: true)
    /// `status.message` of a denial, one violation per line: what kubectl prints after "denied the request:".
    public static let statusMessage = LineBudget(total: 16384, each: 2048, separator: 1)
    /// The `violations` audit annotation, warnings joined by "; ": stored with every audit event.
    public static let auditAnnotation = LineBudget(total: 4096, each: 256, separator: 2)

    public init(total: Int, each: Int, separator: Int, dropsRepeats: Bool = false) {
        self.total = total
        self.each = each
        self.separator = separator
        self.dropsRepeats = dropsRepeats
    }

    /// `lines`, each cut to `each` scalars (and repeated ones kept once if `dropsRepeats`), as many as fit,
    /// then one line from `more` with the count of lines that did not fit plus `omitted` (lines left out
    /// before).
    public func fit(_ lines: [String], omitted: Int = 0, more: (Int) -> String) -> [String] {
        var unique = lines
        if dropsRepeats && lines.count > 1 {
            var seen = Set<String>()
            unique = lines.filter { seen.insert($0).inserted }
        }
        var kept: [String] = []
        kept.reserveCapacity(unique.count + 1)
        var used = 0
        for (index, line) in unique.enumerated() {
            let (cut, length) = Self.cut(line, to: each)
            let cost = length + (kept.isEmpty ? 0 : separator)
            let after = unique.count - index - 1 + omitted
            let reserve = after > 0 ? more(after).unicodeScalars.count + separator : 0
            if used + cost + reserve > total { return kept + [more(unique.count - index + omitted)] }
            kept.append(cut)
            used += cost
        }
        return omitted > 0 ? kept + [more(omitted)] : kept
    }

    /// `line` if it has at most `limit` scalars, else its first `limit - 3` scalars and "...", with its length
    /// in scalars.
    static func cut(_ line: String, to limit: Int) -> (String, Int) {
        let scalars = line.unicodeScalars
        let count = scalars.count
        guard count > limit else { return (line, count) }
        var cut = String.UnicodeScalarView(scalars.prefix(limit - 3))
        cut.append(contentsOf: "...".unicodeScalars)
        return (String(cut), limit)
    }
}
