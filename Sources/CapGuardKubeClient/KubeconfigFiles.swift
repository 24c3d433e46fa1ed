import CapGuardSystem
import CapGuardYAML
import FoundationEssentials

/// Kubeconfig files merged as kubectl merges them: for clusters, users and contexts the first file to
/// define a name wins, and so does the first file to set current-context. Each entry remembers the
/// directory of its file, against which its relative paths are resolved.
struct KubeconfigFiles {
    struct Entry<Value> {
        var value: Value
        /// The directory of the file that defined it.
        var directory: String
        var file: String
    }

    var paths: [String]
    var clusters: [String: Entry<Kubeconfig.Cluster>] = [:]
    var users: [String: Entry<Kubeconfig.User>] = [:]
    var contexts: [String: Entry<Kubeconfig.Context>] = [:]
    var currentContext: String?

    static let sizeLimit = 4 * 1024 * 1024

    /// Reads `paths` in order. With `required`, every file must exist (a `--kubeconfig` file); otherwise, as
    /// kubectl does with KUBECONFIG, missing files are skipped.
    init(paths: [String], required: Bool) throws(KubeConfigurationError) {
        self.paths = paths
        for path in paths {
            guard required || FileManager.default.fileExists(atPath: path) else { continue }
            let file = try Self.parse(path)
            let directory = Self.directory(of: path)
            for named in file.clusters ?? [] where clusters[named.name] == nil {
                clusters[named.name] = Entry(value: named.value ?? Kubeconfig.Cluster(), directory: directory, file: path)
            }
            for named in file.users ?? [] where users[named.name] == nil {
                users[named.name] = Entry(value: named.value ?? Kubeconfig.User(), directory: directory, file: path)
            }
            for named in file.contexts ?? [] where contexts[named.name] == nil {
                contexts[named.name] = Entry(value: named.value ?? Kubeconfig.Context(), directory: directory, file: path)
            }
            if currentContext == nil, let current = file.currentContext, !current.isEmpty {
                currentContext = current
            }
        }
    }

    private static func parse(_ path: String) throws(KubeConfigurationError) -> Kubeconfig {
        let bytes: [UInt8]
        do {
            bytes = try BoundedInput.read(path: path, limit: sizeLimit)
        } catch {
            throw KubeConfigurationError("cannot read the kubeconfig \(path): \(error.explanation)")
        }
        do {
            guard let root = try YAMLParser.parse(bytes).first?.root else { return Kubeconfig() }
            return try YAMLNodeDecoder().decode(Kubeconfig.self, from: root)
        } catch {
            throw KubeConfigurationError("the kubeconfig \(path) is not valid: \(error)")
        }
    }

    /// `path` as written in a file of `directory`: relative paths are relative to that file, as kubectl
    /// reads them.
    /// The directory relative paths in the file at `path` are resolved against: what comes before the last
    /// slash, "" for a bare file name, "/" for a file at the root.
    static func directory(of path: String) -> String {
        var trimmed = Substring(path)
        while trimmed.count > 1, trimmed.hasSuffix("/") { trimmed = trimmed.dropLast() }
        guard let slash = trimmed.lastIndex(of: "/") else { return "" }
        return slash == trimmed.startIndex ? "/" : String(trimmed[..<slash])
    }

    static func resolve(_ path: String, in directory: String) -> String {
        guard !path.hasPrefix("/"), !directory.isEmpty else { return path }
        return directory.hasSuffix("/") ? directory + path : directory + "/" + path
    }
}
