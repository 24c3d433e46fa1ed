@testable import CapGuardServer
import Testing

/// The last part of the request budget is only for small requests: large ones stop short of it, small ones
/// may fill it, and the accounting stays exact through growth, refusal and release.
@Suite("Request memory budget: the reserve for small requests")
struct RequestMemoryBudgetReserveTests {
    /// 750 bytes for any request, the last 250 only for requests holding at most 100.
    private static func budget() -> RequestMemoryBudget {
        RequestMemoryBudget(limit: 1000, reserve: 250, smallRequestBytes: 100)
    }

    @Test("a large request may take everything up to the reserve and nothing of it")
    func largeStopsAtTheReserve() {
        let budget = Self.budget()
        var large = RequestMemoryLease(budget: budget)
        var granted = large.hold(751)
        #expect(!granted)
        #expect(budget.usedBytes == 0)
        granted = large.hold(750)
        #expect(granted)
        granted = large.hold(751)
        #expect(!granted)
        #expect(large.held == 750)
        #expect(budget.usedBytes == 750)
    }

    @Test("requests of exactly the threshold fill the reserve; one byte more is large and refused")
    func atTheThreshold() {
        let budget = Self.budget()
        var large = RequestMemoryLease(budget: budget)
        var granted = large.hold(750)
        #expect(granted)
        var atThreshold = RequestMemoryLease(budget: budget)
        granted = atThreshold.hold(100)
        #expect(granted)
        var justOver = RequestMemoryLease(budget: budget)
        granted = justOver.hold(101)
        #expect(!granted)
        #expect(justOver.held == 0)
        var second = RequestMemoryLease(budget: budget)
        granted = second.hold(100)
        #expect(granted)
        var third = RequestMemoryLease(budget: budget)
        granted = third.hold(50)
        #expect(granted)
        #expect(budget.usedBytes == 1000)
        var beyond = RequestMemoryLease(budget: budget)
        granted = beyond.hold(1)
        #expect(!granted)
        #expect(budget.usedBytes == 1000)
    }

    @Test("a small request that grows past the threshold is refused while the rest is full, and keeps what it held")
    func smallGrowingLarge() {
        let budget = Self.budget()
        var large = RequestMemoryLease(budget: budget)
        var granted = large.hold(700)
        #expect(granted)
        var growing = RequestMemoryLease(budget: budget)
        granted = growing.hold(60)
        #expect(granted)
        granted = growing.hold(100)
        #expect(granted)
        #expect(budget.usedBytes == 800)
        granted = growing.hold(101)
        #expect(!granted)
        #expect(growing.held == 100)
        #expect(budget.usedBytes == 800)

        large.settle(0)
        granted = growing.hold(101)
        #expect(granted)
        granted = growing.hold(750)
        #expect(granted)
        granted = growing.hold(751)
        #expect(!granted)
        #expect(budget.usedBytes == 750)
    }

    @Test("released bytes open the budget again, the reserve included")
    func release() {
        let budget = Self.budget()
        var large = RequestMemoryLease(budget: budget)
        var granted = large.hold(750)
        #expect(granted)
        var small = [RequestMemoryLease](repeating: RequestMemoryLease(budget: budget), count: 3)
        granted = small[0].hold(100)
        #expect(granted)
        granted = small[1].hold(100)
        #expect(granted)
        granted = small[2].hold(50)
        #expect(granted)
        #expect(budget.usedBytes == 1000)

        small[0].settle(0)
        #expect(budget.usedBytes == 900)
        var next = RequestMemoryLease(budget: budget)
        granted = next.hold(101)
        #expect(!granted)
        granted = next.hold(100)
        #expect(granted)

        large.settle(0)
        for index in small.indices {
            small[index].settle(0)
        }
        next.settle(0)
        #expect(budget.usedBytes == 0)
        granted = large.hold(750)
        #expect(granted)
    }

    @Test("the reserve is a quarter of the budget, at most 4 MiB")
    func reserveSize() {
        var limits = HTTPServerLimits()
        #expect(limits.smallRequestReserveBytes == 4 * 1024 * 1024)
        #expect(limits.maxBufferedRequestBytes - limits.smallRequestReserveBytes >= 3 * (limits.maxBodyBytes + 32 * 1024))
        limits.maxBufferedRequestBytes = 1024 * 1024
        #expect(limits.smallRequestReserveBytes == 256 * 1024)
    }

    /// The most a parser holds while `request` arrives in reads of 16 KiB, as the connection reads.
    private static func peakBufferedBytes(_ request: [UInt8]) -> Int {
        let budget = RequestMemoryBudget(limit: .max, reserve: 0, smallRequestBytes: 0)
        var parser = HTTPRequestParser(limits: HTTPServerLimits(), memory: RequestMemoryLease(budget: budget))
        var peak = 0
        var completed = false
        for start in stride(from: 0, to: request.count, by: 16 * 1024) {
            request[start..<min(request.count, start + 16 * 1024)].withUnsafeBytes { parser.append($0) }
            peak = max(peak, parser.bufferedBytes)
            while let event = parser.nextEvent() {
                if case .request = event { completed = true }
            }
        }
        return completed ? peak : .max
    }

    @Test("a 50 KB review is small, sent with Content-Length or chunked")
    func ordinaryReviewIsSmall() {
        let body = String(repeating: "r", count: 50_000)
        let withLength = "POST /validate HTTP/1.1\r\nContent-Type: application/json\r\nContent-Length: 50000\r\n\r\n" + body
        let chunked = "POST /validate HTTP/1.1\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
            + "8000\r\n" + body.prefix(0x8000) + "\r\n" + String(50_000 - 0x8000, radix: 16) + "\r\n" + body.dropFirst(0x8000)
            + "\r\n0\r\n\r\n"
        for request in [withLength, chunked] {
            #expect(Self.peakBufferedBytes(Array(request.utf8)) <= HTTPServerLimits.smallRequestBytes)
        }
    }
}
