import CapGuardSystem

/// The bytes of the files a TLS context was built from, to tell when any of them changed.
struct FileSnapshot: Equatable {
    let contents: [[UInt8]?]

    init(paths: [String]) {
        contents = paths.map { try? BoundedInput.read(path: $0, limit: Self.maxFileBytes) }
    }

    /// Certificate files are a few kilobytes; anything over this is not one and is not read whole.
    private static let maxFileBytes = 1024 * 1024
}
