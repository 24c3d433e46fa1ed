#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

/// The fields of a JSON document that a reader asks for: at each object, the keys it reads, and for each key
/// whether the reader takes its value whole or only some fields of it (of each element, when it is a list).
///
/// Built from a Decodable type's `CodingKeys`, so that every key the type can ask for is selected: a key
/// left out of `reading` is kept whole, which can cost time but never a field.
public struct JSONFieldSelection: Sendable {
    struct Field: Sendable {
        /// The key as UTF-8, compared byte for byte with a key that has no escapes and no other bytes.
        let name: [UInt8]
        /// The key as a decoder compares it: by `String` equality, so canonically equivalent keys match.
        let text: String
        /// The fields read from the value, or nil when it is read whole.
        let selection: JSONFieldSelection?
    }

    let fields: [Field]

    private init(fields: [Field]) {
        self.fields = fields
    }

    /// Every key of `keys`; those in `reading` read through their own selection, the others whole.
    public init<Key: CodingKey & CaseIterable & Hashable>(_ keys: Key.Type, reading nested: [Key: JSONFieldSelection] = [:]) {
        fields = Key.allCases.map { key in
            Field(name: Array(key.stringValue.utf8), text: key.stringValue, selection: nested[key])
        }
    }

    /// What either selection reads: for an object whose type depends on a field beside it (a Pod's spec or a
    /// Deployment's), the union of what each type reads.
    public func merging(_ other: JSONFieldSelection) -> JSONFieldSelection {
        var merged = fields
        for field in other.fields {
            guard let index = merged.firstIndex(where: { $0.text == field.text }) else {
                merged.append(field)
                continue
            }
            let mine = merged[index].selection
            let selection = mine.flatMap { mine in field.selection.map(mine.merging) }
            merged[index] = Field(name: field.name, text: field.text, selection: selection)
        }
        return JSONFieldSelection(fields: merged)
    }

    /// The field named by the key between `start` and `end` of a document (without its quotes); `plain` when
    /// the key holds neither an escape nor a byte outside ASCII, so that its bytes are its text.
    func field(_ bytes: UnsafePointer<UInt8>, start: Int, end: Int, plain: Bool) -> Field? {
        let length = end - start
        if plain {
            for field in fields where field.name.count == length {
                let same = field.name.withUnsafeBufferPointer { memcmp($0.baseAddress!, bytes + start, length) == 0 }
                if same { return field }
            }
            return nil
        }
        let text = String(decoding: JSONText.unescaped(UnsafeBufferPointer(start: bytes + start, count: length)), as: UTF8.self)
        return fields.first { $0.text == text }
    }
}
