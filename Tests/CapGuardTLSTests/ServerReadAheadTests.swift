import CapGuardTLS
import Testing

@Suite("Server TLS reading")
struct ServerReadAheadTests {
    @Test("records sent together leave the socket with the first read, and each is read without the socket")
    func readAhead() throws {
        let pair = try LoopbackTLSPair()
        try pair.handshake()
        try pair.clientSends(Array("first".utf8))
        try pair.clientSends(Array("second".utf8))

        var received: [TLSIOResult] = [pair.serverReads(capacity: 1024)]
        // One read(2) took both records: nothing is left on the socket to say that the second is there.
        #expect(pair.unreadAtServerSocket == 0)
        while received.count < 4, received.last != .wantsRead {
            received.append(pair.serverReads(capacity: 1024))
        }
        #expect(received == [.bytes(5), .bytes(6), .wantsRead])
    }
}
