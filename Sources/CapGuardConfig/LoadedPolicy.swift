import CapGuardPolicy
import CapGuardSystem
import CapGuardYAML

/// A validated policy and where it came from; what the webhook serves with.
public struct LoadedPolicy: Sendable, Hashable {
    public let policies: PolicySet
    /// The policy file's path, or nil for the embedded default.
    public let path: String?
    /// SHA-256 of the file's bytes in hexadecimal (of the empty string for the embedded default), so that
    /// operators can match a running policy to a ConfigMap (`sha256sum`).
    public let contentHash: String
    /// 1 for the policy loaded at start, one more for every successful reload.
    public let generation: Int

    public init(policies: PolicySet, path: String?, contentHash: String, generation: Int) {
        self.policies = policies
        self.path = path
        self.contentHash = contentHash
        self.generation = generation
    }

    /// The embedded default policy.
    public static let embeddedDefault = LoadedPolicy(
        policies: .default, path: nil, contentHash: SHA256.hex(of: []), generation: 1
    )

    /// Reads and validates a policy file.
    public static func load(path: String, generation: Int = 1) throws(PolicyLoadError) -> LoadedPolicy {
        let bytes = try PolicyLoadError.reading(path)
        return try parse(bytes, path: path, generation: generation)
    }

    static func parse(_ bytes: [UInt8], path: String, generation: Int) throws(PolicyLoadError) -> LoadedPolicy {
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw .invalid(PolicyFileErrors([PolicyFileError(file: path, mark: .init(line: 1, column: 1), message: "not UTF-8 text")]))
        }
        do {
            let policies = try PolicyFile.parse(text, file: path)
            return LoadedPolicy(policies: policies, path: path, contentHash: SHA256.hex(of: bytes), generation: generation)
        } catch {
            throw .invalid(error)
        }
    }
}

/// Why a policy file could not be used.
public enum PolicyLoadError: Error, Sendable, Hashable, CustomStringConvertible {
    case unreadable(path: String, reason: String)
    case invalid(PolicyFileErrors)

    public var description: String {
        switch self {
        case .unreadable(let path, let reason): "\(path): cannot read the policy file: \(reason)"
        case .invalid(let errors): errors.description
        }
    }

    /// A ConfigMap holds at most 1 MiB in all, so no real policy file is larger; anything beyond is refused
    /// before it is read whole (`/dev/zero`, a FIFO, a runaway generator).
    public static let maximumFileSize = 1 << 20

    /// The file's bytes, following symlinks (the kubelet mounts ConfigMap keys as symlinks through `..data`).
    ///
    /// Read with open and read rather than `Data(contentsOf:)`, which in Swift 6.3 leaks 4 KiB for each read
    /// of an empty file: the reloader reads the file every interval, and an empty file is a valid policy.
    static func reading(_ path: String) throws(PolicyLoadError) -> [UInt8] {
        do {
            return try BoundedInput.read(path: path, limit: maximumFileSize)
        } catch {
            let reason = switch error {
            case .cannotOpen(let reason), .cannotRead(let reason): reason.lowercased()
            case .tooLarge(let limit): "larger than \(limit >> 20) MiB, the most a ConfigMap can hold"
            }
            throw .unreadable(path: path, reason: reason)
        }
    }
}
