/// "Did you mean": the candidate within two edits of what was typed, ignoring case.
public enum NearestName {
    public static func closest(to typed: String, among candidates: some Sequence<String>) -> String? {
        let typedBytes = Array(typed.uppercased().utf8)
        guard !typedBytes.isEmpty, typedBytes.count < 64 else { return nil }
        var best: (candidate: String, distance: Int)?
        for candidate in candidates {
            let distance = editDistance(typedBytes, Array(candidate.uppercased().utf8))
            if distance <= 2, distance < (best?.distance ?? .max) { best = (candidate, distance) }
        }
        return best?.candidate
    }

    /// Levenshtein distance over bytes; `a` is not empty.
    private static func editDistance(_ a: [UInt8], _ b: [UInt8]) -> Int {
        guard !b.isEmpty else { return a.count }
        var previous = Array(0...b.count)
        var current = previous
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                let substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)
                current[j] = min(previous[j] + 1, current[j - 1] + 1, substitution)
            }
            swap(&previous, &current)
        }
        return previous[b.count]
    }
}
