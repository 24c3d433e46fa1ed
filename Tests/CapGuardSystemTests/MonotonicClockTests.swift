import Testing
import CapGuardSystem

@Suite("Durations as monotonic nanoseconds")
struct MonotonicClockTests {
    @Test func ordinaryDurationsAreExact() {
        #expect(Duration.milliseconds(1500).nanoseconds == 1_500_000_000)
        #expect(Duration.nanoseconds(7).nanoseconds == 7)
        #expect(Duration.seconds(-3).nanoseconds == 0)
    }

    /// A deadline is now plus a duration: a saturated duration must leave room for the addition.
    @Test func hugeDurationsSaturateWithoutTrapping() {
        for duration in [Duration.seconds(Int64.max), .seconds(9_223_372_036)] {
            let nanoseconds = duration.nanoseconds
            #expect(nanoseconds == UInt64(Int64.max))
            #expect(MonotonicClock.now().addingReportingOverflow(nanoseconds).overflow == false)
        }
    }
}

@Suite("Durations as seconds for flags")
struct DurationSecondsTests {
    @Test func secondsFollowTheSaturatedNanoseconds() {
        #expect(Duration.milliseconds(1500).seconds == 1.5)
        #expect(Duration.seconds(10).seconds == 10)
        #expect(Duration.seconds(-1).seconds == 0)
    }
}
