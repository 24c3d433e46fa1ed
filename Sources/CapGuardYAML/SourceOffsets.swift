/// Turns libyaml's marks into byte offsets of the input the caller handed to the parser.
///
/// libyaml counts a mark's `index` in characters whatever the encoding (a CRLF is two, the byte order mark
/// that starts the stream none), and the text it reads may differ from the caller's: surrogate pair escapes
/// rewritten, one piece of a file that kubectl splits, UTF-8 transcoded from UTF-16. Each is undone in turn.
struct SourceOffsets {
    /// Where the text libyaml reads comes from in the caller's input.
    struct Origin {
        /// Byte offset of the text in the caller's input (a piece's start in its file).
        var base = 0
        /// For UTF-8 transcoded from UTF-16: for each transcoded byte, and for the end, the offset in the
        /// UTF-16 bytes of the character it belongs to.
        var transcodedOffsets: [Int]?
    }

    private let text: UnsafeBufferPointer<UInt8>
    private let utf16BigEndian: Bool?
    private let firstOffset: Int
    /// Where each rewritten escape starts in `text`, in text order.
    private let rewrittenOffsets: [Int]
    private let origin: Origin
    /// The last index converted and its offset in `text`: marks come in text order, so converting them all
    /// walks the text once; the cursor walks back as well, so that no order costs more than the distance.
    private var cursor: (index: Int, offset: Int)

    init(text: UnsafeBufferPointer<UInt8>, rewrittenOffsets: [Int], origin: Origin) {
        self.text = text
        self.rewrittenOffsets = rewrittenOffsets
        self.origin = origin
        utf16BigEndian = TextPositionCounter.utf16ByteOrder(of: text)
        if utf16BigEndian != nil {
            firstOffset = 2
        } else {
            let hasByteOrderMark = text.count >= 3 && text[0] == 0xEF && text[1] == 0xBB && text[2] == 0xBF
            firstOffset = hasByteOrderMark ? 3 : 0
        }
        cursor = (0, firstOffset)
    }

    /// The offset in the caller's input of libyaml's character `index`.
    mutating func offset(ofIndex index: Int) -> Int {
        original(textOffset(ofIndex: index))
    }

    /// The offset in the caller's input after the last character before libyaml's `index` that is not a
    /// space, a tab or a line break, but not before `start`: where a block scalar's text ends, since
    /// libyaml ends it only after the line breaks and indentation that follow it.
    mutating func offset(trimmingWhiteSpaceBefore index: Int, notBefore start: Int) -> Int {
        let startOffset = textOffset(ofIndex: start)
        var end = textOffset(ofIndex: index)
        let width = utf16BigEndian == nil ? 1 : 2
        while end - width >= startOffset, Self.isWhiteSpace(unit(at: end - width)) {
            end -= width
        }
        return original(end)
    }

    private mutating func textOffset(ofIndex index: Int) -> Int {
        while cursor.index > index, cursor.offset > firstOffset {
            cursor.offset -= widthOfCharacter(before: cursor.offset)
            cursor.index -= 1
        }
        while cursor.index < index, cursor.offset < text.count {
            cursor.offset = min(cursor.offset + characterWidth(at: cursor.offset), text.count)
            cursor.index += 1
        }
        return cursor.offset
    }

    private func original(_ textOffset: Int) -> Int {
        var offset = textOffset
        if !rewrittenOffsets.isEmpty {
            offset += SurrogatePairEscapes.savedLength * rewritesBefore(textOffset)
        }
        offset += origin.base
        if let transcoded = origin.transcodedOffsets {
            offset = transcoded[min(offset, transcoded.count - 1)]
        }
        return offset
    }

    /// How many rewritten escapes start before `textOffset`, found by bisection: a JSON file may hold
    /// millions of escapes, and every node asks.
    private func rewritesBefore(_ textOffset: Int) -> Int {
        var low = 0, high = rewrittenOffsets.count
        while low < high {
            let middle = (low + high) / 2
            if rewrittenOffsets[middle] < textOffset {
                low = middle + 1
            } else {
                high = middle
            }
        }
        return low
    }

    private func characterWidth(at offset: Int) -> Int {
        guard utf16BigEndian != nil else {
            switch text[offset] {
            case ..<0xC0: return 1
            case ..<0xE0: return 2
            case ..<0xF0: return 3
            default: return 4
            }
        }
        return (0xD800..<0xDC00).contains(unit(at: offset)) ? 4 : 2
    }

    private func widthOfCharacter(before offset: Int) -> Int {
        guard utf16BigEndian != nil else {
            var start = offset - 1
            while start > firstOffset, text[start] & 0xC0 == 0x80 { start -= 1 }
            return offset - start
        }
        let isPair = offset - 4 >= firstOffset && (0xDC00..<0xE000).contains(unit(at: offset - 2))
            && (0xD800..<0xDC00).contains(unit(at: offset - 4))
        return isPair ? 4 : 2
    }

    private func unit(at offset: Int) -> UInt32 {
        guard let bigEndian = utf16BigEndian else { return UInt32(text[offset]) }
        guard offset + 1 < text.count else { return 0xFFFD }
        let first = UInt32(text[offset]), second = UInt32(text[offset + 1])
        return bigEndian ? first << 8 | second : second << 8 | first
    }

    private static func isWhiteSpace(_ unit: UInt32) -> Bool {
        unit == 0x20 || unit == 0x09 || unit == 0x0A || unit == 0x0D
    }
}
