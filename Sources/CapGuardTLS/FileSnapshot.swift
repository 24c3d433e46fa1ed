import Glibc

/// The bytes of the files a TLS context was built from, to tell when any of them changed.
struct FileSnapshot: Equatable {
    let contents: [[UInt8]?]

    init(paths: [String]) {
        contents = paths.map(Self.read)
    }

    /// Certificate files are a few kilobytes; anything over this is not one and is not read whole.
    private static let maxFileBytes = 1024 * 1024

    private static func read(_ path: String) -> [UInt8]? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 16 * 1024)
        while bytes.count <= maxFileBytes {
            let count = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { break }
            bytes.append(contentsOf: chunk[..<count])
        }
        return bytes
    }
}
