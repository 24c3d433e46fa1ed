import Foundation

/// Reads a file named on the command line, or standard input for `-`.
enum InputFile {
    static func readData(_ path: String) throws -> Data {
        if path == "-" { return FileHandle.standardInput.readDataToEndOfFile() }
        return try Data(contentsOf: URL(fileURLWithPath: path))
    }

    static func readText(_ path: String) throws -> String {
        let data = try readData(path)
        guard let text = String(data: data, encoding: .utf8) else { throw InputFileError.notUTF8(path) }
        return text
    }
}

enum InputFileError: Error, CustomStringConvertible {
    case notUTF8(String)

    var description: String {
        switch self {
        case .notUTF8(let path): "\(path == "-" ? "standard input" : path) is not UTF-8 text"
        }
    }
}

/// JSON as the command line prints it: sorted keys, indented, no escaped slashes.
enum JSONOutput {
    static func string(_ value: some Encodable) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }
}
