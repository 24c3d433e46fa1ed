/// A unified diff of two versions of a file (`diff -u`, `git diff`), made from the lines that differ between
/// them, with three lines of context; `patch -p1` and `git apply` take it with `a/` and `b/` names.
struct UnifiedDiff {
    let path: String
    let old: [UInt8]
    let new: [UInt8]

    static let context = 3

    /// The diff text, or nil when the versions are the same.
    var text: String? {
        let oldLines = Self.lines(old), newLines = Self.lines(new)
        var prefix = 0
        while prefix < oldLines.count, prefix < newLines.count, oldLines[prefix] == newLines[prefix] { prefix += 1 }
        guard prefix < oldLines.count || prefix < newLines.count else { return nil }
        var out = "--- a/\(path)\n+++ b/\(path)\n"
        for hunk in Self.changes(oldLines, newLines, from: prefix).hunks(context: Self.context, oldCount: oldLines.count) {
            out += hunk.render(oldLines, newLines)
        }
        return out
    }

    /// Lines with their line breaks (`\n`, and a `\r` before it stays part of the line).
    static func lines(_ bytes: [UInt8]) -> [ArraySlice<UInt8>] {
        var lines: [ArraySlice<UInt8>] = []
        var start = 0
        for index in bytes.indices where bytes[index] == UInt8(ascii: "\n") {
            lines.append(bytes[start...index])
            start = index + 1
        }
        if start < bytes.count { lines.append(bytes[start...]) }
        return lines
    }

    /// One run of differing lines: old lines `oldStart..<oldEnd` became new lines `newStart..<newEnd`.
    struct Change {
        var oldStart: Int, oldEnd: Int, newStart: Int, newEnd: Int
    }

    /// The runs of differing lines, found by the longest common subsequence of the lines between the first
    /// and the last difference; the fix changes few lines, so this walks the text about once (Myers' greedy
    /// algorithm, whose cost grows with the number of differences).
    static func changes(_ a: [ArraySlice<UInt8>], _ b: [ArraySlice<UInt8>], from prefix: Int) -> ChangeList {
        var suffix = 0
        while suffix < a.count - prefix, suffix < b.count - prefix, a[a.count - 1 - suffix] == b[b.count - 1 - suffix] { suffix += 1 }
        let x = Array(a[prefix..<(a.count - suffix)]), y = Array(b[prefix..<(b.count - suffix)])
        let n = x.count, m = y.count
        let offset = n + m + 1
        var frontier = [Int](repeating: 0, count: 2 * offset + 1)
        var trace: [[Int]] = []
        search: for d in 0...(n + m) {
            trace.append(frontier)
            for k in stride(from: -d, through: d, by: 2) {
                var i = (k == -d || (k != d && frontier[offset + k - 1] < frontier[offset + k + 1]))
                    ? frontier[offset + k + 1] : frontier[offset + k - 1] + 1
                var j = i - k
                while i < n, j < m, x[i] == y[j] { i += 1; j += 1 }
                frontier[offset + k] = i
                if i >= n, j >= m { break search }
            }
        }
        // Walk back through the trace: each step is one deleted or inserted line.
        var steps: [(old: Int?, new: Int?)] = []
        var i = n, j = m
        for d in stride(from: trace.count - 1, to: 0, by: -1) {
            let previous = trace[d]
            let k = i - j
            let down = k == -d || (k != d && previous[offset + k - 1] < previous[offset + k + 1])
            let previousK = down ? k + 1 : k - 1
            let previousI = previous[offset + previousK], previousJ = previousI - previousK
            while i > previousI, j > previousJ { i -= 1; j -= 1 }
            if down { j -= 1; steps.append((nil, j)) } else { i -= 1; steps.append((i, nil)) }
        }
        var list = ChangeList()
        for step in steps.reversed() {
            let oldIndex = prefix + (step.old ?? 0), newIndex = prefix + (step.new ?? 0)
            list.add(deleting: step.old.map { _ in oldIndex }, inserting: step.new.map { _ in newIndex })
        }
        return list
    }

    struct ChangeList {
        var changes: [Change] = []
        /// Old lines before the current position that were kept, to place insertions.
        private var lastOld = 0
        private var lastNew = 0

        mutating func add(deleting oldLine: Int?, inserting newLine: Int?) {
            if let oldLine {
                let newPosition = lastNew + (oldLine - lastOld)
                extend(Change(oldStart: oldLine, oldEnd: oldLine + 1, newStart: newPosition, newEnd: newPosition))
            } else if let newLine {
                let oldPosition = lastOld + (newLine - lastNew)
                extend(Change(oldStart: oldPosition, oldEnd: oldPosition, newStart: newLine, newEnd: newLine + 1))
            }
        }

        private mutating func extend(_ change: Change) {
            if var last = changes.last, last.oldEnd == change.oldStart, last.newEnd == change.newStart {
                last.oldEnd = change.oldEnd
                last.newEnd = change.newEnd
                changes[changes.count - 1] = last
            } else {
                changes.append(change)
            }
            lastOld = change.oldEnd
            lastNew = change.newEnd
        }

        func hunks(context: Int, oldCount: Int) -> [Hunk] {
            var hunks: [Hunk] = []
            for change in changes {
                if var last = hunks.last, change.oldStart - last.changes.last!.oldEnd <= 2 * context {
                    last.changes.append(change)
                    hunks[hunks.count - 1] = last
                } else {
                    hunks.append(Hunk(changes: [change], context: context, oldCount: oldCount))
                }
            }
            return hunks
        }
    }

    struct Hunk {
        var changes: [Change]
        let context: Int
        let oldCount: Int

        func render(_ old: [ArraySlice<UInt8>], _ new: [ArraySlice<UInt8>]) -> String {
            let first = changes.first!, last = changes.last!
            let oldStart = max(0, first.oldStart - context)
            let newStart = first.newStart - (first.oldStart - oldStart)
            let oldEnd = min(oldCount, last.oldEnd + context)
            let newEnd = last.newEnd + (oldEnd - last.oldEnd)
            var body = ""
            var oldLine = oldStart
            for change in changes {
                while oldLine < change.oldStart { body += Self.line(" ", old[oldLine]); oldLine += 1 }
                for index in change.oldStart..<change.oldEnd { body += Self.line("-", old[index]) }
                for index in change.newStart..<change.newEnd { body += Self.line("+", new[index]) }
                oldLine = change.oldEnd
            }
            while oldLine < oldEnd { body += Self.line(" ", old[oldLine]); oldLine += 1 }
            return "@@ -\(Self.range(oldStart, oldEnd - oldStart)) +\(Self.range(newStart, newEnd - newStart)) @@\n" + body
        }

        /// `start,count` with lines counted from 1; an empty range names the line before it.
        private static func range(_ start: Int, _ count: Int) -> String {
            count == 0 ? "\(start),0" : "\(start + 1),\(count)"
        }

        private static func line(_ marker: String, _ bytes: ArraySlice<UInt8>) -> String {
            let text = marker + String(decoding: bytes, as: UTF8.self)
            return bytes.last == UInt8(ascii: "\n") ? text : text + "\n\\ No newline at end of file\n"
        }
    }
}
