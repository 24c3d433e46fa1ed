#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

/// Copies of a JSON document cut down to the fields a reader selects.
///
/// Foundation's JSONDecoder scans the whole document before it decodes any of it, and lists every key of each
/// object it opens. An admission review is mostly fields capguard never reads (managedFields, status, volumes,
/// probes, ...), so decoding a copy that holds only the selected fields does a fraction of the work.
///
/// The copy must decode exactly as the original does: the same values, the same errors at the same coding
/// paths. So selected values are copied byte for byte, a list keeps every element in its place, and what is cut
/// is first read as strictly as RFC 8259 puts it. What the pruner cannot vouch for gives nil, and the caller
/// decodes the original, so that the decoder's own verdict stands: a document that is not JSON in UTF-8 (the
/// decoder also reads UTF-16 and UTF-32), nesting deeper than `maximumDepth`, an escape of a lone surrogate.
///
/// Nor does it vouch for a document that repeats a key in an object: readers disagree on which one counts
/// (`DuplicateKeyFinder`, which the caller runs then to say where). The same pass counts the document's values
/// as `DuplicateKeyFinder` does, so that a review is read once before it is decoded.
public struct JSONPruner {
    /// A document cut down to the selected fields.
    public struct Copy: Sendable {
        public let bytes: [UInt8]
        /// The values of the whole document, counted as `DuplicateKeyFinder.Scan.values` counts them.
        public let values: Int
    }

    /// Deeper documents are left to the decoder, which refuses nesting past 512.
    public static let maximumDepth = 128

    private struct Unvouched: Error {}

    /// How a byte inside a string is read; a table, so that the common byte costs one load and one test.
    private enum StringByte: UInt8 {
        case ordinary, quote, backslash, control, nonASCII
    }

    private static let stringBytes: [StringByte] = (0...255).map { byte in
        switch byte {
        case 0x00..<0x20: .control
        case 0x22: .quote
        case 0x5C: .backslash
        case 0x80...: .nonASCII
        default: .ordinary
        }
    }

    /// What a string holds besides plain ASCII: escapes change how it compares, other bytes only how it matches
    /// a field (`JSONFieldSelection.field`).
    private struct StringContent {
        var hasEscapes = false
        var isASCII = true
    }

    private let bytes: UnsafePointer<UInt8>
    private let count: Int
    private let limit: Int
    private let stringBytes: UnsafePointer<StringByte>
    private var position = 0
    private var output: [UInt8] = []
    private var keys = OpenObjectKeys()
    private var values = 0

    private init(bytes: UnsafePointer<UInt8>, count: Int, limit: Int, stringBytes: UnsafePointer<StringByte>) {
        self.bytes = bytes
        self.count = count
        self.limit = limit
        self.stringBytes = stringBytes
    }

    /// `json` with only the fields of `selection` (and every value that is not where `selection` expects an
    /// object), or nil when the pruner cannot vouch that it decodes as `json` does, or once the copy passes
    /// `limit` bytes (a copy is memory the caller may not have budgeted for).
    public static func pruned(_ json: UnsafeBufferPointer<UInt8>, keeping selection: JSONFieldSelection, limit: Int = .max) -> Copy? {
        guard let bytes = json.baseAddress else { return nil }
        return stringBytes.withUnsafeBufferPointer { table in
            var pruner = JSONPruner(bytes: bytes, count: json.count, limit: limit, stringBytes: table.baseAddress!)
            // The copy is never longer than the document; a review's is a fraction of it.
            pruner.output.reserveCapacity(min(json.count, limit, 1 << 16))
            do {
                try pruner.copy(selection, depth: 0)
                pruner.skipWhitespace()
            } catch {
                return nil
            }
            return pruner.position == pruner.count ? Copy(bytes: pruner.output, values: pruner.values) : nil
        }
    }

    public static func pruned(_ json: [UInt8], keeping selection: JSONFieldSelection, limit: Int = .max) -> Copy? {
        json.withUnsafeBufferPointer { pruned($0, keeping: selection, limit: limit) }
    }

    /// The byte at `position`, or 0 past the end: NUL is nowhere valid outside a string, and inside one the
    /// string reader stops at the end itself.
    private var next: UInt8 {
        position < count ? bytes[position] : 0
    }

    private mutating func skipWhitespace() {
        while position < count {
            switch bytes[position] {
            case 0x20, 0x0A, 0x0D, 0x09: position += 1
            default: return
            }
        }
    }

