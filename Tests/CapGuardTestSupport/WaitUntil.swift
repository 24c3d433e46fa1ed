import Foundation
import Testing

/// Polls a condition a server or process reaches asynchronously; a guard against hanging, not a timing assertion.
public func waitUntil(_ condition: () -> Bool, sourceLocation: SourceLocation = #_sourceLocation) throws {
    for _ in 0..<1000 {
        if condition() { return }
        usleep(10_000)
    }
    Issue.record("condition never became true", sourceLocation: sourceLocation)
}
