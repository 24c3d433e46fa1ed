import Glibc
import Logging
import Synchronization

/// Where JSON log lines go: standard output by default, anything for tests.
public struct JSONLogOutput: Sendable {
    let write: @Sendable (String) -> Void

    public init(write: @escaping @Sendable (String) -> Void) {
        self.write = write
    }

    /// Standard output, written in batches off the calling thread; `flush()` before exiting.
    public static let standardOutput = JSONLogOutput(write: standardOutputWriter.write)

    /// Writes whatever standard output still buffers.
    public static func flushStandardOutput() {
        standardOutputWriter.flush()
    }

    private static let standardOutputWriter = BatchingLogWriter(descriptor: STDOUT_FILENO)
}

/// A swift-log handler writing one JSON object per line: time (RFC 3339, milliseconds, UTC), level,
/// message, label, then every metadata key, nested dictionaries flattened to dotted keys.
public struct JSONLogHandler: LogHandler {
    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level = .info
    public var metadataProvider: Logger.MetadataProvider?

    private let label: String
    private let output: JSONLogOutput

    public init(label: String, output: JSONLogOutput = .standardOutput, metadataProvider: Logger.MetadataProvider? = nil) {
        self.label = label
        self.output = output
        self.metadataProvider = metadataProvider
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var merged = metadata
        if let provided = metadataProvider?.get() {
            merged.merge(provided) { _, new in new }
        }
        if let explicit = event.metadata {
            merged.merge(explicit) { _, new in new }
        }
        if let error = event.error {
            merged["error"] = .string("\(error)")
        }
        output.write(
            Self.line(time: WallClock.rfc3339Now(), level: event.level, message: "\(event.message)", label: label, metadata: merged))
    }

    private static let reservedKeys: Set<String> = ["time", "level", "message", "label"]

    static func line(time: String, level: Logger.Level, message: String, label: String, metadata: Logger.Metadata) -> String {
        var fields = [("time", JSONText.string(time)), ("level", JSONText.string(level.rawValue)),
                      ("message", JSONText.string(message)), ("label", JSONText.string(label))]
        var flattened: [(String, String)] = []
        flatten(metadata, prefix: "", into: &flattened)
        for (key, value) in flattened.sorted(by: { $0.0 < $1.0 }) {
            fields.append((reservedKeys.contains(key) ? "metadata.\(key)" : key, value))
        }
        return "{" + fields.map { "\(JSONText.string($0.0)):\($0.1)" }.joined(separator: ",") + "}"
    }

    private static func flatten(_ metadata: Logger.Metadata, prefix: String, into fields: inout [(String, String)]) {
        for (key, value) in metadata {
            let name = prefix + key
            if case .dictionary(let nested) = value {
                flatten(nested, prefix: name + ".", into: &fields)
            } else {
                fields.append((name, json(value)))
            }
        }
    }

    private static func json(_ value: Logger.Metadata.Value) -> String {
        switch value {
        case .string(let text): JSONText.string(text)
        case .stringConvertible(let convertible): JSONText.string(convertible.description)
        case .array(let values): "[" + values.map(json).joined(separator: ",") + "]"
        case .dictionary(let nested):
            "{" + nested.sorted { $0.key < $1.key }.map { "\(JSONText.string($0.key)):\(json($0.value))" }
                .joined(separator: ",") + "}"
        }
    }
}

enum JSONText {
    /// A JSON string literal, escaping what RFC 8259 requires.
    static func string(_ text: String) -> String {
        var result = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                result += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result + "\""
    }
}
