import Foundation
import Synchronization

/// A directory laid out as the kubelet mounts a ConfigMap: `policy.yaml -> ..data/policy.yaml`, and
/// `..data -> ..<timestamp>`, swapped atomically on every update.
public final class KubeletConfigMapDirectory: Sendable {
    public let root: URL
    private let version = Mutex(0)

    public init(_ policy: String) throws {
        root = TemporaryDirectory.url(prefix: "capguard-configmap")
        try update(policy)
        try FileManager.default.createSymbolicLink(atPath: path, withDestinationPath: "..data/policy.yaml")
    }

    public var path: String { root.appendingPathComponent("policy.yaml").path }

    /// Writes a new timestamped directory, points `..data_tmp` at it and renames that over `..data`.
    public func update(_ policy: String) throws {
        let number = version.withLock { $0 += 1; return $0 }
        let name = "..2026_11_22_12_00_00.\(number)"
        let directory = root.appendingPathComponent(name)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try Data(policy.utf8).write(to: directory.appendingPathComponent("policy.yaml"))
        let temporary = root.appendingPathComponent("..data_tmp").path
        try FileManager.default.createSymbolicLink(atPath: temporary, withDestinationPath: name)
        guard rename(temporary, root.appendingPathComponent("..data").path) == 0 else {
            throw CocoaError(.fileWriteUnknown)
        }
    }

    deinit { try? FileManager.default.removeItem(at: root) }
}
