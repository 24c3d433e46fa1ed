/// Capabilities (and, when it says so, privileged) that the policy file gives to the containers it selects,
/// on top of their namespace's allowlist: one workload gets what it needs, and nothing else does.
///
/// A container is selected when it matches every selector; a selector left empty matches anything. Init
/// and ephemeral containers are containers here as everywhere in the policy: a grant that selects one by
/// image or name applies to it. Every other rule still applies to a selected container: it must drop ALL,
/// `ALL` in `add` is never granted, and it may be privileged only if `allowPrivileged` is true.
public struct Grant: Sendable, Hashable {
    /// Names the grant in messages, logs, audit annotations and metrics.
    public var name: String
    public var namespaces: [String]
    /// The pod's service account (see `PodSpec.effectiveServiceAccountName`).
    public var serviceAccounts: [String]
    public var images: [ImagePattern]
    /// Container names.
    public var containers: [String]
    /// In the order the policy file lists them; never `ALL`, which is not a capability.
    public var allowedCapabilities: [LinuxCapability]
    public var allowPrivileged: Bool

    public init(
        name: String, namespaces: [String] = [], serviceAccounts: [String] = [], images: [ImagePattern] = [],
        containers: [String] = [], allowedCapabilities: [LinuxCapability] = [], allowPrivileged: Bool = false
    ) {
        self.name = name
        self.namespaces = namespaces
        self.serviceAccounts = serviceAccounts
        self.images = images
        self.containers = containers
        self.allowedCapabilities = allowedCapabilities
        self.allowPrivileged = allowPrivileged
    }

    /// Whether the pod-wide selectors match. An object checked offline may have no namespace: it matches
    /// only a grant that names none.
    public func selects(namespace: String?, serviceAccount: String) -> Bool {
        (namespaces.isEmpty || namespace.map(namespaces.contains) == true)
            && (serviceAccounts.isEmpty || serviceAccounts.contains(serviceAccount))
    }

    /// Whether the container selectors match; `image` is nil when the container names none or one the
    /// runtime would refuse, and then no image selector matches it.
    public func selects(containerNamed name: String, image: ImageReference?) -> Bool {
        (containers.isEmpty || containers.contains(name))
            && (images.isEmpty || image.map { image in images.contains { $0.matches(image) } } == true)
    }
}

/// The grants that apply to one pod: those whose namespace and service account selectors match it.
public struct PodGrants: Sendable, Hashable {
    public let grants: [Grant]

    /// No grant: what a policy without grants evaluates with.
    public static let none = PodGrants(selecting: [])

    public init(_ grants: [Grant], namespace: String?, serviceAccount: String) {
        self.grants = grants.filter { $0.selects(namespace: namespace, serviceAccount: serviceAccount) }
    }

    private init(selecting grants: [Grant]) { self.grants = grants }

    /// The grants that select `container` too.
    func forContainer(_ container: ContainerReference) -> ContainerGrants {
        guard !grants.isEmpty else { return ContainerGrants(grants: []) }
        let image = container.image.flatMap(ImageReference.init)
        return ContainerGrants(grants: grants.filter { $0.selects(containerNamed: container.name, image: image) })
    }
}

/// The grants that select one container. When several grant the same thing, the first in the policy
/// file's order is the one reported as having allowed it.
struct ContainerGrants {
    let grants: [Grant]

    func grant(allowing capability: LinuxCapability) -> String? {
        grants.first { $0.allowedCapabilities.contains(capability) }?.name
    }

    var grantAllowingPrivileged: String? { grants.first(where: \.allowPrivileged)?.name }
}

/// One thing a grant allowed one container, as data: reporters word it.
public struct GrantUse: ContainerFinding {
    public enum Permission: Sendable, Hashable {
        case capability(LinuxCapability)
        case privileged
    }

    public var grant: String
    public var container: ContainerReference
    public var permission: Permission
    /// Where below the container: `securityContext.capabilities.add[0]` or `securityContext.privileged`.
    public var field: FieldPath

    public init(grant: String, container: ContainerReference, permission: Permission, field: FieldPath) {
        self.grant = grant
        self.container = container
        self.permission = permission
        self.field = field
    }
}
