import Foundation

/// `capguard serve` running as a child process on 127.0.0.1 and a free port, as a cluster would run it.
public final class ServeProcess {
    public let process = Process()
    private let output: URL
    private let errors: URL
    /// The port from the log line that says where the server listens; 0 if it never said.
    public let port: Int

    /// Starts the server and waits until its log says where it listens. `arguments` follow `serve`.
    public init(_ arguments: [String]) throws {
        let directory = TemporaryDirectory.url(prefix: "capguard-serve")
        output = directory.appendingPathComponent("stdout")
        errors = directory.appendingPathComponent("stderr")
        _ = FileManager.default.createFile(atPath: output.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errors.path, contents: nil)
        process.executableURL = CapGuardProcess.executable
        process.arguments = ["serve", "--listen", "127.0.0.1:0"] + arguments
        process.currentDirectoryURL = Fixtures.repository
        process.standardOutput = try FileHandle(forWritingTo: output)
        process.standardError = try FileHandle(forWritingTo: errors)
        process.standardInput = FileHandle.nullDevice
        try process.run()
        port = Self.waitForPort(process: process, output: output)
    }

    private static func waitForPort(process: Process, output: URL) -> Int {
        let deadline = Date().addingTimeInterval(20)
        while Date() < deadline, process.isRunning {
            if let line = logLines(in: output).first(where: { $0["message"] as? String == "listening" }),
               let port = (line["port"] as? String).flatMap(Int.init) ?? line["port"] as? Int {
                return port
            }
            Thread.sleep(forTimeInterval: 0.02)
        }
        return 0
    }

    /// The JSON log lines written so far.
    public var logLines: [[String: Any]] { Self.logLines(in: output) }

    private static func logLines(in output: URL) -> [[String: Any]] {
        let text = (try? String(contentsOf: output, encoding: .utf8)) ?? ""
        return text.split(separator: "\n").compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
    }

    public var standardError: String { (try? String(contentsOf: errors, encoding: .utf8)) ?? "" }

    /// Sends SIGTERM and waits for the exit status.
    @discardableResult
    public func terminate() -> Int32 {
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
        return process.terminationStatus
    }

    deinit {
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
        try? FileManager.default.removeItem(at: output.deletingLastPathComponent())
    }
}
