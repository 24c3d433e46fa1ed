/// A zero-based line and column as libyaml counts them, before any correction.
struct TextPosition: Comparable {
    var line: Int
    var column: Int

    static func < (lhs: TextPosition, rhs: TextPosition) -> Bool {
        (lhs.line, lhs.column) < (rhs.line, rhs.column)
    }
}

/// Walks UTF-8 bytes counting lines and columns the way libyaml's scanner does, for places libyaml
/// reports only as a byte offset: CR, LF, CRLF, NEL, LS and PS each end a line, a column is one
/// character, and a leading byte order mark takes no column.
struct TextPositionCounter {
    private let bytes: UnsafeBufferPointer<UInt8>
    private var offset: Int
    private(set) var position = TextPosition(line: 0, column: 0)

    init(_ bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes = bytes
        let hasByteOrderMark = bytes.count >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF
        offset = hasByteOrderMark ? 3 : 0
    }

    /// Moves forward to `target`, which must not be behind the current offset.
    mutating func advance(to target: Int) {
        while offset < target {
            let breakLength = lineBreakLength(at: offset)
            if breakLength > 0 {
                position.line += 1
                position.column = 0
                offset += breakLength
            } else {
                if bytes[offset] & 0xC0 != 0x80 { position.column += 1 }
                offset += 1
            }
        }
    }

    private func lineBreakLength(at index: Int) -> Int {
        switch bytes[index] {
        case 0x0D: return byte(at: index + 1) == 0x0A ? 2 : 1
        case 0x0A: return 1
        case 0xC2: return byte(at: index + 1) == 0x85 ? 2 : 0
        case 0xE2:
            let isSeparator = byte(at: index + 1) == 0x80 && (byte(at: index + 2) == 0xA8 || byte(at: index + 2) == 0xA9)
            return isSeparator ? 3 : 0
        default: return 0
        }
    }

    private func byte(at index: Int) -> UInt8? {
        index < bytes.count ? bytes[index] : nil
    }

    /// The position of a byte offset into input in any encoding libyaml reads; UTF-16 input is
    /// transcoded first so that one counter serves all.
    static func position(ofByteOffset offset: Int, in input: UnsafeBufferPointer<UInt8>) -> TextPosition {
        let end = min(max(offset, 0), input.count)
        guard let bigEndian = utf16ByteOrder(of: input) else {
            var counter = TextPositionCounter(input)
            counter.advance(to: end)
            return counter.position
        }
        var units: [UInt16] = []
        units.reserveCapacity(end / 2)
        var index = 0
        while index + 1 < end {
            let first = UInt16(input[index]), second = UInt16(input[index + 1])
            units.append(bigEndian ? first << 8 | second : second << 8 | first)
            index += 2
        }
        let utf8 = Array(String(decoding: units, as: UTF16.self).utf8)
        return utf8.withUnsafeBufferPointer { buffer in
            var counter = TextPositionCounter(buffer)
            counter.advance(to: buffer.count)
            return counter.position
        }
    }

    /// Whether libyaml will read this input as UTF-16 (it does so only after a byte order mark),
    /// and if so whether big-endian.
    static func utf16ByteOrder(of input: UnsafeBufferPointer<UInt8>) -> Bool? {
        guard input.count >= 2 else { return nil }
        switch (input[0], input[1]) {
        case (0xFE, 0xFF): return true
        case (0xFF, 0xFE): return false
        default: return nil
        }
    }
}
