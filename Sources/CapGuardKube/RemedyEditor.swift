import CapGuardPolicy
import CapGuardYAML

/// Turns the remedy of one container into edits of the text it was read from, using the extents the YAML
/// layer keeps for every node. What the remedy does not change stays byte for byte: new keys are written
/// at their siblings' indentation in a block mapping and in flow syntax in a flow mapping (quoted in JSON),
/// with the line ending of the line they follow.
///
/// A node written as an alias, carrying an anchor, or merged in with `<<` is shared with other places of
/// the file: editing it would change them too, silently. Such a container is refused instead
/// (`Refusal.sharedText`) and keeps its violation, which then needs a decision.
struct RemedyEditor {
    enum Refusal: Error, Equatable {
        /// The field at this path below the container is written as an anchor, an alias or a merge.
        case sharedText(FieldPath)
        /// The field holds something the policy would not have read (it cannot happen after decoding).
        case unexpectedShape(FieldPath)
    }

    let bytes: [UInt8]
    /// The file is a stream of JSON values: new text is JSON.
    let isJSON: Bool

    /// The node of the container at `path` below `root`, checked on its way down.
    func node(at path: FieldPath, below root: YAMLNode) throws(Refusal) -> YAMLNode {
        try checkNotShared(root, at: FieldPath())
        var current = root
        var walked = FieldPath()
        for component in path.components {
            walked = walked.appending(component)
            let child: YAMLNode?
            switch component {
            case .key(let key):
                let pair = Self.pair(key, in: current)
                if pair?.isMerged == true { throw .sharedText(walked) }
                child = pair?.value
            case .index(let index): child = current.sequence.flatMap { $0.indices.contains(index) ? $0[index] : nil }
            }
            guard let child else { throw .unexpectedShape(walked) }
            try checkNotShared(child, at: walked, inside: current)
            current = child
        }
        return current
    }

    func edits(for change: Remedy.Change, container: YAMLNode, sequenceIndent: Int) throws(Refusal) -> [TextEdit] {
        switch change {
        case .dropAll: return try dropAll(container, sequenceIndent: sequenceIndent)
        case .renameAdded(let index, _, let capability):
            let path: FieldPath = ["securityContext", "capabilities", "add", .index(index)]
            let entry = try node(at: path, below: container)
            return [TextEdit(range: entry.extent, replacement: scalarText(capability.name, replacing: entry))]
        }
    }

    /// The pair whose value kubectl keeps: the last one with this key.
    private static func pair(_ key: String, in mapping: YAMLNode) -> YAMLNode.Pair? {
        mapping.mapping?.last { $0.key.scalar?.value == key }
    }

    // MARK: drop: [ALL]

    private func dropAll(_ container: YAMLNode, sequenceIndent: Int) throws(Refusal) -> [TextEdit] {
        let keys = ["securityContext", "capabilities", "drop"]
        var mapping = container
        var walked = FieldPath()
        for (depth, key) in keys.enumerated() {
            let remaining = Array(keys[depth...])
            guard let pair = Self.pair(key, in: mapping) else {
                return [try insertion(of: remaining, into: mapping, at: walked, sequenceIndent: sequenceIndent)]
            }
            walked = walked.appending(.key(key))
            if pair.isMerged { throw .sharedText(walked) }
            let value = pair.value
            try checkNotShared(value, at: walked, inside: mapping)
            if value.isNull {
                return [replacementOfNull(value, with: Array(remaining.dropFirst()), quoted: quotesKeys(mapping))]
            }
            if depth == keys.count - 1 {
                return [try replacementOfItems(value, at: walked, quoted: quotesKeys(mapping))]
            }
            guard value.mapping != nil else { throw .unexpectedShape(walked) }
            mapping = value
        }
        return []
    }

    /// `keys` (the first one new in `mapping`) down to `drop: [ALL]`, added as the last pair of `mapping`.
    private func insertion(of keys: [String], into mapping: YAMLNode, at path: FieldPath, sequenceIndent: Int) throws(Refusal) -> TextEdit {
        guard let allPairs = mapping.mapping else { throw .unexpectedShape(path) }
        // New text goes after the mapping's own pairs: merged ones are written elsewhere.
        let pairs = allPairs.filter { !$0.isMerged }
        if pairs.count < allPairs.count && pairs.isEmpty { throw .sharedText(path) }
        let quoted = quotesKeys(mapping)
        if mapping.collectionStyle == .flow {
            guard let last = pairs.last else {
                let open = firstIndex(of: UInt8(ascii: "{"), in: mapping.extent) ?? mapping.extent.lowerBound
                return TextEdit(range: open + 1..<open + 1, replacement: flowValue(keys, quoted: quoted, pretty: nil))
            }
            let end = last.value.extent.upperBound
            if let layout = prettyLayout(of: mapping, firstKey: pairs[0].key) {
                let text = "," + layout.lineEnding + layout.indent + flowValue(keys, quoted: quoted, pretty: layout)
                return TextEdit(range: end..<end, replacement: text)
            }
            return TextEdit(range: end..<end, replacement: ", " + flowValue(keys, quoted: quoted, pretty: nil))
        }
        guard let first = pairs.first, let last = pairs.last else { throw .unexpectedShape(path) }
        let indent = column(of: first.key.extent.lowerBound)
        var end = lineEnd(after: last.value.extent.upperBound)
        if keepsTrailingLines(last.value) { end = endOfBlankLines(after: end) }
        var text = ""
        for (depth, key) in keys.enumerated() {
            let spaces = String(repeating: " ", count: indent + 2 * depth)
            text += lineEnding(at: end) + spaces + key + ":"
            if depth == keys.count - 1 {
                text += lineEnding(at: end) + String(repeating: " ", count: indent + 2 * depth + sequenceIndent) + "- ALL"
            }
        }
        return TextEdit(range: end..<end, replacement: text)
    }

