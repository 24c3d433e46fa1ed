#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

/// Finds the first object in a JSON document that repeats a key.
///
/// Go's encoding/json, which the apiserver and kubectl use, keeps the last of repeated keys; Foundation's
/// JSONDecoder keeps the first, at every level. A body that says `"privileged": false, "privileged": true`
/// would be allowed by one reading and denied by the other, so such a body is refused rather than read either
/// way. The apiserver re-encodes objects before it calls a webhook, so no body from it repeats a key.
///
/// Keys are compared as Go compares them (`OpenObjectKeys`). The scan is lenient about what is not a key: a document that is not JSON
/// has no duplicate here and is refused by the decoder that reads it next.
public enum DuplicateKeyFinder {
    public struct Duplicate: Sendable, Hashable {
        /// Where the object is, e.g. `request.object.spec.containers[0].securityContext`; empty at the top.
        public let path: String
        /// The repeated key, unescaped.
        public let key: String

        public init(path: String, key: String) {
            self.path = path
            self.key = key
        }
    }

    /// An open object or array. Plain values only, so that moving frames costs no reference counting.
    private struct Frame {
        let isObject: Bool
        var keys: OpenObjectKeys.Object
        /// The last key read (an object) or the index of the element being read (an array): the path.
        var lastKey: OpenObjectKeys.Key?
        var index = 0

        init(isObject: Bool, keys: OpenObjectKeys.Object) {
            self.isObject = isObject
            self.keys = keys
        }
    }

    /// What one pass over a document found: the first repeated key, if any, and how many values it holds
    /// (up to there, when a key repeats).
    public struct Scan: Sendable, Hashable {
        public var duplicate: Duplicate?
        /// Values as the commas and the opening brackets count them: every value but the first of each array
        /// or object follows a comma, so this is at least the number of values less one. What a JSON decoder
        /// allocates grows with it, not with the bytes (`[0,0,0,...]` is two bytes a value).
        public var values = 0
    }

    public static func first(in json: [UInt8]) -> Duplicate? {
        scan(json).duplicate
    }

    public static func scan(_ json: [UInt8]) -> Scan {
        json.withUnsafeBufferPointer { scan($0) }
    }

    /// On the path of every review, so the bytes between structural characters are skipped through a table,
    /// strings through `memchr`, and the innermost frame is kept apart from those around it.
    public static func scan(_ json: UnsafeBufferPointer<UInt8>) -> Scan {
        structuralBytes.withUnsafeBufferPointer { scan(json, structural: $0) }
    }

    private static func scan(_ json: UnsafeBufferPointer<UInt8>, structural: UnsafeBufferPointer<Bool>) -> Scan {
        var result = Scan()
        guard let bytes = json.baseAddress else { return result }
        let count = json.count
        // The frames around `top`, which is the innermost one when `depth` > 0.
        var frames: [Frame] = []
        var keys = OpenObjectKeys()
        var top = Frame(isObject: false, keys: keys.open())
        var depth = 0
        // After "{" or ",", inside an object, the next string is a key.
        var expectingKey = false
        var position = 0
        while position < count {
            let byte = bytes[position]
            guard structural[Int(byte)] else {
                position += 1
                continue
            }
            switch byte {
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                result.values += 1
                if depth > 0 { frames.append(top) }
                depth += 1
                top = Frame(isObject: byte == UInt8(ascii: "{"), keys: keys.open())
                expectingKey = top.isObject
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                if depth > 0 {
                    keys.close(top.keys)
                    depth -= 1
                    if depth > 0 { top = frames.removeLast() }
                }
                expectingKey = false
            case UInt8(ascii: ","):
                result.values += 1
                guard depth > 0 else { break }
                if top.isObject { expectingKey = true } else { top.index += 1 }
            default: // the quote that opens a string
                let end = closingQuote(bytes, from: position + 1, count: count)
                if expectingKey, depth > 0, top.isObject {
                    let start = position + 1
                    let hasEscapes = memchr(bytes + start, Int32(UInt8(ascii: "\\")), end - start) != nil
                    let key = OpenObjectKeys.Key(start: start, end: end, hasEscapes: hasEscapes)
                    top.lastKey = key
                    if !keys.insert(key, into: &top.keys, json) {
                        result.duplicate = Duplicate(path: path(frames, json), key: String(decoding: OpenObjectKeys.unescaped(json, key), as: UTF8.self))
                        return result
                    }
                    expectingKey = false
                }
                position = end
            }
            position += 1
        }
        return result
    }

    /// The offset of the quote that closes a string whose text starts at `from`, or `count` if none does: the
    /// first quote not escaped, that is not preceded by an odd run of backslashes.
    private static func closingQuote(_ bytes: UnsafePointer<UInt8>, from start: Int, count: Int) -> Int {
        var from = start
        while from < count, let found = memchr(bytes + from, Int32(UInt8(ascii: "\"")), count - from) {
            let quote = UnsafeRawPointer(bytes).distance(to: UnsafeRawPointer(found))
            var backslashes = 0
            while quote - backslashes > start, bytes[quote - backslashes - 1] == UInt8(ascii: "\\") { backslashes += 1 }
            if backslashes & 1 == 0 { return quote }
            from = quote + 1
        }
        return count
    }

    /// Whether the scan acts on a byte: `{`, `}`, `[`, `]`, `,` and `"`. A table, so that every other byte
    /// costs one load and one test.
    private static let structuralBytes: [Bool] = (0...255).map { "{}[],\"".utf8.contains(UInt8($0)) }

    /// The path of the innermost frame, from `frames`, those around it: each names the value it holds next.
    private static func path(_ frames: [Frame], _ json: UnsafeBufferPointer<UInt8>) -> String {
        var path = ""
        for frame in frames {
            if frame.isObject {
                let key = frame.lastKey.map { String(decoding: OpenObjectKeys.unescaped(json, $0), as: UTF8.self) } ?? ""
                path += (path.isEmpty ? "" : ".") + key
            } else {
                path += "[\(frame.index)]"
            }
        }
        return path
    }
}
