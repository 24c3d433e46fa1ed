import Foundation
import Testing

/// Polls a condition the server reaches asynchronously; a guard against hanging, not a timing assertion.
func waitUntil(_ condition: () -> Bool, sourceLocation: SourceLocation = #_sourceLocation) throws {
    for _ in 0..<1000 {
        if condition() { return }
        usleep(10_000)
    }
    Issue.record("condition never became true", sourceLocation: sourceLocation)
}
