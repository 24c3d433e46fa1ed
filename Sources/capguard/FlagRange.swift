import ArgumentParser

/// The range a numeric flag must fall in, checked before any value is converted.
///
/// Every flag value ends up in an integer (milliseconds, nanoseconds, byte counts that are added to
/// offsets), and Swift traps on a conversion or an addition that overflows: `--read-timeout 1e300`
/// or `inf` would stop the process with SIGILL instead of a usage error. Bounds far above any
/// sensible setting but far below the overflow keep every later conversion exact.
enum FlagRange {
    case seconds
    case bytes
    case count

    func check(_ name: String, _ value: Double, within range: ClosedRange<Double>) throws {
        guard value.isFinite, range.contains(value) else {
            throw ValidationError("\(name) must be a number of \(unit) from \(Self.format(range.lowerBound)) to \(Self.format(range.upperBound)) (got \(value))")
        }
    }

    func check(_ name: String, _ value: Int, within range: ClosedRange<Int>) throws {
        guard range.contains(value) else {
            throw ValidationError("\(name) must be a number of \(unit) from \(range.lowerBound) to \(range.upperBound) (got \(value))")
        }
    }

    private var unit: String {
        switch self {
        case .seconds: "seconds"
        case .bytes: "bytes"
        case .count: "connections"
        }
    }

    private static func format(_ value: Double) -> String {
        value == value.rounded() ? String(Int(value)) : String(value)
    }
}
