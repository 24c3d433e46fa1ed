import Foundation

/// Runs an external program (curl, openssl, the built capguard) and collects what it printed.
public enum Command {
    public struct Result {
        public let status: Int32
        public let standardOutput: String
        public let standardError: String
    }

    public static func run(_ executable: String, _ arguments: [String], directory: String? = nil, input: Data? = nil) -> Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable.hasPrefix("/") ? executable : which(executable))
        process.arguments = arguments
        if let directory {
            process.currentDirectoryURL = URL(fileURLWithPath: directory)
        }
        let output = Pipe()
        let error = Pipe()
        process.standardOutput = output
        process.standardError = error
        // The input comes from a file: a pipe could fill up while the program writes, or break if it never reads.
        let inputDirectory = input.map { _ in TemporaryDirectory.url(prefix: "capguard-input") }
        defer { inputDirectory.map { try? FileManager.default.removeItem(at: $0) } }
        do {
            if let input, let inputDirectory {
                let file = inputDirectory.appendingPathComponent("input")
                try input.write(to: file)
                process.standardInput = try FileHandle(forReadingFrom: file)
            } else {
                process.standardInput = FileHandle.nullDevice
            }
            try process.run()
        } catch {
            return Result(status: -1, standardOutput: "", standardError: "\(error)")
        }
        // Read both pipes while the process runs so neither can fill up and stall it.
        let group = DispatchGroup()
        nonisolated(unsafe) var errorData = Data()
        DispatchQueue.global().async(group: group) {
            errorData = error.fileHandleForReading.readDataToEndOfFile()
        }
        let outputData = output.fileHandleForReading.readDataToEndOfFile()
        group.wait()
        process.waitUntilExit()
        return Result(
            status: process.terminationStatus,
            standardOutput: String(decoding: outputData, as: UTF8.self),
            standardError: String(decoding: errorData, as: UTF8.self))
    }

    public static func which(_ name: String) -> String {
        for directory in ["/usr/bin", "/usr/local/bin", "/bin"] where FileManager.default.isExecutableFile(atPath: "\(directory)/\(name)") {
            return "\(directory)/\(name)"
        }
        return "/usr/bin/\(name)"
    }
}
