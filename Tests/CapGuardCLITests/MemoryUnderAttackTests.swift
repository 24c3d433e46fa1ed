import Foundation
import Testing
import CapGuardTestSupport

/// Hostile traffic against the real `capguard serve` process: its peak resident set (VmHWM) must stay inside
/// what the Deployment's 128 Mi limit allows, and it must still answer afterwards.
///
/// The bound is 100 MiB rather than 128: the cgroup also charges the kernel's socket buffers, and the process
/// must keep room for what these attacks do not drive at the same moment (a review being decoded and answered
/// on each worker thread, allocator fragmentation).
@Suite("capguard serve: memory under attack", .serialized)
struct MemoryUnderAttackTests {
    static let peakBound = 100 * 1024 * 1024
    static let maxBodyBytes = 6 * 1024 * 1024

    /// Every attack holds its connections well within this, so that the read timeout is not what saves memory.
    private static let readTimeout = ["--read-timeout", "60"]

    /// Checks the peak so far and that the server still answers, and prints the figure.
    private func expectBoundedAndAlive(_ server: ServeProcess, after attack: String) throws {
        let memory = try #require(ProcessMemory(pid: server.process.processIdentifier))
        print("peak RSS under \(attack): \(String(format: "%.1f", memory.peakMebibytes)) MiB (now \(String(format: "%.1f", memory.residentMebibytes)) MiB)")
        #expect(memory.peakIsWithin(Self.peakBound), "peak RSS \(memory.peakMebibytes) MiB under \(attack)")
        try expectProbesAndReviewsAnswered(server)
    }

    /// The kubelet's probes and an ordinary review from the apiserver.
    private func expectProbesAndReviewsAnswered(_ server: ServeProcess) throws {
        #expect(try Curl.get(port: server.port, "/healthz").status == 200)
        #expect(try Curl.get(port: server.port, "/readyz").status == 200)
        let review = try Curl.post(port: server.port, "/validate", try Fixtures.body("pod-create-no-drop.json"))
        #expect(review.status == 200)
        #expect(review.review?["allowed"] as? Bool == false)
    }

    private static let chunkedHead = "POST /validate HTTP/1.1\r\nHost: capguard\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"

    /// `count` chunks of `data` bytes, each behind a size line stretched by an extension to `extensionLength` bytes.
    private static func chunks(count: Int, data: Int, extensionLength: Int) -> [UInt8] {
        let line = String(data, radix: 16) + ";" + String(repeating: "e", count: extensionLength - 1) + "\r\n"
        let chunk = Array(line.utf8) + [UInt8](repeating: UInt8(ascii: "x"), count: data) + [13, 10]
        return Array([[UInt8]](repeating: chunk, count: count).joined())
    }

    @Test func oneByteChunksBehindLongExtensionsCutMidSizeLine() throws {
        let server = try ServeProcess(Self.readTimeout)
        defer { server.terminate() }
        let client = try RawTLSClient(port: server.port)
        try client.send(Self.chunkedHead)
        // 700-byte records cut the 1 KB size lines in the middle; 160 MB on the wire.
        let block = Self.chunks(count: 1000, data: 1, extensionLength: 1000)
        var sent = 0
        while sent < 160_000_000 {
            do {
                try client.send(block, recordSize: 700)
            } catch {
                break
            }
            sent += block.count
        }
        try expectBoundedAndAlive(server, after: "1-byte chunks behind 1 KB extensions (\(sent / 1_000_000) MB taken)")
    }

    /// Opens `count` connections that each send a body of the largest size but for its last byte, half of
    /// them with Content-Length, half chunked and stretched by extensions as far as the framing rules allow.
    /// Returns the connections still open and how many the server cut off while they were sending.
    private static func holdLargeBodies(count: Int, port: Int) throws -> (held: [RawTLSClient], cutOff: Int) {
        let lengthHead = Array("POST /validate HTTP/1.1\r\nHost: capguard\r\nContent-Type: application/json\r\nContent-Length: \(maxBodyBytes)\r\n\r\n".utf8)
        let lengthRequest = lengthHead + [UInt8](repeating: UInt8(ascii: "x"), count: maxBodyBytes - 1)
        let chunkData = 8000
        let chunkedRequest = Array(chunkedHead.utf8)
            + chunks(count: (maxBodyBytes - 1) / chunkData, data: chunkData, extensionLength: 1000)
            + chunks(count: 1, data: (maxBodyBytes - 1) % chunkData, extensionLength: 1000)
        var held: [RawTLSClient] = []
        var cutOff = 0
        for index in 0..<count {
            let client = try RawTLSClient(port: port)
            do {
                try client.send(index.isMultiple(of: 2) ? lengthRequest : chunkedRequest)
                held.append(client)
            } catch {
                cutOff += 1
            }
        }
        return (held, cutOff)
    }

