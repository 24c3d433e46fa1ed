import Testing
@testable import CapGuardServer

@Suite("process metrics from /proc")
struct ProcessStatisticsTests {
    @Test func statFieldsAreCountedFromAfterTheLastParenthesisOfTheCommandName() throws {
        // A command name may hold spaces and parentheses; utime 14, stime 15, starttime 22 and rss 24 follow it.
        let line = "4242 (a) b (c) S 1 4242 4242 0 -1 4194560 900 0 0 0 130 45 0 0 20 0 9 0 777 123456789 5120 "
            + "18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0\n"
        let stat = try #require(ProcessStat(line))
        #expect([stat.userTicks, stat.systemTicks, stat.startTicks, stat.residentPages] == [130, 45, 777, 5120])
        #expect(ProcessStat("4242 (truncated") == nil)
        #expect(ProcessStat("4242 (short) S 1 2 3") == nil)
    }

    @Test func bootTimeIsTheBtimeLine() {
        #expect(ProcessStatistics.bootTimeSeconds(procStat: "cpu  1 2 3\nintr 5\nbtime 1700000000\nprocesses 9\n") == 1_700_000_000)
        #expect(ProcessStatistics.bootTimeSeconds(procStat: "cpu  1 2 3\n") == nil)
    }

    @Test func thisProcessReadsAsRunningWithOpenDescriptorsAndMemory() throws {
        let process = try #require(ProcessStatistics.current())
        #expect(process.residentBytes > 0)
        #expect(process.openFileDescriptors >= 3)
        #expect(process.maxFileDescriptors.map { process.openFileDescriptors < $0 } ?? true)
        #expect(process.cpuSeconds > 0)
    }
}