    /// A null value (`securityContext:`, `~`, `null`) replaced by the rest of the path in flow syntax.
    private func replacementOfNull(_ value: YAMLNode, with keys: [String], quoted: Bool) -> TextEdit {
        var text = keys.isEmpty ? list(quoted: quoted) : "{" + flowValue(keys, quoted: quoted, pretty: nil) + "}"
        if value.extent.isEmpty, value.extent.lowerBound > 0, bytes[value.extent.lowerBound - 1] == UInt8(ascii: ":") {
            text = " " + text
        }
        return TextEdit(range: value.extent, replacement: text)
    }

    /// The entries of the drop list replaced by `ALL`, the list's brackets, dashes and layout kept.
    private func replacementOfItems(_ list: YAMLNode, at path: FieldPath, quoted: Bool) throws(Refusal) -> TextEdit {
        guard let items = list.sequence else { throw .unexpectedShape(path) }
        for (index, item) in items.enumerated() {
            try checkNotShared(item, at: path.appending(.index(index)), inside: list)
        }
        guard let first = items.first, let last = items.last else {
            let open = firstIndex(of: UInt8(ascii: "["), in: list.extent) ?? list.extent.lowerBound
            return TextEdit(range: open + 1..<open + 1, replacement: quoted ? "\"ALL\"" : "ALL")
        }
        return TextEdit(range: first.extent.lowerBound..<last.extent.upperBound, replacement: scalarText("ALL", replacing: first))
    }

    // MARK: Text

    /// `name` written as `node` is: in the same quotes, after the same tag.
    private func scalarText(_ name: String, replacing node: YAMLNode) -> String {
        var prefix = ""
        if bytes[node.extent.lowerBound] == UInt8(ascii: "!"),
           let space = node.extent.firstIndex(where: { bytes[$0] == UInt8(ascii: " ") || bytes[$0] == UInt8(ascii: "\t") }) {
            prefix = String(decoding: bytes[node.extent.lowerBound...space], as: UTF8.self)
        }
        if isJSON { return prefix + "\"" + name + "\"" }
        switch node.scalar?.style {
        case .doubleQuoted: return prefix + "\"" + name + "\""
        case .singleQuoted: return prefix + "'" + name + "'"
        default: return prefix + name
        }
    }

    private func list(quoted: Bool) -> String { quoted ? "[\"ALL\"]" : "[ALL]" }

    /// `a: {b: {drop: [ALL]}}` for keys `a`, `b`, `drop`; over several lines when `pretty` gives the layout.
    private func flowValue(_ keys: [String], quoted: Bool, pretty: PrettyLayout?) -> String {
        func key(_ name: String) -> String { quoted ? "\"" + name + "\"" : name }
        guard let pretty else {
            var text = key(keys.last!) + ": " + list(quoted: quoted)
            for name in keys.dropLast().reversed() { text = key(name) + ": {" + text + "}" }
            return text
        }
        let eol = pretty.lineEnding
        func spaces(_ depth: Int) -> String { pretty.indent + String(repeating: " ", count: pretty.step * depth) }
        let depth = keys.count
        var text = key(keys.last!) + ": [" + eol + spaces(depth) + (quoted ? "\"ALL\"" : "ALL") + eol + spaces(depth - 1) + "]"
        for (level, name) in keys.dropLast().enumerated().reversed() {
            text = key(name) + ": {" + eol + spaces(level + 1) + text + eol + spaces(level) + "}"
        }
        return text
    }

    /// How a flow mapping written over several lines lays out its pairs (as `kubectl get -o json` does).
    struct PrettyLayout {
        let indent: String
        let step: Int
        let lineEnding: String
    }

    private func prettyLayout(of mapping: YAMLNode, firstKey: YAMLNode) -> PrettyLayout? {
        let keyStart = firstKey.extent.lowerBound
        guard let open = firstIndex(of: UInt8(ascii: "{"), in: mapping.extent),
              bytes[open..<keyStart].contains(UInt8(ascii: "\n")) else { return nil }
        let indent = column(of: keyStart)
        let step = indent - leadingSpaces(ofLineAt: open)
        return PrettyLayout(indent: String(repeating: " ", count: indent), step: step > 0 ? step : 2,
                            lineEnding: lineEnding(at: lineEnd(after: open)))
    }