    /// Copies the value at `position`: of an object (of each object of a list), the fields of `selection`;
    /// anything else, or everything when `selection` is nil, whole.
    private mutating func copy(_ selection: JSONFieldSelection?, depth: Int) throws(Unvouched) {
        skipWhitespace()
        guard let selection else { return try copyWhole(depth) }
        switch next {
        case UInt8(ascii: "{"): try copyObject(selection, depth)
        case UInt8(ascii: "["): try copyList(selection, depth)
        default: try copyWhole(depth)
        }
    }

    private mutating func copyWhole(_ depth: Int) throws(Unvouched) {
        let start = position
        try skipValue(depth)
        guard output.count + (position - start) <= limit else { throw Unvouched() }
        output.append(contentsOf: UnsafeBufferPointer(start: bytes + start, count: position - start))
    }

    private mutating func copyObject(_ selection: JSONFieldSelection, _ depth: Int) throws(Unvouched) {
        guard output.count < limit else { throw Unvouched() }
        try enter(depth)
        output.append(UInt8(ascii: "{"))
        var empty = true
        if next != UInt8(ascii: "}") {
            var object = keys.open()
            repeat {
                skipWhitespace()
                let keyStart = position
                let content = try skipKey(into: &object)
                let keyEnd = position
                try expect(UInt8(ascii: ":"))
                let plain = !content.hasEscapes && content.isASCII
                if let field = selection.field(bytes, start: keyStart + 1, end: keyEnd - 1, plain: plain) {
                    if !empty { output.append(UInt8(ascii: ",")) }
                    empty = false
                    output.append(contentsOf: UnsafeBufferPointer(start: bytes + keyStart, count: keyEnd - keyStart))
                    output.append(UInt8(ascii: ":"))
                    try copy(field.selection, depth: depth + 1)
                } else {
                    skipWhitespace()
                    try skipValue(depth + 1)
                }
            } while try nextMember(closing: UInt8(ascii: "}"))
            keys.close(object)
        } else {
            position += 1
        }
        output.append(UInt8(ascii: "}"))
    }

    private mutating func copyList(_ selection: JSONFieldSelection, _ depth: Int) throws(Unvouched) {
        guard output.count < limit else { throw Unvouched() }
        try enter(depth)
        output.append(UInt8(ascii: "["))
        if next != UInt8(ascii: "]") {
            try copy(selection, depth: depth + 1)
            while try nextMember(closing: UInt8(ascii: "]")) {
                output.append(UInt8(ascii: ","))
                try copy(selection, depth: depth + 1)
            }
        } else {
            position += 1
        }
        output.append(UInt8(ascii: "]"))
    }

    /// Steps into the object or list at `position`, which counts as a value; no deeper than `maximumDepth`.
    private mutating func enter(_ depth: Int) throws(Unvouched) {
        guard depth < Self.maximumDepth else { throw Unvouched() }
        position += 1
        values += 1
        skipWhitespace()
    }

    /// After a member of an object or list: true at a comma (another member follows), false at `closing`.
    private mutating func nextMember(closing: UInt8) throws(Unvouched) -> Bool {
        skipWhitespace()
        switch next {
        case UInt8(ascii: ","):
            position += 1
            values += 1
            return true
        case closing:
            position += 1
            return false
        default:
            throw Unvouched()
        }
    }

    private mutating func expect(_ byte: UInt8) throws(Unvouched) {
        skipWhitespace()
        guard next == byte else { throw Unvouched() }
        position += 1
    }

