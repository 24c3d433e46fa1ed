import Foundation
import Testing

/// A program from outside the project that reads what capguard writes: check-jsonschema, sarif-tools and
/// pre-commit (scripts/test installs them with pip), kubectl, git, bash, python3. A test that needs one
/// fails when it is missing: skipping would pass without checking anything.
struct ExternalTool {
    struct Result {
        let status: Int32
        let stdout: String
        let stderr: String
    }

    let path: String

    /// Looks in the environments that scripts/test and scripts/check-deploy install into, then on PATH.
    init(_ name: String) throws {
        let environment = ProcessInfo.processInfo.environment
        let home = environment["HOME"] ?? "/root"
        let toolDirectories = [
            environment["CAPGUARD_TEST_TOOLS_DIR"] ?? home + "/.cache/capguard-test-tools",
            environment["CAPGUARD_TOOLS_DIR"] ?? home + "/.cache/capguard-deploy-tools",
        ].map { $0 + "/bin" }
        let directories = toolDirectories + (environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":").map(String.init)
        let found = directories.map { $0 + "/" + name }.first { FileManager.default.isExecutableFile(atPath: $0) }
        path = try #require(found, "\(name) is not installed: scripts/test installs what the tests need")
    }

    /// Runs the tool in `directory`, with `binDirectories` put first on PATH.
    func run(_ arguments: [String], directory: String? = nil, binDirectories: [String] = [],
             environment extra: [String: String] = [:]) throws -> Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
        var environment = ProcessInfo.processInfo.environment
        environment["PATH"] = (binDirectories + [environment["PATH"] ?? "/usr/bin:/bin"]).joined(separator: ":")
        environment.merge(extra) { $1 }
        process.environment = environment
        let output = Pipe()
        let error = Pipe()
        process.standardOutput = output
        process.standardError = error
        process.standardInput = FileHandle.nullDevice
        try process.run()
        // Both pipes are drained while the tool runs, so that neither fills up and stalls it.
        nonisolated(unsafe) var errorData = Data()
        let group = DispatchGroup()
        DispatchQueue.global().async(group: group) { errorData = error.fileHandleForReading.readDataToEndOfFile() }
        let outputData = output.fileHandleForReading.readDataToEndOfFile()
        group.wait()
        process.waitUntilExit()
        return Result(status: process.terminationStatus, stdout: String(decoding: outputData, as: UTF8.self),
                      stderr: String(decoding: errorData, as: UTF8.self))
    }
}
