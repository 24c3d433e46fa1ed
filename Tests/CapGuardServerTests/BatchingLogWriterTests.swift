import Foundation
import Synchronization
import Testing
@testable import CapGuardServer

@Suite("Batched log writing")
struct BatchingLogWriterTests {
    /// Reads everything from `descriptor` until `expected` lines or end of file.
    private func readLines(_ descriptor: Int32, expected: Int) -> [String] {
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while bytes.filter({ $0 == 10 }).count < expected {
            let count = read(descriptor, &buffer, buffer.count)
            guard count > 0 else { break }
            bytes += buffer[..<count]
        }
        return String(decoding: bytes, as: UTF8.self).split(separator: "\n").map(String.init)
    }

    @Test func linesFromManyThreadsArriveWholeAndEach() throws {
        var fds: [Int32] = [0, 0]
        #expect(pipe(&fds) == 0)
        defer { close(fds[0]) }
        let writer = BatchingLogWriter(descriptor: fds[1])
        let drained = DispatchSemaphore(value: 0)
        let received = Mutex<[String]>([])
        let readEnd = fds[0]
        Thread.detachNewThread {
            let all = self.readLines(readEnd, expected: 4000)
            received.withLock { $0 = all }
            drained.signal()
        }
        DispatchQueue.concurrentPerform(iterations: 8) { thread in
            for index in 0..<500 { writer.write(#"{"thread":\#(thread),"index":\#(index)}"#) }
        }
        writer.flush()
        #expect(drained.wait(timeout: .now() + 10) == .success)
        close(fds[1])
        let lines = received.withLock { $0 }
        #expect(lines.count == 4000)
        #expect(Set(lines).count == 4000)
        #expect(lines.allSatisfy { (try? JSONSerialization.jsonObject(with: Data($0.utf8))) != nil })
    }

    @Test func aStuckDescriptorBoundsTheBufferAndCountsWhatWasDropped() throws {
        var fds: [Int32] = [0, 0]
        #expect(pipe(&fds) == 0)
        defer { close(fds[0]) }
        let writer = BatchingLogWriter(descriptor: fds[1], limit: 4096)
        let line = String(repeating: "x", count: 100)
        // Nobody reads: the pipe fills (64 KiB), the flush blocks, and the bounded buffer overflows.
        for _ in 0..<2000 { writer.write(line) }
        let drained = DispatchSemaphore(value: 0)
        let received = Mutex<[String]>([])
        let readEnd = fds[0]
        Thread.detachNewThread {
            let all = self.readLines(readEnd, expected: .max)
            received.withLock { $0 = all }
            drained.signal()
        }
        writer.flush()
        close(fds[1])
        #expect(drained.wait(timeout: .now() + 10) == .success)
        let lines = received.withLock { $0 }
        #expect(lines.count < 2000)
        // Each flush reports what was dropped since the one before, so there may be several notices.
        let notices = lines.filter { $0.contains("log lines dropped") }
        #expect(!notices.isEmpty)
        let parsed = notices.compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
        // Like every other line: time, level, message, label.
        #expect(parsed.count == notices.count)
        #expect(parsed.allSatisfy { ($0["time"] as? String)?.hasSuffix("Z") == true && $0["level"] as? String == "warning" && $0["label"] != nil })
        let dropped = parsed.compactMap { ($0["dropped"] as? String).flatMap(Int.init) }
        #expect(dropped.count == notices.count)
        #expect(dropped.reduce(0, +) + lines.filter { $0 == line }.count == 2000)
    }

    @Test func linesWrittenTogetherGoOutInOneWriteWithoutAFlush() throws {
        var fds: [Int32] = [0, 0]
        #expect(pipe(&fds) == 0)
        defer {
            close(fds[0])
            close(fds[1])
        }
        // The delay is long enough that all hundred lines are buffered before the scheduled write runs.
        let writer = BatchingLogWriter(descriptor: fds[1], delay: .milliseconds(300))
        for index in 0..<100 { writer.write(#"{"index":\#(index)}"#) }
        // Under PIPE_BUF, one write reaches the reader whole: the first read returns every line or the writes
        // were several.
        var buffer = [UInt8](repeating: 0, count: 65536)
        let count = read(fds[0], &buffer, buffer.count)
        let lines = String(decoding: buffer[..<max(count, 0)], as: UTF8.self).split(separator: "\n")
        #expect(lines.count == 100)
        #expect(lines.first == #"{"index":0}"#)
        #expect(lines.last == #"{"index":99}"#)
    }

    @Test func theDroppedNoticeIsFormattedAsEveryOtherLine() throws {
        let notice = BatchingLogWriter.droppedNotice(7, time: "2026-11-27T10:00:00.000Z")
        #expect(notice == #"{"time":"2026-11-27T10:00:00.000Z","level":"warning","message":"log lines dropped: standard output did not keep up","label":"capguard","dropped":"7"}"#)
    }
}
