@testable import CapGuardServer
import CSystemShims
import Glibc
import Testing

@Suite("Accepted sockets")
struct AcceptedSocketTests {
    @Test("a connection is accepted non-blocking and close-on-exec, with Nagle's algorithm off as on the listener")
    func acceptedSocketOptions() throws {
        let listener = try ListeningSocket(host: "127.0.0.1", port: 0)
        defer { close(listener.fileDescriptor) }
        let client = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(client) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(listener.port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(client, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        #expect(connected == 0)

        var accepted: Int32 = -1
        for _ in 0..<1000 where accepted < 0 {
            accepted = capguard_accept_nonblocking(listener.fileDescriptor, nil, nil)
            if accepted < 0 { usleep(1000) }
        }
        try #require(accepted >= 0)
        defer { close(accepted) }
        #expect(fcntl(accepted, F_GETFL) & O_NONBLOCK != 0)
        #expect(fcntl(accepted, F_GETFD) & FD_CLOEXEC != 0)
        var noDelay: Int32 = 0
        var length = socklen_t(MemoryLayout<Int32>.size)
        #expect(getsockopt(accepted, Int32(IPPROTO_TCP), TCP_NODELAY, &noDelay, &length) == 0)
        #expect(noDelay != 0)
    }
}
