import CapGuardKube

/// Reads a file named on the command line, or standard input for `-`.
enum InputFile {
    static func readText(_ path: String) throws -> String {
        let bytes = try ManifestFiles.contents(of: path)
        guard let text = String(validating: bytes, as: UTF8.self) else { throw InputFileError.notUTF8(path) }
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
