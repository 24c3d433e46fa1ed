import CapGuardJSON
import CapGuardPolicy

/// One operation of an RFC 6902 JSON Patch, as `/mutate` answers with. Only `add` and `replace` are ever
/// made: the remedy adds fields and rewrites names, and never removes anything.
public struct PatchOperation: Sendable, Hashable, CustomStringConvertible {
    public enum Kind: String, Sendable, Hashable {
        /// Sets a member (replacing one that is there) or appends to an array at `-`.
        case add
        case replace
    }

    public var kind: Kind
    public var path: FieldPath
    /// Appends to the array at `path` (`/-`) instead of naming a member.
    public var appends: Bool
    public var value: PatchValue

    public init(_ kind: Kind, _ path: FieldPath, appending appends: Bool = false, _ value: PatchValue) {
        self.kind = kind
        self.path = path
        self.appends = appends
        self.value = value
    }

    /// The JSON Pointer (RFC 6901) the operation names, `~` and `/` in keys escaped.
    public var pointer: String { path.jsonPointer + (appends ? "/-" : "") }

    /// `add /spec/containers/0/securityContext`, for logs.
    public var description: String { "\(kind.rawValue) \(pointer)" }
}

/// The JSON values a patch carries: names, lists of names, and objects of those.
public indirect enum PatchValue: Sendable, Hashable {
    case string(String)
    case strings([String])
    case object([Member])

    public struct Member: Sendable, Hashable {
        public var key: String
        public var value: PatchValue

        public init(_ key: String, _ value: PatchValue) {
            self.key = key
            self.value = value
        }
    }

    func write(to writer: inout JSONWriter) {
        switch self {
        case .string(let text): writer.string(text)
        case .strings(let texts): writer.array(texts) { $0.string($1) }
        case .object(let members):
            writer.object { writer in
                for member in members { writer.field(member.key) { member.value.write(to: &$0) } }
            }
        }
    }
}

/// A JSON Patch document.
public enum JSONPatch {
    public static func json(_ operations: [PatchOperation]) -> [UInt8] {
        var writer = JSONWriter()
        writer.array(operations) { writer, operation in
            writer.object { writer in
                writer.field("op") { $0.string(operation.kind.rawValue) }
                writer.field("path") { $0.string(operation.pointer) }
                writer.field("value") { operation.value.write(to: &$0) }
            }
        }
        return writer.bytes
    }
}

/// Standard base64 (RFC 4648, with padding), which `response.patch` is sent in.
enum Base64 {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    static func encode(_ bytes: [UInt8]) -> String {
        var out: [UInt8] = []
        out.reserveCapacity((bytes.count + 2) / 3 * 4)
        var index = 0
        while index < bytes.count {
            let remaining = bytes.count - index
            let b0 = UInt32(bytes[index])
            let b1 = remaining > 1 ? UInt32(bytes[index + 1]) : 0
            let b2 = remaining > 2 ? UInt32(bytes[index + 2]) : 0
            let triple = b0 << 16 | b1 << 8 | b2
            out.append(alphabet[Int(triple >> 18 & 63)])
            out.append(alphabet[Int(triple >> 12 & 63)])
            out.append(remaining > 1 ? alphabet[Int(triple >> 6 & 63)] : UInt8(ascii: "="))
            out.append(remaining > 2 ? alphabet[Int(triple & 63)] : UInt8(ascii: "="))
            index += 3
        }
        return String(decoding: out, as: UTF8.self)
    }
}
