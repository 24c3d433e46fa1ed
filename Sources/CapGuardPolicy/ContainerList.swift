/// The three lists of a pod spec that hold containers; every one of them is checked.
public enum ContainerList: String, Sendable, Hashable, CaseIterable, Codable {
    case containers
    case initContainers
    case ephemeralContainers

    /// How a message names a container of this list.
    public var noun: String {
        switch self {
        case .containers: "container"
        case .initContainers: "init container"
        case .ephemeralContainers: "ephemeral container"
        }
    }
}

/// Which container a finding is about: its list, its position in that list, and its name.
public struct ContainerReference: Sendable, Hashable {
    public var list: ContainerList
    public var index: Int
    public var name: String
    public var image: String?

    public init(list: ContainerList, index: Int, name: String, image: String? = nil) {
        self.list = list
        self.index = index
        self.name = name
        self.image = image
    }

    /// The container's path below the pod spec, e.g. `initContainers[1]`.
    public var path: FieldPath { path(below: FieldPath()) }

    /// The path of `field` below the container, in an object whose pod spec is at `podSpecPath`; built in
    /// one allocation, since every finding of a review prints one.
    public func path(below podSpecPath: FieldPath, field: FieldPath = FieldPath()) -> FieldPath {
        var components: [FieldPath.Component] = []
        components.reserveCapacity(podSpecPath.components.count + 2 + field.components.count)
        components += podSpecPath.components
        components.append(.key(list.rawValue))
        components.append(.index(index))
        components += field.components
        return FieldPath(components)
    }
}
