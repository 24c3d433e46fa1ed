import Foundation
import Testing

/// kubectl, the oracle for how manifests are read: `$KUBECTL`, else the copy scripts/check-deploy installs,
/// else the one on PATH. Tests that need it fail without it, as scripts/check-kubectl-differential does.
public enum Kubectl {
    public static let executable: String? = {
        let environment = ProcessInfo.processInfo.environment
        var candidates: [String] = []
        if let configured = environment["KUBECTL"], !configured.isEmpty { candidates.append(configured) }
        let tools = environment["CAPGUARD_TOOLS_DIR"] ?? ((environment["HOME"] ?? "/root") + "/.cache/capguard-deploy-tools")
        candidates.append(tools + "/bin/kubectl")
        candidates += (environment["PATH"] ?? "").split(separator: ":").map { $0 + "/kubectl" }
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0) }
    }()

    /// The objects kubectl reads from `file` (`kubectl label --local`, which needs no cluster), each as JSON
    /// with sorted keys; the label it sets is the same on every reading, so readings compare.
    public static func objects(in file: String) throws -> [Data] {
        let kubectl = try #require(executable, "no kubectl: set KUBECTL or put kubectl on PATH")
        let result = Command.run(kubectl, ["label", "--local", "-f", file, "capguard-oracle=1", "-o", "json"])
        guard result.status == 0 else { throw KubectlFailure(message: result.standardError) }
        // Several objects come as a stream of indented JSON objects, each opening with `{` alone on a line.
        var documents: [String] = []
        for line in result.standardOutput.split(separator: "\n", omittingEmptySubsequences: false) {
            if line == "{" || documents.isEmpty { documents.append("") }
            documents[documents.count - 1] += line + "\n"
        }
        return try documents.filter { !$0.allSatisfy(\.isWhitespace) }.flatMap { document in
            let dictionary = try #require(try JSONSerialization.jsonObject(with: Data(document.utf8)) as? [String: Any])
            let items = dictionary["kind"] as? String == "List" ? (dictionary["items"] as? [[String: Any]] ?? []) : [dictionary]
            return try items.map { try JSONSerialization.data(withJSONObject: $0, options: [.sortedKeys]) }
        }
    }

    public struct KubectlFailure: Error, CustomStringConvertible {
        public let message: String
        public var description: String { "kubectl failed: \(message)" }
    }
}

/// What the remedy should do to an object as kubectl reads it, written apart from capguard's code so that it
/// can judge it: every container of every pod spec list gets `drop: ["ALL"]` unless its drop list holds `ALL`
/// exactly, and `add` entries that name an allowed capability in another spelling get its plain name.
public struct RemedyOracle {
    public var allowed: Set<String> = ["NET_BIND_SERVICE", "CHOWN", "SETUID", "SETGID"]
    public var exemptNamespaces: Set<String> = []

    public init(allowed: Set<String>? = nil, exemptNamespaces: Set<String> = []) {
        if let allowed { self.allowed = allowed }
        self.exemptNamespaces = exemptNamespaces
    }

    public static let podSpecPaths: [String: (groups: Set<String>, path: [String])] = [
        "Pod": ([""], ["spec"]),
        "Deployment": (["apps", "extensions"], ["spec", "template", "spec"]),
        "ReplicaSet": (["apps", "extensions"], ["spec", "template", "spec"]),
        "DaemonSet": (["apps", "extensions"], ["spec", "template", "spec"]),
        "StatefulSet": (["apps"], ["spec", "template", "spec"]),
        "Job": (["batch"], ["spec", "template", "spec"]),
        "ReplicationController": ([""], ["spec", "template", "spec"]),
        "CronJob": (["batch"], ["spec", "jobTemplate", "spec", "template", "spec"]),
        "PodTemplate": ([""], ["template", "spec"]),
    ]

    /// The object with the remedy applied, as JSON with sorted keys.
    public func fixed(_ json: Data) throws -> Data {
        var object = try #require(try JSONSerialization.jsonObject(with: json) as? [String: Any])
        apply(to: &object)
        return try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
    }

    /// The containers of an object as kubectl reads it, in list order, each as JSON with sorted keys.
    public static func containers(_ json: Data) throws -> [Data] {
        let object = try #require(try JSONSerialization.jsonObject(with: json) as? [String: Any])
        guard let kind = object["kind"] as? String, let (_, path) = podSpecPaths[kind],
              let spec = value(at: path, in: object) as? [String: Any] else { return [] }
        return try ["containers", "initContainers", "ephemeralContainers"].flatMap { list in
            try (spec[list] as? [Any] ?? []).map { try JSONSerialization.data(withJSONObject: $0, options: [.sortedKeys]) }
        }
    }

    public func apply(to object: inout [String: Any]) {
        guard let kind = object["kind"] as? String, let (groups, path) = Self.podSpecPaths[kind] else { return }
        let apiVersion = object["apiVersion"] as? String ?? ""
        let group = apiVersion.contains("/") ? String(apiVersion.split(separator: "/")[0]) : ""
        guard groups.contains(group) else { return }
        if let namespace = (object["metadata"] as? [String: Any])?["namespace"] as? String, exemptNamespaces.contains(namespace) { return }
        guard var spec = Self.value(at: path, in: object) as? [String: Any] else { return }
        if ((spec["os"] as? [String: Any])?["name"] as? String)?.lowercased() == "windows" { return }
        var changed = false
        for list in ["containers", "initContainers", "ephemeralContainers"] {
            guard var containers = spec[list] as? [Any] else { continue }
            for index in containers.indices {
                guard var container = containers[index] as? [String: Any] else { continue }
                if fix(&container) {
                    containers[index] = container
                    changed = true
                }
            }
            spec[list] = containers
        }
        if changed { Self.set(spec, at: path, in: &object) }
    }

    private func fix(_ container: inout [String: Any]) -> Bool {
        var securityContext = container["securityContext"] as? [String: Any] ?? [:]
        var capabilities = securityContext["capabilities"] as? [String: Any] ?? [:]
        var changed = false
        if !((capabilities["drop"] as? [Any])?.contains { $0 as? String == "ALL" } ?? false) {
            capabilities["drop"] = ["ALL"]
            changed = true
        }
        if var add = capabilities["add"] as? [Any] {
            for index in add.indices {
                guard let entry = add[index] as? String else { continue }
                var name = entry.uppercased()
                if name.hasPrefix("CAP_") { name.removeFirst(4) }
                if allowed.contains(name), name != entry {
                    add[index] = name
                    changed = true
                }
            }
            capabilities["add"] = add
        }
        guard changed else { return false }
        securityContext["capabilities"] = capabilities
        container["securityContext"] = securityContext
        return true
    }

    static func value(at path: [String], in object: [String: Any]) -> Any? {
        var current: Any? = object
        for key in path { current = (current as? [String: Any])?[key] }
        return current
    }

    static func set(_ value: Any, at path: [String], in object: inout [String: Any]) {
        guard let key = path.first else { return }
        if path.count == 1 {
            object[key] = value
            return
        }
        var child = object[key] as? [String: Any] ?? [:]
        set(value, at: Array(path.dropFirst()), in: &child)
        object[key] = child
    }
}
