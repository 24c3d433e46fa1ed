import Foundation
import Synchronization

/// Log lines collected in memory, for assertions: hand `append` to the logger's output.
public final class LogCapture: Sendable {
    private let storedLines = Mutex<[String]>([])

    public init() {}

    @Sendable public func append(_ line: String) {
        storedLines.withLock { $0.append(line) }
    }

    /// The lines as written, before any parsing.
    public var lines: [String] { storedLines.withLock { $0 } }

    /// The lines that are JSON objects, parsed.
    public var entries: [[String: Any]] {
        lines.compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
    }

    public func contains(_ text: String) -> Bool {
        lines.contains { $0.contains(text) }
    }
}
