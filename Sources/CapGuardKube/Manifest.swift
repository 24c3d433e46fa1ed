import CapGuardPolicy
import CapGuardYAML

/// One Kubernetes object read from a file, with the node it came from (for line numbers).
public struct Manifest: Sendable {
    /// The file it came from (`-` for standard input).
    public let source: String
    public let node: YAMLNode
    public let object: KubeObject

    public var line: Int { node.mark.line }

    /// Where a container of the object's pod spec starts, or where the object starts if it cannot be found.
    public func mark(of container: ContainerReference) -> YAMLMark {
        guard let workload = object.workload else { return node.mark }
        return node.node(at: workload.podSpecPath + container.path)?.mark ?? node.mark
    }
}

/// Reads manifests as kubectl does, because a file must never pass `check` when what `kubectl apply -f`
/// sends from it violates: YAML streams of one or more documents, streams of
/// JSON values, and lists, which for kubectl are any object with `items`, whatever its kind.
public enum ManifestParser {
    /// The objects kubectl would send from a file, and why some of it cannot be checked. An object that
    /// cannot be read does not hide the others; kubectl too sends those it can read.
    public struct Parsed: Sendable {
        public var manifests: [Manifest] = []
        public var errors: [ManifestError] = []
    }

    public static func parse(_ bytes: [UInt8], source: String) -> Parsed {
        let read = YAMLParser.parseAsKubectl(bytes)
        var parsed = Parsed()
        for document in read.documents {
            guard let root = document.root, !root.isNull else { continue }
            collect(root, source: source, into: &parsed)
        }
        if let error = read.error {
            parsed.errors.append(ManifestError(source: source, line: error.mark.line, column: error.mark.column, reason: error.message))
        }
        return parsed
    }

    private static func collect(_ node: YAMLNode, source: String, into parsed: inout Parsed) {
        guard node.mapping != nil else {
            parsed.errors.append(.init(source: source, at: node, reason: "expected a Kubernetes object (a mapping with apiVersion and kind)"))
            return
        }
        guard let items = node["items"] else {
            append(node, source: source, into: &parsed)
            return
        }
        guard !items.isNull else { return }
        guard let list = items.sequence else {
            parsed.errors.append(.init(source: source, at: items, reason: "items must be a list: kubectl reads any object with items as a list of objects"))
            return
        }
        // kubectl gives items whose kind and apiVersion are both missing or not strings the list's type,
        // `PodList` making them Pods, whatever else those fields hold.
        let kind = typeField(node["kind"])
        guard !kind.isEmpty else {
            parsed.errors.append(.init(source: source, at: node, reason: "a list whose kind is missing or not a string, which kubectl refuses"))
            return
        }
        let itemKind = kind.hasSuffix("List") ? String(kind.dropLast(4)) : kind
        let itemAPIVersion = typeField(node["apiVersion"])
        for item in list {
            guard let pairs = item.mapping else {
                parsed.errors.append(.init(source: source, at: item, reason: "expected a Kubernetes object in items"))
                continue
            }
            guard item["items"] == nil else {
                parsed.errors.append(.init(source: source, at: item, reason: "a list inside a list, which kubectl refuses"))
                continue
            }
            guard typeField(item["kind"]).isEmpty, typeField(item["apiVersion"]).isEmpty else {
                append(item, source: source, into: &parsed)
                continue
            }
            // Written after the item's own pairs, so that they win as kubectl's SetKind and SetAPIVersion do.
            let typed = pairs + [("kind", itemKind), ("apiVersion", itemAPIVersion)].map { key, value in
                YAMLNode.Pair(key: YAMLNode(.scalar(YAMLScalar(value: key, style: .doubleQuoted)), mark: item.mark,
                                        extent: item.extent),
                              value: YAMLNode(.scalar(YAMLScalar(value: value, style: .doubleQuoted)), mark: item.mark,
                                              extent: item.extent))
            }
            append(YAMLNode(.mapping(typed), mark: item.mark, tag: item.tag, extent: item.extent,
                            collectionStyle: item.collectionStyle), source: source, into: &parsed)
        }
    }

    /// The text of `kind` or `apiVersion` as kubectl reads it: empty unless it is a string.
    private static func typeField(_ node: YAMLNode?) -> String {
        guard let node, node.resolvesToString else { return "" }
        return node.scalar?.value ?? ""
    }

    private static func append(_ node: YAMLNode, source: String, into parsed: inout Parsed) {
        // kubectl sends nothing of such an object; reporting it as unreadable keeps the verdicts equal.
        let missing = ["kind", "apiVersion"].filter { typeField(node[$0]).isEmpty }
        guard missing.isEmpty else {
            parsed.errors.append(.init(source: source, at: node,
                                       reason: "\(missing.joined(separator: " and ")) missing or not a string, which kubectl refuses"))
            return
        }
        do {
            let object = try YAMLNodeDecoder().decode(KubeObject.self, from: node)
            parsed.manifests.append(Manifest(source: source, node: node, object: object))
        } catch let error as DecodingError {
            let context = switch error {
            case .typeMismatch(_, let c), .valueNotFound(_, let c), .keyNotFound(_, let c), .dataCorrupted(let c): c
            @unknown default: DecodingError.Context(codingPath: [], debugDescription: "\(error)")
            }
            let field = FieldPath(context.codingPath.map { key in key.intValue.map { .index($0) } ?? .key(key.stringValue) }).description
            parsed.errors.append(.init(source: source, at: node, reason: "\(field.isEmpty ? "" : field + ": ")\(context.debugDescription)"))
        } catch {
            parsed.errors.append(.init(source: source, at: node, reason: "\(error)"))
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

    init(source: String, at node: YAMLNode, reason: String) {
        self.init(source: source, line: node.mark.line, column: node.mark.column, reason: reason)
    }

    public var description: String {
        line > 0 ? "\(source):\(line):\(column): \(reason)" : "\(source): \(reason)"
    }
}
