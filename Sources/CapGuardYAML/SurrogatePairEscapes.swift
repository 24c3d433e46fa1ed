import CapGuardJSON

/// libyaml decodes each `\u` escape on its own and refuses a lone surrogate, so the pair
/// `\uD83D\uDE00` that JSON encoders write for a character beyond U+FFFF does not parse.
/// This finds such pairs so they can be rewritten as the equivalent `\U0001F600` before libyaml
/// reads the text.
///
/// Backslashes are paired the way a double-quoted scalar pairs them. Elsewhere (plain, single-quoted
/// and block scalars, comments) a backslash is just a character, so a rewrite there would change the
/// text; the parser confirms each rewrite against the double-quoted scalars libyaml reports and keeps
/// only those.
struct SurrogatePairEscapes {
    struct Occurrence {
        /// Byte offset of the escape's backslash.
        let offset: Int
        /// Where the escape starts in the original text.
        let position: TextPosition
        let scalar: UInt32
    }

    /// Length of `\uD83D\uDE00`, and the two characters that `\U0001F600` saves.
    static let pairLength = 12
    static let savedLength = 2

    let occurrences: [Occurrence]

    init(scanning input: UnsafeBufferPointer<UInt8>) {
        guard TextPositionCounter.utf16ByteOrder(of: input) == nil else {
            occurrences = []
            return
        }
        var found: [Occurrence] = []
        var counter = TextPositionCounter(input)
        var index = 0
        while index < input.count {
            guard input[index] == UInt8(ascii: "\\") else {
                index += 1
                continue
            }
            if let scalar = Self.pair(at: index, in: input) {
                counter.advance(to: index)
                found.append(Occurrence(offset: index, position: counter.position, scalar: scalar))
                index += Self.pairLength
            } else {
                index += 2
            }
        }
        occurrences = found
    }

    /// The input with the chosen occurrences (in input order) rewritten.
    static func rewrite(_ input: UnsafeBufferPointer<UInt8>, _ chosen: [Occurrence]) -> (bytes: [UInt8], rewrites: EscapeRewrites) {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(input.count)
        var positions: [TextPosition] = []
        var offsets: [Int] = []
        var copiedUpTo = 0
        var savedOnLine = (line: -1, columns: 0)
        for occurrence in chosen {
            bytes.append(contentsOf: input[copiedUpTo..<occurrence.offset])
            offsets.append(bytes.count)
            bytes.append(contentsOf: "\\U".utf8)
            bytes.append(contentsOf: hexDigits(occurrence.scalar))
            copiedUpTo = occurrence.offset + pairLength

            if savedOnLine.line != occurrence.position.line {
                savedOnLine = (occurrence.position.line, 0)
            }
            positions.append(TextPosition(line: occurrence.position.line,
                                          column: occurrence.position.column - savedOnLine.columns))
            savedOnLine.columns += savedLength
        }
        bytes.append(contentsOf: input[copiedUpTo...])
        return (bytes, EscapeRewrites(positions: positions, offsets: offsets))
    }

    private static func hexDigits(_ scalar: UInt32) -> [UInt8] {
        let digits = String(scalar, radix: 16, uppercase: true)
        return Array(String(repeating: "0", count: 8 - digits.count).utf8) + Array(digits.utf8)
    }

    /// The character a surrogate pair escape starting at `index` stands for, if one starts there.
    private static func pair(at index: Int, in input: UnsafeBufferPointer<UInt8>) -> UInt32? {
        guard index + pairLength <= input.count,
              let high = unicodeEscape(at: index, in: input), (0xD800...0xDBFF).contains(high),
              let low = unicodeEscape(at: index + 6, in: input), (0xDC00...0xDFFF).contains(low)
        else { return nil }
        return 0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00)
    }

    private static func unicodeEscape(at index: Int, in input: UnsafeBufferPointer<UInt8>) -> UInt32? {
        guard input[index] == UInt8(ascii: "\\"), input[index + 1] == UInt8(ascii: "u") else { return nil }
        return HexDigit.value4(input, at: index + 2)
    }
}

/// The escapes rewritten in the text libyaml is reading: it moves libyaml's columns back to the
/// original text, and records which rewrites fell inside double-quoted scalars.
struct EscapeRewrites {
    /// Where each rewritten escape starts in the rewritten text, in text order.
    private let positions: [TextPosition]
    /// Byte offset of each rewritten escape in the rewritten text, in text order.
    let offsets: [Int]
    private let rewrittenColumnsByLine: [Int: [Int]]
    private var nextUnchecked = 0
    private(set) var confirmedIndices: [Int] = []

    static let none = EscapeRewrites(positions: [], offsets: [])

    init(positions: [TextPosition], offsets: [Int]) {
        self.positions = positions
        self.offsets = offsets
        rewrittenColumnsByLine = Dictionary(grouping: positions, by: \.line).mapValues { $0.map(\.column) }
    }

    var isEmpty: Bool { positions.isEmpty }
    var allConfirmed: Bool { confirmedIndices.count == positions.count }

    /// Converts a position in the rewritten text to a mark in the original one.
    func mark(for position: TextPosition) -> YAMLMark {
        var column = position.column
        if !positions.isEmpty, let rewrittenColumns = rewrittenColumnsByLine[position.line] {
            column += SurrogatePairEscapes.savedLength * rewrittenColumns.count { $0 < position.column }
        }
        return YAMLMark(line: position.line + 1, column: column + 1)
    }

    /// Called for each double-quoted scalar in text order: confirms the rewrites inside it.
    mutating func noteDoubleQuotedScalar(from start: TextPosition, to end: TextPosition) {
        while nextUnchecked < positions.count, positions[nextUnchecked] < end {
            if positions[nextUnchecked] > start { confirmedIndices.append(nextUnchecked) }
            nextUnchecked += 1
        }
    }
}
