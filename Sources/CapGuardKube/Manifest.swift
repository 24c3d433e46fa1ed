import CapGuardPolicy
import CapGuardYAML

/// One Kubernetes object read from a file, with the node it came from (for line numbers).
public struct Manifest: Sendable {
    /// The file it came from (`-` for standard input).
    public let source: String
    public let node: YAMLNode
    public let object: KubeObject

    public var line: Int { node.mark.line }

    /// The line of a container of the object's pod spec, or the object's own line if it cannot be found.
    public func line(of container: ContainerReference) -> Int {
        guard let workload = object.workload else { return line }
        var current: YAMLNode? = node
        for key in workload.podSpecKeys + [container.list.rawValue] { current = current?[key] }
        guard let items = current?.sequence, items.indices.contains(container.index) else { return line }
        return items[container.index].mark.line
    }
}

/// Reads manifests: YAML streams of one or more documents, JSON (which is YAML), and lists as
/// `kubectl get -o json` prints them (`kind: List`, or `PodList` and the like, with `items`).
public enum ManifestParser {
    public static func parse(_ bytes: [UInt8], source: String) throws(ManifestError) -> [Manifest] {
        let documents: [YAMLDocument]
        do {
            documents = try YAMLParser.parse(bytes)
        } catch {
            throw ManifestError(source: source, line: error.mark.line, column: error.mark.column, reason: error.message)
        }
        var manifests: [Manifest] = []
        for document in documents {
            guard let root = document.root, !root.isNull else { continue }
            try collect(root, source: source, into: &manifests)
        }
        return manifests
    }

    private static func collect(_ node: YAMLNode, source: String, into manifests: inout [Manifest]) throws(ManifestError) {
        guard node.mapping != nil else {
            throw ManifestError(source: source, line: node.mark.line, column: node.mark.column,
                                reason: "expected a Kubernetes object (a mapping with apiVersion and kind)")
        }
        if let kind = node["kind"]?.scalar?.value, kind.hasSuffix("List"), let items = node["items"] {
            for item in items.sequence ?? [] where !item.isNull {
                try collect(item, source: source, into: &manifests)
            }
            return
        }
        do {
            let object = try YAMLNodeDecoder().decode(KubeObject.self, from: node)
            manifests.append(Manifest(source: source, node: node, object: object))
        } catch let error as DecodingError {
            let context = switch error {
            case .typeMismatch(_, let c), .valueNotFound(_, let c), .keyNotFound(_, let c), .dataCorrupted(let c): c
            @unknown default: DecodingError.Context(codingPath: [], debugDescription: "\(error)")
            }
            let path = context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
            let field = path.hasPrefix(".") ? String(path.dropFirst()) : path
            throw ManifestError(source: source, line: node.mark.line, column: node.mark.column,
                                reason: "\(field.isEmpty ? "" : field + ": ")\(context.debugDescription)")
        } catch {
            throw ManifestError(source: source, line: node.mark.line, column: node.mark.column, reason: "\(error)")
        }
    }
}

/// Input that cannot be checked: unreadable, not YAML, or an object with fields of the wrong type.
public struct ManifestError: Error, Sendable, Hashable, CustomStringConvertible {
    public let source: String
    public let line: Int
    public let column: Int
    public let reason: String

    public init(source: String, line: Int, column: Int, reason: String) {
        self.source = source
        self.line = line
        self.column = column
        self.reason = reason
    }

    public var description: String {
        line > 0 ? "\(source):\(line):\(column): \(reason)" : "\(source): \(reason)"
    }
}
