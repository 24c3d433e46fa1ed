import Foundation

/// A new, empty directory under the system's temporary directory, named after its purpose.
public enum TemporaryDirectory {
    public static func make(prefix: String) -> String {
        url(prefix: prefix).path
    }

    public static func url(prefix: String) -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("\(prefix)-\(UUID().uuidString)")
        try! FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}
