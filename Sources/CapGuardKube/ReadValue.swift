import CapGuardPolicy
import CapGuardYAML

/// An object as kubectl sends it, reduced to what tells two readings apart: mappings by key (the last
/// duplicate wins), lists, and scalars with whether they are strings. `capguard fix` compares the reading of
/// the fixed text with the original's plus the remedy, and changes nothing when they differ.
indirect enum ReadValue: Hashable {
    case scalar(String, isString: Bool)
    case list([ReadValue])
    case object([String: ReadValue])

    init(_ node: YAMLNode) {
        switch node.content {
        case .scalar(let scalar):
            self = .scalar(node.isNull ? "" : scalar.value, isString: node.resolvesToString)
        case .sequence(let items):
            self = .list(items.map(ReadValue.init))
        case .mapping(let pairs):
            var members: [String: ReadValue] = [:]
            for pair in pairs {
                // A key that is not a scalar is refused when the file is read.
                members[pair.key.scalar?.value ?? ""] = ReadValue(pair.value)
            }
            self = .object(members)
        }
    }

    static func string(_ text: String) -> ReadValue { .scalar(text, isString: true) }

    /// This value with the remedy's change made to the container at `container`.
    func applying(_ change: Remedy.Change, at container: FieldPath) -> ReadValue {
        switch change {
        case .dropAll:
            return setting(.list([.string("ALL")]), at: (container + ["securityContext", "capabilities", "drop"]).components[...])
        case .renameAdded(let index, _, let capability):
            let path = container + ["securityContext", "capabilities", "add", .index(index)]
            return setting(.string(capability.name), at: path.components[...])
        }
    }

    /// This value with `value` at `path`, creating objects where a key is missing or null.
    private func setting(_ value: ReadValue, at path: ArraySlice<FieldPath.Component>) -> ReadValue {
        guard let first = path.first else { return value }
        switch (self, first) {
        case (.object(var members), .key(let key)):
            members[key] = (members[key] ?? .object([:])).orEmptyObject.setting(value, at: path.dropFirst())
            return .object(members)
        case (.list(var items), .index(let index)) where items.indices.contains(index):
            items[index] = items[index].setting(value, at: path.dropFirst())
            return .list(items)
        case (.scalar(_, isString: false), .key):
            return ReadValue.object([:]).setting(value, at: path)
        default:
            return self
        }
    }

    private var orEmptyObject: ReadValue {
        if case .scalar("", isString: false) = self { return .object([:]) }
        return self
    }
}
