import CSystemShims
import Dispatch
import Glibc

/// A serial queue that many connections share, and the scratch memory their work on it reuses.
///
/// With a queue per connection, every request woke a thread for its own queue; with a few shared ones, a
/// thread that wakes drains whatever events of its connections are pending, and reads go into one buffer
/// per loop instead of one allocated per read.
final class EventLoop: @unchecked Sendable {
    // `readBuffer`, `dateSecond` and `date` are only touched on `queue`: by the connections assigned to this
    // loop, whose own state lives on it too.
    static let readBufferBytes = 16 * 1024

    let queue: DispatchQueue
    /// Bytes read from a socket go here, and from here into the connection's parser, within one event.
    let readBuffer: UnsafeMutableRawBufferPointer
    private var dateSecond = -1
    private var date = ""

    init(index: Int) {
        queue = DispatchQueue(label: "capguard.loop.\(index)", target: .global(qos: .userInitiated))
        readBuffer = .allocate(byteCount: Self.readBufferBytes, alignment: 16)
    }

    deinit {
        readBuffer.deallocate()
    }

    /// The Date header's value, formatted once per second rather than once per response.
    var httpDate: String {
        let now = time(nil)
        if now != dateSecond {
            dateSecond = now
            date = WallClock.httpDate(now)
        }
        return date
    }

    /// One loop per processor this process may use: as many requests run at once as with a thread per
    /// connection, and no more threads than can run.
    static func makeLoops() -> [EventLoop] {
        (0..<Int(capguard_available_processors())).map { EventLoop(index: $0) }
    }
}
