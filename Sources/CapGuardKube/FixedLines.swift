import CapGuardYAML

/// How the lines of a file move when edits are made to it, so that a finding is reported at its line in the
/// text the user has: the original when the fix is only printed or shown as a diff, the fixed file when it
/// was written. Line breaks are counted as the YAML layer counts them (CRLF, CR or LF each end a line).
public struct FixedLines: Sendable, Hashable {
    /// One edit, in lines: it starts on `originalStart` (the same line as `fixedStart` in the fixed text),
    /// replaces `removed` line breaks with `added`, and moves every later line by `shiftAfter`.
    struct Edit: Sendable, Hashable {
        let originalStart: Int
        let fixedStart: Int
        let removed: Int
        let added: Int
        let shiftAfter: Int
    }

    private let edits: [Edit]

    init(_ textEdits: [TextEdit], original: [UInt8]) {
        var edits: [Edit] = []
        var line = 1
        var offset = 0
        var shift = 0
        for edit in textEdits.sorted(by: { $0.range.lowerBound < $1.range.lowerBound }) {
            line += Self.lineBreaks(in: original[offset..<edit.range.lowerBound])
            offset = edit.range.lowerBound
            let removed = Self.lineBreaks(in: original[edit.range])
            let added = Self.lineBreaks(in: edit.replacement[...])
            let fixedStart = line + shift
            shift += added - removed
            edits.append(Edit(originalStart: line, fixedStart: fixedStart, removed: removed, added: added, shiftAfter: shift))
        }
        self.edits = edits
    }

    /// The line of the original text that a line of the fixed text comes from (the edit's first line for a
    /// line the fix wrote).
    public func originalLine(ofFixed line: Int) -> Int {
        guard let edit = lastEdit(startingAtOrBefore: line, \.fixedStart) else { return line }
        if line > edit.fixedStart + edit.added { return line - edit.shiftAfter }
        return edit.originalStart + min(line - edit.fixedStart, edit.removed)
    }

    /// The line of the fixed text where a line of the original text now is.
    public func fixedLine(ofOriginal line: Int) -> Int {
        guard let edit = lastEdit(startingAtOrBefore: line, \.originalStart) else { return line }
        if line > edit.originalStart + edit.removed { return line + edit.shiftAfter }
        return edit.fixedStart + min(line - edit.originalStart, edit.added)
    }

    /// The last edit whose start is at or before `line`, by bisection: both starts grow with the edits, and a
    /// file may have many edits and many findings.
    private func lastEdit(startingAtOrBefore line: Int, _ start: KeyPath<Edit, Int>) -> Edit? {
        var low = 0, high = edits.count
        while low < high {
            let middle = (low + high) / 2
            if edits[middle][keyPath: start] <= line { low = middle + 1 } else { high = middle }
        }
        return low > 0 ? edits[low - 1] : nil
    }

    private static func lineBreaks(in bytes: ArraySlice<UInt8>) -> Int {
        var count = 0
        var previous: UInt8 = 0
        for byte in bytes {
            if byte == UInt8(ascii: "\n") {
                if previous != UInt8(ascii: "\r") { count += 1 }
            } else if byte == UInt8(ascii: "\r") {
                count += 1
            }
            previous = byte
        }
        return count
    }
}
