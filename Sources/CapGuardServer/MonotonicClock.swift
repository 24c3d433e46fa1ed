import Glibc

/// Nanoseconds on the monotonic clock: deadlines are compared as plain integers.
enum MonotonicClock {
    static func now() -> UInt64 {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return UInt64(time.tv_sec) * 1_000_000_000 + UInt64(time.tv_nsec)
    }
}

extension Duration {
    /// Saturates at `Int64.max` (292 years), so that a deadline of now plus any duration neither traps nor
    /// wraps in a `UInt64`, and the value still fits in an `Int` for Dispatch.
    var nanoseconds: UInt64 {
        let (seconds, attoseconds) = components
        guard seconds >= 0 else { return 0 }
        let (whole, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        guard !overflow, whole <= .max - 1_000_000_000 else { return UInt64(Int64.max) }
        return UInt64(whole + attoseconds / 1_000_000_000)
    }
}
