import Glibc

/// Reads a whole file or stream, but never more than a limit: `/dev/zero`, a FIFO that never ends or a
/// runaway pipe must cost a clear error, not the allocator's abort. Manifests, policy files and the
/// server's certificate files all come through here.
public enum BoundedInput {
    public enum Failure: Error, Sendable, Equatable {
        case cannotOpen(reason: String)
        case cannotRead(reason: String)
        case tooLarge(limit: Int)
    }

    /// The bytes of the file at `path`, following symlinks.
    public static func read(path: String, limit: Int) throws(Failure) -> [UInt8] {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw .cannotOpen(reason: String(cString: strerror(errno))) }
        defer { close(descriptor) }
        return try read(descriptor: descriptor, limit: limit)
    }

    /// What `descriptor` holds until its end of file.
    public static func read(descriptor: Int32, limit: Int) throws(Failure) -> [UInt8] {
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let count = chunk.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress, $0.count) }
            if count == 0 { return bytes }
            if count < 0 {
                if errno == EINTR { continue }
                throw .cannotRead(reason: String(cString: strerror(errno)))
            }
            guard bytes.count + count <= limit else { throw .tooLarge(limit: limit) }
            bytes.append(contentsOf: chunk[..<count])
        }
    }
}
