import Foundation

/// Runs the built `capguard` executable, as a user or a CI pipeline would.
public struct CapGuardProcess {
    public struct Result {
        public let status: Int32
        public let stdout: String
        public let stderr: String
        public var lines: [String] { stdout.split(separator: "\n").map(String.init) }
    }

    /// The executable beside the test bundle (SwiftPM builds it first: the test target depends on it).
    public static let executable: URL = {
        let directory = Bundle.main.bundleURL.deletingLastPathComponent()
        for candidate in [directory, Bundle.main.bundleURL, URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()] {
            let url = candidate.appendingPathComponent("capguard")
            if FileManager.default.isExecutableFile(atPath: url.path) { return url }
        }
        return Fixtures.repository.appendingPathComponent(".build/debug/capguard")
    }()

    public static func run(_ arguments: [String], stdin: String? = nil) throws -> Result {
        let result = Command.run(executable.path, arguments, directory: Fixtures.repository.path,
                                 input: stdin.map { Data($0.utf8) })
        return Result(status: result.status, stdout: result.standardOutput, stderr: result.standardError)
    }
}

/// A temporary directory of files for one test.
public struct TemporaryFiles {
    public let root: URL

    public init(_ files: [String: String]) throws {
        root = TemporaryDirectory.url(prefix: "capguard-files")
        for (path, text) in files {
            let url = root.appendingPathComponent(path)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(text.utf8).write(to: url)
        }
    }

    public func path(_ name: String = "") -> String { name.isEmpty ? root.path : root.appendingPathComponent(name).path }

    public func remove() { try? FileManager.default.removeItem(at: root) }
}
