import CSystemShims
import Foundation
import Glibc
import Synchronization
import Testing
@testable import CapGuardServer

@Suite("Event loops")
struct EventLoopTests {
    /// Records the readiness a socket is told of, and lets the test wait for the next report.
    private final class Recorder: SocketEventHandler, @unchecked Sendable {
        let reports = Mutex<[SocketEvents]>([])
        let reported = DispatchSemaphore(value: 0)
        let onLoop = Atomic<Bool>(true)
        let loop: EventLoop

        init(loop: EventLoop) {
            self.loop = loop
        }

        func socketReady(_ events: SocketEvents) {
            if !loop.isOnLoop { onLoop.store(false, ordering: .relaxed) }
            reports.withLock { $0.append(events) }
            reported.signal()
        }
    }

    /// Two connected non-blocking stream sockets.
    private func socketPair() throws -> [Int32] {
        var pair: [Int32] = [0, 0]
        let made = socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue), 0, &pair)
        try #require(made == 0)
        return pair
    }

    private func onLoop(_ loop: EventLoop, _ work: @escaping @Sendable () -> Void) {
        let done = DispatchSemaphore(value: 0)
        loop.execute {
            work()
            done.signal()
        }
        #expect(done.wait(timeout: .now() + 10) == .success)
    }

    @Test func tasksFromManyThreadsAllRunOnTheLoopInTheOrderEachThreadGaveThem() throws {
        let loop = try EventLoop(index: 0)
        loop.start()
        defer { loop.stop() }
        let ran = Mutex<[Int: [Int]]>([:])
        let offLoop = Atomic<Int>(0)
        let finished = DispatchSemaphore(value: 0)
        DispatchQueue.concurrentPerform(iterations: 4) { thread in
            for index in 0..<1000 {
                loop.execute {
                    if !loop.isOnLoop { offLoop.add(1, ordering: .relaxed) }
                    ran.withLock { $0[thread, default: []].append(index) }
                    if index == 999 { finished.signal() }
                }
            }
        }
        for _ in 0..<4 { #expect(finished.wait(timeout: .now() + 10) == .success) }
        #expect(offLoop.load(ordering: .relaxed) == 0)
        let byThread = ran.withLock { $0 }
        #expect(byThread.count == 4)
        #expect(byThread.values.allSatisfy { $0 == Array(0..<1000) })
    }

    @Test func aTaskQueuedOnTheLoopRunsAfterTheOneThatQueuedIt() throws {
        let loop = try EventLoop(index: 0)
        loop.start()
        defer { loop.stop() }
        let order = Mutex<[String]>([])
        let done = DispatchSemaphore(value: 0)
        loop.execute {
            loop.execute {
                order.withLock { $0.append("queued") }
                done.signal()
            }
            order.withLock { $0.append("queuing") }
        }
        #expect(done.wait(timeout: .now() + 10) == .success)
        #expect(order.withLock { $0 } == ["queuing", "queued"])
    }

    @Test func aRegisteredSocketIsToldWhatItWantsToKnowAndNothingOnceDeregistered() throws {
        let loop = try EventLoop(index: 0)
        loop.start()
        defer { loop.stop() }
        let pair = try socketPair()
        defer {
            close(pair[0])
            close(pair[1])
        }
        let socket = pair[0]
        let recorder = Recorder(loop: loop)
        onLoop(loop) { #expect(loop.register(socket, interest: .readable, handler: recorder)) }

        // Nothing to read yet: no report.
        #expect(recorder.reported.wait(timeout: .now() + 0.2) == .timedOut)
        #expect(write(pair[1], "x", 1) == 1)
        #expect(recorder.reported.wait(timeout: .now() + 10) == .success)
        #expect(recorder.reports.withLock { $0.last?.contains(.readable) } == true)

        // Level-triggered, so the unread byte keeps the socket ready; asking for writability instead, it is
        // told that, and no longer of the byte.
        onLoop(loop) {
            loop.update(socket, interest: .writable)
            recorder.reports.withLock { $0.removeAll() }
        }
        #expect(recorder.reported.wait(timeout: .now() + 10) == .success)
        onLoop(loop) { loop.deregister(socket) }
        #expect(recorder.reports.withLock { $0.first } == .writable)
        while recorder.reported.wait(timeout: .now() + 0.05) == .success {}
        recorder.reports.withLock { $0.removeAll() }
        #expect(write(pair[1], "y", 1) == 1)
        #expect(recorder.reported.wait(timeout: .now() + 0.2) == .timedOut)
        #expect(recorder.reports.withLock { $0.isEmpty })
        let everyReportOnTheLoop = recorder.onLoop.load(ordering: .relaxed)
        #expect(everyReportOnTheLoop)
    }

    @Test func aPeerThatHangsUpIsReportedAsFailedWhateverTheInterest() throws {
        let loop = try EventLoop(index: 0)
        loop.start()
        defer { loop.stop() }
        let pair = try socketPair()
        defer { close(pair[0]) }
        let socket = pair[0]
        let recorder = Recorder(loop: loop)
        onLoop(loop) { #expect(loop.register(socket, interest: [], handler: recorder)) }
        close(pair[1])
        #expect(recorder.reported.wait(timeout: .now() + 10) == .success)
        #expect(recorder.reports.withLock { $0.first?.isDisjoint(with: .failed) } == false)
        onLoop(loop) { loop.deregister(socket) }
    }
}
