import Foundation
import Testing

/// Polls a condition a server or process reaches asynchronously, for about ten seconds; a guard against
/// hanging, not a timing assertion. Fails the test, and stops it, if the condition never holds.
public func waitUntil(_ condition: () throws -> Bool, _ message: @autoclosure () -> String = "condition never became true",
                      sourceLocation: SourceLocation = #_sourceLocation) throws {
    for _ in 0..<1000 {
        if try condition() { return }
        usleep(10_000)
    }
    try #require(try condition(), Comment(rawValue: message()), sourceLocation: sourceLocation)
}