    /// Opens `count` connections that each send half a review and then stop in the middle of a TLS record:
    /// the server holds OpenSSL's record buffer and the half it decrypted, the most a connection can make it
    /// hold outside the budget. Returns those the server took.
    private static func stopMidRecord(count: Int, port: Int) throws -> [RawTLSClient] {
        let body = try Fixtures.body("pod-create-no-drop.json")
        let request = Array("POST /validate HTTP/1.1\r\nHost: capguard\r\nContent-Type: application/json\r\nContent-Length: \(body.count)\r\n\r\n".utf8) + Array(body)
        let half = request.count / 2
        var held: [RawTLSClient] = []
        for _ in 0..<count {
            // Beyond the connection limit the server closes at once, and the handshake fails.
            guard let client = try? RawTLSClient(port: port) else { continue }
            try client.send(Array(request.prefix(half)))
            try client.sendIncompleteRecord(Array(request[half...]), withheld: (request.count - half) / 2)
            held.append(client)
        }
        return held
    }

    private static func limitHits(_ limit: String, port: Int) throws -> Int {
        let line = try Curl.get(port: port, "/metrics").text.split(separator: "\n")
            .first { $0.hasPrefix("capguard_limit_hits_total{limit=\"\(limit)\"} ") }
        return line.flatMap { Int($0.split(separator: " ").last!) } ?? 0
    }

    private static func bufferedRequestBytes(port: Int) throws -> Int {
        let line = try Curl.get(port: port, "/metrics").text.split(separator: "\n")
            .first { $0.hasPrefix("capguard_buffered_request_bytes ") }
        return line.flatMap { Int($0.split(separator: " ").last!) } ?? 0
    }

    private static func waitForBufferedRequestBytes(atLeast bytes: Int, port: Int) throws {
        try waitUntil({ try bufferedRequestBytes(port: port) >= bytes }, "the server did not take \(bytes) bytes within 10 s")
    }

    /// A POST to /validate with a body of `length` bytes, but for its last byte.
    private static func requestOneByteShort(length: Int) -> [UInt8] {
        Array("POST /validate HTTP/1.1\r\nHost: capguard\r\nContent-Type: application/json\r\nContent-Length: \(length)\r\n\r\n".utf8)
            + [UInt8](repeating: UInt8(ascii: "x"), count: length - 1)
    }

    @Test func probesAndReviewsAreAnsweredFromTheReserveWhileLargeBodiesFillTheRest() throws {
        // 1 MiB: the last 256 KiB only for requests holding at most 128 KiB.
        let budget = 1024 * 1024
        let openToLarge = budget - budget / 4
        let server = try ServeProcess(Self.readTimeout + ["--max-body-bytes", "500000", "--max-buffered-request-bytes", "\(budget)"])
        defer { server.terminate() }
        // Large bodies take what is open to them: 700 KB of the 768 KiB.
        var held = try [500_000, 200_000].map { length in
            let client = try RawTLSClient(port: server.port)
            try client.send(Self.requestOneByteShort(length: length))
            return client
        }
        try Self.waitForBufferedRequestBytes(atLeast: 700_000, port: server.port)
        // A small one may go beyond, into the reserve.
        held.append(try RawTLSClient(port: server.port))
        try held[2].send(Self.requestOneByteShort(length: 90_000))
        try Self.waitForBufferedRequestBytes(atLeast: 790_000, port: server.port)
        #expect(try Self.bufferedRequestBytes(port: server.port) > openToLarge)

        try expectProbesAndReviewsAnswered(server)
        // A further large body would fit in what is left of the whole budget, but not outside the reserve.
        let refused = try RawTLSClient(port: server.port)
        try? refused.send(Self.requestOneByteShort(length: 140_000) + [UInt8(ascii: "x")])
        #expect(refused.responseStatus() == 503)
        #expect(try Self.limitHits("buffered_request_bytes", port: server.port) == 1)

        held.removeAll()
        // What is left is the head of the /metrics request asking.
        var left = 0
        try waitUntil({
            left = try Self.bufferedRequestBytes(port: server.port)
            return left <= 1024
        }, "\(left) held bytes not given back within 10 s")
    }

