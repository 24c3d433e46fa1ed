import Foundation

/// Finds the files to check: files named directly (whatever their extension), and `*.yaml`, `*.yml` and
/// `*.json` files below directories, recursively, in a stable order.
public enum ManifestFiles {
    public static let extensions: Set<String> = ["yaml", "yml", "json"]

    /// Expands `paths`; `-` stays as it is (standard input).
    public static func expand(_ paths: [String]) throws(ManifestError) -> [String] {
        var files: [String] = []
        for path in paths {
            if path == "-" {
                files.append(path)
                continue
            }
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
                throw ManifestError(source: path, line: 0, column: 0, reason: "no such file or directory")
            }
            if isDirectory.boolValue {
                files += try filesBelow(path)
            } else {
                files.append(path)
            }
        }
        return files
    }

    private static func filesBelow(_ directory: String) throws(ManifestError) -> [String] {
        let root = URL(fileURLWithPath: directory)
        guard let enumerator = FileManager.default.enumerator(
            at: root, includingPropertiesForKeys: [.isRegularFileKey], options: [.skipsHiddenFiles]
        ) else {
            throw ManifestError(source: directory, line: 0, column: 0, reason: "cannot list the directory")
        }
        var found: [String] = []
        for case let url as URL in enumerator where extensions.contains(url.pathExtension.lowercased()) {
            guard (try? url.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true else { continue }
            let relative = url.path.hasPrefix(root.path) ? String(url.path.dropFirst(root.path.count)) : url.path
            found.append(directory.hasSuffix("/") ? directory + relative.drop { $0 == "/" } : directory + relative)
        }
        return found.sorted()
    }

    /// How messages name a path: standard input is `<stdin>`.
    public static func displayName(_ path: String) -> String { path == "-" ? "<stdin>" : path }

    /// The bytes of a file, or of standard input for `-`.
    public static func read(_ path: String) throws(ManifestError) -> [UInt8] {
        if path == "-" { return Array(FileHandle.standardInput.readDataToEndOfFile()) }
        do {
            return Array(try Data(contentsOf: URL(fileURLWithPath: path)))
        } catch {
            throw ManifestError(source: path, line: 0, column: 0, reason: "cannot read: \(error.localizedDescription)")
        }
    }
}
