import CapGuardKube
import CapGuardSystem
import Glibc

/// Finds the files to check: files named directly (whatever their extension), and `*.yaml`, `*.yml` and
/// `*.json` files below directories, recursively, in a stable order. Hidden files and directories are
/// included: `kubectl apply -f DIR` applies `DIR/.x.yaml`, and `-R` descends into `.d/`.
enum ManifestFiles {
    static let extensions: Set<String> = ["yaml", "yml", "json"]
    /// The most capguard reads of one file (or of standard input): far beyond any manifest, and a clear
    /// error instead of memory exhaustion for `/dev/zero` or a runaway pipe.
    static let maximumFileSize = 64 << 20

    /// Expands `paths`; `-` stays as it is (standard input).
    static func expand(_ paths: [String]) throws(ManifestError) -> [String] {
        var files: [String] = []
        for path in paths {
            if path == "-" {
                files.append(path)
                continue
            }
            var info = stat()
            guard stat(path, &info) == 0 else {
                throw ManifestError(source: displayName(path), line: 0, column: 0, reason: String(cString: strerror(errno)).lowercased())
            }
            if info.st_mode & S_IFMT == S_IFDIR {
                files += try filesBelow(path)
            } else {
                files.append(path)
            }
        }
        return files
    }

    /// Regular files below `directory` (following symlinks to files, not to directories, so that a link
    /// cycle cannot loop), hidden ones included.
    private static func filesBelow(_ directory: String) throws(ManifestError) -> [String] {
        guard let stream = opendir(directory) else {
            throw ManifestError(source: displayName(directory), line: 0, column: 0, reason: "cannot list the directory: \(String(cString: strerror(errno)))")
        }
        defer { closedir(stream) }
        var found: [String] = []
        let prefix = directory.hasSuffix("/") ? directory : directory + "/"
        while let entry = readdir(stream) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            guard name != ".", name != ".." else { continue }
            let path = prefix + name
            switch Int32(entry.pointee.d_type) {
            case Int32(DT_DIR):
                found += try filesBelow(path)
            case Int32(DT_REG):
                if hasManifestExtension(name) { found.append(path) }
            default:
                var info = stat()
                if stat(path, &info) == 0, info.st_mode & S_IFMT == S_IFREG, hasManifestExtension(name) { found.append(path) }
            }
        }
        return found.sorted()
    }

    private static func hasManifestExtension(_ name: String) -> Bool {
        guard let dot = name.lastIndex(of: ".") else { return false }
        return extensions.contains(name[name.index(after: dot)...].lowercased())
    }

    /// How messages name a path: standard input is `<stdin>`, and a name that could forge output (a line
    /// break, an escape sequence) is quoted and escaped.
    static func displayName(_ path: String) -> String { path == "-" ? "<stdin>" : ManifestText.escaped(path) }

    /// The bytes of a file, or of standard input for `-`.
    static func contents(of path: String) throws(ManifestError) -> [UInt8] {
        do {
            return path == "-"
                ? try BoundedInput.read(descriptor: STDIN_FILENO, limit: maximumFileSize)
                : try BoundedInput.read(path: path, limit: maximumFileSize)
        } catch {
            let reason = switch error {
            case .cannotOpen(let reason), .cannotRead(let reason): "cannot read: \(reason)"
            case .tooLarge(let limit): "larger than \(limit >> 20) MiB, the most capguard reads of one input"
            }
            throw ManifestError(source: displayName(path), line: 0, column: 0, reason: reason)
        }
    }
}