    @Test func manyConnectionsEachHoldingALargeBodyOneByteShort() throws {
        let server = try ServeProcess(Self.readTimeout)
        defer { server.terminate() }
        var (held, cutOff) = try Self.holdLargeBodies(count: 20, port: server.port)
        // Three of the largest fit; smaller large bodies fill what they leave, as far as large requests may.
        for length in [1024 * 1024, 256 * 1024, 160 * 1024] {
            for _ in 0..<8 {
                let client = try RawTLSClient(port: server.port)
                guard (try? client.send(Self.requestOneByteShort(length: length))) != nil else { break }
                held.append(client)
            }
        }
        let openToLarge = 20 * 1024 * 1024
        try Self.waitForBufferedRequestBytes(atLeast: openToLarge - 512 * 1024, port: server.port)
        let heldBytes = try Self.bufferedRequestBytes(port: server.port)
        // Large bodies stop where the part kept for small requests (4 MiB) begins.
        #expect(heldBytes <= openToLarge)
        try expectBoundedAndAlive(server, after: "20 connections holding a 6 MiB body one byte short, then smaller large ones "
            + "(\(cutOff) cut off while sending, \(heldBytes / 1024) KiB held)")
        #expect(try Self.limitHits("buffered_request_bytes", port: server.port) > 0)
        held.removeAll()
        try expectBoundedAndAlive(server, after: "their close")
    }

    @Test func connectionsUpToTheLimitStoppedMidRecordWhileOthersHoldTheBudget() throws {
        let server = try ServeProcess(Self.readTimeout)
        defer { server.terminate() }
        // The worst the defaults allow at once: every connection the limit (512) leaves open holding what it
        // can outside the budget, and the budget full.
        var stalled = try Self.stopMidRecord(count: 490, port: server.port)
        var (held, _) = try Self.holdLargeBodies(count: 20, port: server.port)
        stalled += try Self.stopMidRecord(count: 100, port: server.port)
        let memory = try #require(ProcessMemory(pid: server.process.processIdentifier))
        print("peak RSS under \(stalled.count) connections stopped mid-record and \(held.count) holding large bodies: "
            + "\(String(format: "%.1f", memory.peakMebibytes)) MiB")
        #expect(memory.peakIsWithin(Self.peakBound), "peak RSS \(memory.peakMebibytes) MiB")
        stalled.removeAll()
        held.removeAll()
        #expect(try Self.limitHits("connections", port: server.port) > 0)
        try expectBoundedAndAlive(server, after: "their close")
    }

    @Test func connectionsPipeliningRequestsWithoutReadingTheAnswers() throws {
        let server = try ServeProcess(Self.readTimeout)
        defer { server.terminate() }
        // Each answer waits for the client to read it, as does OpenSSL's record of it and whatever the kernel
        // queued before the socket stopped taking more: memory the pod's cgroup is charged for, in or out of
        // the resident set.
        let requests = Array(String(repeating: "GET /metrics HTTP/1.1\r\nHost: capguard\r\n\r\n", count: 500).utf8)
        var clients: [RawTLSClient] = []
        for _ in 0..<500 {
            let client = try RawTLSClient(port: server.port)
            try client.send(requests)
            clients.append(client)
        }
        // The server writes as the sockets let it: sample until the queues stop growing.
        var socketBytes = SocketMemory.ofServer(port: server.port) ?? 0
        for _ in 0..<100 {
            Thread.sleep(forTimeInterval: 0.1)
            let now = SocketMemory.ofServer(port: server.port) ?? 0
            if now == socketBytes { break }
            socketBytes = now
        }
        let memory = try #require(ProcessMemory(pid: server.process.processIdentifier))
        print("peak RSS under 500 connections pipelining unread requests: \(String(format: "%.1f", memory.peakMebibytes)) MiB, "
            + "and \(String(format: "%.1f", Double(socketBytes) / 1_048_576)) MiB in the kernel's socket queues")
        #expect(memory.peakIsWithin(Self.peakBound, adding: socketBytes), "peak RSS \(memory.peakMebibytes) MiB and \(socketBytes) socket bytes")
        clients.removeAll()
        try expectBoundedAndAlive(server, after: "their close")
    }
}
