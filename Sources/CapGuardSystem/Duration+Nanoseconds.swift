import Dispatch

extension Duration {
    /// Saturates at `Int64.max` (292 years), so that a deadline of now plus any duration neither traps nor
    /// wraps in a `UInt64`, and the value still fits in an `Int` for Dispatch; a negative duration is 0.
    public var nanoseconds: UInt64 {
        let (seconds, attoseconds) = components
        guard seconds >= 0 else { return 0 }
        let (whole, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        guard !overflow, whole <= .max - 1_000_000_000 else { return UInt64(Int64.max) }
        return UInt64(whole + attoseconds / 1_000_000_000)
    }

    /// The saturated nanoseconds in seconds, for showing a duration as a command-line flag's value.
    public var seconds: Double { Double(nanoseconds) / 1e9 }

    /// The saturated nanoseconds as Dispatch takes them.
    var dispatchInterval: DispatchTimeInterval { .nanoseconds(Int(nanoseconds)) }
}
