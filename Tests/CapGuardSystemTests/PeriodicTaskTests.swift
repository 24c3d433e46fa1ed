import CapGuardSystem
import CapGuardTestSupport
import Synchronization
import Testing

@Suite("A task run at an interval")
struct PeriodicTaskTests {
    @Test func runsRepeatedlyOnceStarted() throws {
        let runs = Atomic(0)
        let task = PeriodicTask(label: "test.periodic", leeway: .milliseconds(1))
        task.start(every: .milliseconds(5)) { runs.add(1, ordering: .relaxed) }
        try waitUntil { runs.load(ordering: .relaxed) >= 3 }
        task.cancel()
    }

    @Test func onlyTheFirstStartCounts() throws {
        let first = Atomic(0)
        let second = Atomic(0)
        let task = PeriodicTask(label: "test.periodic", leeway: .milliseconds(1))
        task.start(every: .milliseconds(5)) { first.add(1, ordering: .relaxed) }
        task.start(every: .milliseconds(5)) { second.add(1, ordering: .relaxed) }
        try waitUntil { first.load(ordering: .relaxed) >= 3 }
        task.cancel()
        #expect(second.load(ordering: .relaxed) == 0)
    }

    /// A Dispatch source released while suspended crashes the process: one never started must not be.
    @Test func aTaskNeverStartedCanBeReleased() {
        for _ in 0..<10 {
            _ = PeriodicTask(label: "test.periodic", leeway: .milliseconds(1))
        }
    }

    @Test func anIntervalTooLongForDispatchMeansPracticallyNever() {
        let runs = Atomic(0)
        let task = PeriodicTask(label: "test.periodic", leeway: .milliseconds(1))
        task.start(every: .seconds(Int64.max)) { runs.add(1, ordering: .relaxed) }
        task.cancel()
        #expect(runs.load(ordering: .relaxed) == 0)
    }
}