    /// Reads past the value at `position`, which must be JSON.
    private mutating func skipValue(_ depth: Int) throws(Unvouched) {
        switch next {
        case UInt8(ascii: "{"): try skipMembers(closing: UInt8(ascii: "}"), keyed: true, depth)
        case UInt8(ascii: "["): try skipMembers(closing: UInt8(ascii: "]"), keyed: false, depth)
        case UInt8(ascii: "\""): try skipString()
        case UInt8(ascii: "t"): try skipLiteral("true")
        case UInt8(ascii: "f"): try skipLiteral("false")
        case UInt8(ascii: "n"): try skipLiteral("null")
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): try skipNumber()
        default: throw Unvouched()
        }
    }

    private mutating func skipMembers(closing: UInt8, keyed: Bool, _ depth: Int) throws(Unvouched) {
        try enter(depth)
        guard next != closing else {
            position += 1
            return
        }
        var object = keys.open()
        repeat {
            skipWhitespace()
            if keyed {
                _ = try skipKey(into: &object)
                try expect(UInt8(ascii: ":"))
                skipWhitespace()
            }
            try skipValue(depth + 1)
        } while try nextMember(closing: closing)
        keys.close(object)
    }

    /// Reads past the key at `position` and adds it to `object`; a key the object already has is not vouched for.
    private mutating func skipKey(into object: inout OpenObjectKeys.Object) throws(Unvouched) -> StringContent {
        let start = position + 1
        let content = try skipString()
        let key = OpenObjectKeys.Key(start: start, end: position - 1, hasEscapes: content.hasEscapes)
        guard keys.insert(key, into: &object, UnsafeBufferPointer(start: bytes, count: count)) else { throw Unvouched() }
        return content
    }

    /// Reads past the string at `position`.
    @discardableResult
    private mutating func skipString() throws(Unvouched) -> StringContent {
        guard next == UInt8(ascii: "\"") else { throw Unvouched() }
        var content = StringContent()
        // Ordinary bytes are most of a review: they are passed on a local index, and `position` is set only
        // for the readers of escapes and multibyte characters; stored at every byte, it cost 7k per review.
        var index = position + 1
        while index < count {
            switch stringBytes[Int(bytes[index])] {
            case .ordinary:
                index += 1
            case .quote:
                position = index + 1
                return content
            case .backslash:
                content.hasEscapes = true
                position = index
                try skipEscape()
                index = position
            case .nonASCII:
                content.isASCII = false
                position = index
                try skipMultibyteCharacter()
                index = position
            case .control:
                throw Unvouched()
            }
        }
        throw Unvouched()
    }

    /// Reads past the escape at `position`. A `\u` escape of a surrogate must be a high one followed by the
    /// escape of a low one: what decoders do with a lone one differs, so it is not vouched for.
    private mutating func skipEscape() throws(Unvouched) {
        position += 1
        switch next {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"), UInt8(ascii: "f"),
             UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
            position += 1
        case UInt8(ascii: "u"):
            let value = try hex4(at: position + 1)
            position += 5
            switch value {
            case 0xD800..<0xDC00:
                guard position + 1 < count, bytes[position] == UInt8(ascii: "\\"), bytes[position + 1] == UInt8(ascii: "u"),
                      (0xDC00..<0xE000).contains(try hex4(at: position + 2))
                else { throw Unvouched() }
                position += 6
            case 0xDC00..<0xE000:
                throw Unvouched()
            default:
                break
            }
        default:
            throw Unvouched()
        }
    }

    private func hex4(at start: Int) throws(Unvouched) -> UInt32 {
        guard let value = HexDigit.value4(UnsafeBufferPointer(start: bytes, count: count), at: start) else { throw Unvouched() }
        return value
    }

    /// Reads past the UTF-8 sequence at `position`: well-formed as Unicode's table 3-7 has it (no overlong
    /// forms, no surrogates, nothing past U+10FFFF).
    private mutating func skipMultibyteCharacter() throws(Unvouched) {
        let lead = bytes[position]
        let length: Int
        var secondRange: ClosedRange<UInt8> = 0x80...0xBF
        switch lead {
        case 0xC2...0xDF: length = 2
        case 0xE0: (length, secondRange) = (3, 0xA0...0xBF)
        case 0xE1...0xEC, 0xEE...0xEF: length = 3
        case 0xED: (length, secondRange) = (3, 0x80...0x9F)
        case 0xF0: (length, secondRange) = (4, 0x90...0xBF)
        case 0xF1...0xF3: length = 4
        case 0xF4: (length, secondRange) = (4, 0x80...0x8F)
        default: throw Unvouched()
        }
        guard position + length <= count, secondRange.contains(bytes[position + 1]) else { throw Unvouched() }
        for index in position + 2..<position + length where bytes[index] & 0xC0 != 0x80 { throw Unvouched() }
        position += length
    }

    private mutating func skipLiteral(_ literal: StaticString) throws(Unvouched) {
        let length = literal.utf8CodeUnitCount
        guard position + length <= count, memcmp(bytes + position, literal.utf8Start, length) == 0 else { throw Unvouched() }
        position += length
    }

    /// `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`
    private mutating func skipNumber() throws(Unvouched) {
        if next == UInt8(ascii: "-") { position += 1 }
        switch next {
        case UInt8(ascii: "0"): position += 1
        case UInt8(ascii: "1")...UInt8(ascii: "9"): skipDigits()
        default: throw Unvouched()
        }
        if next == UInt8(ascii: ".") {
            position += 1
            guard isDigit(next) else { throw Unvouched() }
            skipDigits()
        }
        if next | 0x20 == UInt8(ascii: "e") {
            position += 1
            if next == UInt8(ascii: "+") || next == UInt8(ascii: "-") { position += 1 }
            guard isDigit(next) else { throw Unvouched() }
            skipDigits()
        }
    }

    private mutating func skipDigits() {
        while isDigit(next) { position += 1 }
    }

    private func isDigit(_ byte: UInt8) -> Bool {
        byte &- UInt8(ascii: "0") < 10
    }
}
