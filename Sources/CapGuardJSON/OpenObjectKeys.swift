#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

/// The keys of the objects a scan of a JSON document has open, to tell when a key repeats in its object.
///
/// Keys are compared as Go compares them, after unescaping and byte for byte (`"a\u0062"` repeats `"ab"`;
/// `"é"` and `"e\u0301"` differ). An object's keys are compared pairwise while few, with no allocation, and
/// past `pairwiseLimit` through a set. Plain values only, so that keeping an `Object` per open object costs no
/// reference counting.
///
/// The keys point into the document: one `OpenObjectKeys` serves the scan of one document, which outlives it.
struct OpenObjectKeys {
    /// A key as it stands in the document: the bytes between its quotes.
    struct Key {
        let start: Int
        let end: Int
        let hasEscapes: Bool
    }

    /// One open object: its keys are `keys[firstKey..<top]`, or the set `keySets[keySet]` once there are many.
    struct Object {
        fileprivate let firstKey: Int
        fileprivate var keySet = -1
    }

    /// A key in the set of an object with many keys (labels and annotations often pass 16): its bytes in the
    /// document, so that a key without escapes is hashed where it stands instead of copied into an array and
    /// hashed byte by byte.
    private struct SetKey: Hashable {
        private let text: UnsafeRawBufferPointer
        private let unescaped: [UInt8]?

        init(_ key: Key, _ json: UnsafeBufferPointer<UInt8>) {
            text = UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(json)[key.start..<key.end])
            unescaped = key.hasEscapes ? OpenObjectKeys.unescaped(json, key) : nil
        }

        private func withText<Result>(_ body: (UnsafeRawBufferPointer) -> Result) -> Result {
            if let unescaped { unescaped.withUnsafeBytes(body) } else { body(text) }
        }

        static func == (a: SetKey, b: SetKey) -> Bool {
            a.withText { x in b.withText { y in x.count == y.count && (x.isEmpty || memcmp(x.baseAddress!, y.baseAddress!, x.count) == 0) } }
        }

        func hash(into hasher: inout Hasher) {
            withText { hasher.combine(bytes: $0) }
        }
    }

    private static let pairwiseLimit = 16

    /// A stack of the open objects' keys, `keys[..<top]`; closing an object only lowers `top`, so that its
    /// storage is reused by the next object instead of being shrunk and grown again.
    private var keys: [Key] = []
    private var top = 0
    private var keySets: [Set<SetKey>] = []

    /// Starts an object (or an array, which adds no keys) inside those open.
    func open() -> Object {
        Object(firstKey: top)
    }

    /// Ends the innermost object, the last one opened.
    mutating func close(_ object: Object) {
        top = object.firstKey
        if object.keySet >= 0 { keySets.removeLast() }
    }

    /// Adds `key` to `object`, the innermost one; false if the object already has it.
    mutating func insert(_ key: Key, into object: inout Object, _ json: UnsafeBufferPointer<UInt8>) -> Bool {
        if object.keySet >= 0 { return keySets[object.keySet].insert(SetKey(key, json)).inserted }
        for index in object.firstKey..<top where Self.same(keys[index], key, json) { return false }
        if top < keys.count { keys[top] = key } else { keys.append(key) }
        top += 1
        if top - object.firstKey > Self.pairwiseLimit {
            keySets.append(Set(keys[object.firstKey..<top].map { SetKey($0, json) }))
            object.keySet = keySets.count - 1
            top = object.firstKey
        }
        return true
    }

    static func unescaped(_ json: UnsafeBufferPointer<UInt8>, _ key: Key) -> [UInt8] {
        let raw = UnsafeBufferPointer(rebasing: json[key.start..<key.end])
        return key.hasEscapes ? JSONText.unescaped(raw) : Array(raw)
    }

    private static func same(_ a: Key, _ b: Key, _ json: UnsafeBufferPointer<UInt8>) -> Bool {
        if a.hasEscapes || b.hasEscapes { return unescaped(json, a) == unescaped(json, b) }
        let length = a.end - a.start
        guard length == b.end - b.start else { return false }
        // Most keys of one object differ in their first byte: no call for those.
        return length == 0 || json[a.start] == json[b.start] && memcmp(json.baseAddress! + a.start, json.baseAddress! + b.start, length) == 0
    }
}
