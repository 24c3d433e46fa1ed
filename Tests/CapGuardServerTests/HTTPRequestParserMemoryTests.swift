@testable import CapGuardServer
import Testing

/// What the parser holds follows what a request may hold, never the bytes on the wire, and every byte it
/// holds is charged to the shared budget and given back.
@Suite("HTTP request parser memory")
struct HTTPRequestParserMemoryTests {
    private static let limits = HTTPServerLimits(maxHeaderBytes: 8 * 1024, maxHeaderCount: 10, maxBodyBytes: 1024 * 1024)
    private static let chunkedHead = Array("POST /e HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n".utf8)

    private struct Run {
        var events: [HTTPRequestParser.Event] = []
        var peakBufferedBytes = 0
        /// Input bytes taken before the first failure (all of them when none).
        var bytesBeforeFailure = 0
        var leaseMatchedBudget = true
        var failure: Int? {
            events.compactMap { if case .failure(let status, _) = $0 { status } else { nil } }.first
        }
        var request: HTTPRequestParser.Request? {
            events.compactMap { if case .request(let request) = $0 { request } else { nil } }.first
        }
    }

    /// Feeds `input` in pieces of `step` bytes, stopping at the first failure, and watches what is held.
    private func feed(_ input: [UInt8], step: Int, into parser: inout HTTPRequestParser, budget: RequestMemoryBudget) -> Run {
        var run = Run()
        var offset = 0
        while offset < input.count {
            let end = min(input.count, offset + step)
            input[offset..<end].withUnsafeBytes { parser.append($0) }
            run.peakBufferedBytes = max(run.peakBufferedBytes, parser.bufferedBytes)
            offset = end
            while let event = parser.nextEvent() {
                run.events.append(event)
            }
            run.leaseMatchedBudget = run.leaseMatchedBudget && parser.bufferedBytes == budget.usedBytes
            if run.failure != nil { break }
        }
        run.bytesBeforeFailure = offset
        return run
    }

    private func feed(_ input: [UInt8], step: Int, limits: HTTPServerLimits = limits, budgetLimit: Int = .max) -> (Run, RequestMemoryBudget) {
        let budget = RequestMemoryBudget(limit: budgetLimit, reserve: 0, smallRequestBytes: 0)
        var parser = HTTPRequestParser(limits: limits, memory: RequestMemoryLease(budget: budget))
        return (feed(input, step: step, into: &parser, budget: budget), budget)
    }

    private func chunks(count: Int, data: String, extensionLength: Int = 0) -> [UInt8] {
        let size = String(data.utf8.count, radix: 16)
        let chunkExtension = extensionLength > 0 ? ";" + String(repeating: "e", count: extensionLength - 1) : ""
        return Array(String(repeating: "\(size)\(chunkExtension)\r\n\(data)\r\n", count: count).utf8)
    }

    @Test("1-byte chunks behind 1 KB extensions, cut mid size line, are refused within bounded memory", arguments: [1, 700, 16 * 1024])
    func longExtensions(step: Int) {
        let input = Self.chunkedHead + chunks(count: 2000, data: "x", extensionLength: 1000)
        let (run, budget) = feed(input, step: step)
        #expect(run.failure == 413)
        // The allowance is 16 KiB of excess framing; one more piece may have arrived with the line that broke it.
        #expect(run.bytesBeforeFailure <= 17 * 1024 + step)
        #expect(run.peakBufferedBytes <= 64 * 1024)
        #expect(run.leaseMatchedBudget)
        #expect(budget.usedBytes == 0)
    }

    @Test("one byte per chunk with bare size lines is a valid body, held in bounded memory", arguments: [1, 7, 700])
    func oneBytePerChunk(step: Int) throws {
        let input = Self.chunkedHead + chunks(count: 20_000, data: "x") + Array("0\r\n\r\n".utf8)
        let (run, budget) = feed(input, step: step)
        let request = try #require(run.request)
        #expect(request.body == [UInt8](repeating: UInt8(ascii: "x"), count: 20_000))
        // The body and its doubling, and at most two pieces of framing: not the 120 KB on the wire.
        #expect(run.peakBufferedBytes <= 2 * 20_000 + 16 * 1024 + 2 * step)
        #expect(run.leaseMatchedBudget)
        #expect(budget.usedBytes == 0)
    }