    /// Keys are quoted in JSON and in a flow mapping whose first key is.
    private func quotesKeys(_ mapping: YAMLNode) -> Bool {
        isJSON || mapping.mapping?.first?.key.scalar?.style == .doubleQuoted
    }

    private func firstIndex(of byte: UInt8, in range: Range<Int>) -> Int? {
        range.first { bytes[$0] == byte }
    }

    private func lineStart(of offset: Int) -> Int {
        var start = offset
        while start > 0, bytes[start - 1] != UInt8(ascii: "\n"), bytes[start - 1] != UInt8(ascii: "\r") { start -= 1 }
        return start
    }

    /// The characters between the start of the line and `offset`, as a column of spaces.
    private func column(of offset: Int) -> Int {
        bytes[lineStart(of: offset)..<offset].reduce(0) { $0 + ($1 & 0xC0 == 0x80 ? 0 : 1) }
    }

    private func leadingSpaces(ofLineAt offset: Int) -> Int {
        bytes[lineStart(of: offset)...].prefix { $0 == UInt8(ascii: " ") }.count
    }

    /// The end of the line `offset` is on, before its line break: a new line goes there, after any comment.
    private func lineEnd(after offset: Int) -> Int {
        var end = offset
        while end < bytes.count, bytes[end] != UInt8(ascii: "\n"), bytes[end] != UInt8(ascii: "\r") { end += 1 }
        return end
    }

    /// Whether the text ends with a block scalar of keep chomping (`|+`, `>+`), whose trailing blank lines
    /// are part of its value: new lines go after them.
    private func keepsTrailingLines(_ node: YAMLNode) -> Bool {
        switch node.content {
        case .mapping(let pairs): return pairs.last.map { keepsTrailingLines($0.value) } ?? false
        case .sequence(let items): return items.last.map(keepsTrailingLines) ?? false
        case .scalar(let scalar):
            guard scalar.style == .literal || scalar.style == .folded else { return false }
            let header = bytes[node.extent].prefix { $0 != UInt8(ascii: "\n") && $0 != UInt8(ascii: "\r") && $0 != UInt8(ascii: "#") }
            return header.contains(UInt8(ascii: "+"))
        }
    }

    /// The end of the last of the lines after `offset` that hold only spaces, or `offset` when there are none.
    private func endOfBlankLines(after offset: Int) -> Int {
        var end = offset
        var cursor = offset
        while cursor < bytes.count {
            if bytes[cursor] == UInt8(ascii: "\r") || bytes[cursor] == UInt8(ascii: "\n") {
                cursor += bytes[cursor] == UInt8(ascii: "\r") && cursor + 1 < bytes.count && bytes[cursor + 1] == UInt8(ascii: "\n") ? 2 : 1
                let next = lineEnd(after: cursor)
                guard bytes[cursor..<next].allSatisfy({ $0 == UInt8(ascii: " ") }), next < bytes.count else { return end }
                end = next
                cursor = next
            } else {
                return end
            }
        }
        return end
    }

    /// The line break at `offset`, or the file's first one (a line feed if it has none) at its end.
    private func lineEnding(at offset: Int) -> String {
        var at = offset
        if at >= bytes.count {
            guard let first = bytes.firstIndex(where: { $0 == UInt8(ascii: "\n") || $0 == UInt8(ascii: "\r") }) else { return "\n" }
            at = first
        }
        if bytes[at] == UInt8(ascii: "\r") { return at + 1 < bytes.count && bytes[at + 1] == UInt8(ascii: "\n") ? "\r\n" : "\r" }
        return "\n"
    }

    // MARK: Shared text

    /// Refuses an alias, an anchored node, and a value that lies outside its parent's text (merged with `<<`).
    private func checkNotShared(_ node: YAMLNode, at path: FieldPath, inside parent: YAMLNode? = nil) throws(Refusal) {
        if node.isAlias || hasAnchor(node) { throw .sharedText(path) }
        if let parent, !node.extent.isEmpty, !parent.extent.contains(node.extent.lowerBound) || node.extent.upperBound > parent.extent.upperBound {
            throw .sharedText(path)
        }
    }

    /// Whether the node's properties (a tag and an anchor, in either order) include an anchor.
    private func hasAnchor(_ node: YAMLNode) -> Bool {
        var offset = node.extent.lowerBound
        while offset < node.extent.upperBound, bytes[offset] == UInt8(ascii: "!") || bytes[offset] == UInt8(ascii: "&") {
            if bytes[offset] == UInt8(ascii: "&") { return true }
            while offset < node.extent.upperBound, !Self.isSpace(bytes[offset]) { offset += 1 }
            while offset < node.extent.upperBound, Self.isSpace(bytes[offset]) { offset += 1 }
        }
        return false
    }

    private static func isSpace(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") || byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\r")
    }
}
