#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

/// The keys of the objects a scan of a JSON document has open, to tell when a key repeats in its object.
///
/// Keys are compared as Go compares them, after unescaping and byte for byte (`"a\u0062"` repeats `"ab"`;
/// `"é"` and `"e\u0301"` differ). An object's keys are compared pairwise while few, with no allocation, and
/// past `pairwiseLimit` through a set of their unescaped bytes. Plain values only, so that keeping an
/// `Object` per open object costs no reference counting.
struct OpenObjectKeys {
    /// A key as it stands in the document: the bytes between its quotes.
    struct Key {
        let start: Int
        let end: Int
        let hasEscapes: Bool
    }

    /// One open object: its keys are `keys[firstKey...]`, or the set `keySets[keySet]` once there are many.
    struct Object {
        fileprivate let firstKey: Int
        fileprivate var keySet = -1
    }

    private static let pairwiseLimit = 16

    private var keys: [Key] = []
    private var keySets: [Set<[UInt8]>] = []

    /// Starts an object (or an array, which adds no keys) inside those open.
    func open() -> Object {
        Object(firstKey: keys.count)
    }

    /// Ends the innermost object, the last one opened.
    mutating func close(_ object: Object) {
        keys.removeLast(keys.count - object.firstKey)
        if object.keySet >= 0 { keySets.removeLast() }
    }

    /// Adds `key` to `object`, the innermost one; false if the object already has it.
    mutating func insert(_ key: Key, into object: inout Object, _ json: UnsafeBufferPointer<UInt8>) -> Bool {
        if object.keySet >= 0 { return keySets[object.keySet].insert(Self.unescaped(json, key)).inserted }
        for index in object.firstKey..<keys.count where Self.same(keys[index], key, json) { return false }
        keys.append(key)
        if keys.count - object.firstKey > Self.pairwiseLimit {
            keySets.append(Set(keys[object.firstKey...].map { Self.unescaped(json, $0) }))
            object.keySet = keySets.count - 1
            keys.removeLast(keys.count - object.firstKey)
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