    @Test("chunks of data with extensions no longer than the data pass, and what was consumed is let go")
    func extensionsWithinTheAllowance() throws {
        let data = String(repeating: "d", count: 1000)
        let input = Self.chunkedHead + chunks(count: 200, data: data, extensionLength: 1000) + Array("0\r\n\r\n".utf8)
        let (run, _) = feed(input, step: 700)
        let request = try #require(run.request)
        #expect(request.body.count == 200_000)
        #expect(run.peakBufferedBytes <= 2 * 200_000 + 16 * 1024)
    }

    @Test("a chunk-size line over 1 KiB is refused with 400", arguments: [1, 700, 16 * 1024])
    func overlongSizeLine(step: Int) {
        let input = Self.chunkedHead + Array("1;\(String(repeating: "e", count: 1100))\r\nx\r\n0\r\n\r\n".utf8)
        let (run, budget) = feed(input, step: step)
        #expect(run.failure == 400)
        #expect(budget.usedBytes == 0)
    }

    @Test("a Content-Length body one byte short holds no more than its length")
    func contentLengthBodyOneByteShort() {
        let length = 300_000
        let input = Array("POST /e HTTP/1.1\r\nContent-Length: \(length)\r\n\r\n".utf8) + [UInt8](repeating: 0x61, count: length - 1)
        let budget = RequestMemoryBudget(limit: .max, reserve: 0, smallRequestBytes: 0)
        var parser = HTTPRequestParser(limits: Self.limits, memory: RequestMemoryLease(budget: budget))
        let run = feed(input, step: 16 * 1024, into: &parser, budget: budget)
        #expect(run.events.isEmpty)
        #expect(parser.isMidRequest)
        // Rounding by the allocator aside, nothing beyond the declared length.
        #expect(parser.bufferedBytes <= length + 4096)
        #expect(budget.usedBytes == parser.bufferedBytes)
        parser.releaseMemory()
        #expect(budget.usedBytes == 0)
    }

    @Test("a body beyond the shared budget is refused with 503 and gives back what it held", arguments: [1000, 16 * 1024])
    func overBudget(step: Int) {
        let input = Array("POST /e HTTP/1.1\r\nContent-Length: 200000\r\n\r\n".utf8) + [UInt8](repeating: 0x61, count: 200_000)
        let (run, budget) = feed(input, step: step, budgetLimit: 100_000)
        #expect(run.failure == 503)
        #expect(run.request == nil)
        #expect(run.peakBufferedBytes <= 100_000)
        #expect(budget.usedBytes == 0)
    }

    @Test("connections share one budget: the second is refused while the first holds it, served once it is back")
    func sharedBudget() throws {
        let budget = RequestMemoryBudget(limit: 150_000, reserve: 0, smallRequestBytes: 0)
        let body = [UInt8](repeating: 0x61, count: 100_000)
        let request = Array("POST /e HTTP/1.1\r\nContent-Length: \(body.count)\r\n\r\n".utf8) + body
        var first = HTTPRequestParser(limits: Self.limits, memory: RequestMemoryLease(budget: budget))
        var second = HTTPRequestParser(limits: Self.limits, memory: RequestMemoryLease(budget: budget))
        let held = feed(Array(request.dropLast()), step: 16 * 1024, into: &first, budget: budget)
        #expect(held.events.isEmpty)
        #expect(feed(request, step: 16 * 1024, into: &second, budget: budget).failure == 503)
        let completed = feed(Array(request.suffix(1)), step: 1, into: &first, budget: budget)
        #expect(completed.request?.body == body)
        #expect(budget.usedBytes == 0)
        var third = HTTPRequestParser(limits: Self.limits, memory: RequestMemoryLease(budget: budget))
        #expect(feed(request, step: 16 * 1024, into: &third, budget: budget).request?.body == body)
        #expect(budget.usedBytes == 0)
    }

    @Test("keep-alive requests one after another leave nothing held between them")
    func idleHoldsNothing() {
        let budget = RequestMemoryBudget(limit: .max, reserve: 0, smallRequestBytes: 0)
        var parser = HTTPRequestParser(limits: Self.limits, memory: RequestMemoryLease(budget: budget))
        for _ in 0..<3 {
            let run = feed(Array("POST /e HTTP/1.1\r\nContent-Length: 5000\r\n\r\n".utf8) + [UInt8](repeating: 0x61, count: 5000),
                step: 16 * 1024, into: &parser, budget: budget)
            #expect(run.request?.body.count == 5000)
            #expect(parser.bufferedBytes == 0)
            #expect(budget.usedBytes == 0)
        }
    }
}
