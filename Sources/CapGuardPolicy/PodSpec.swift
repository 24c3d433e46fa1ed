/// The parts of a Kubernetes pod spec that the capability policy reads.
///
/// These are plain values: the policy core never decodes or reads anything itself. `CapGuardKube`
/// decodes them from manifests and admission requests.
public struct PodSpec: Sendable, Hashable {
    public var containers: [Container]
    public var initContainers: [Container]
    public var ephemeralContainers: [Container]
    /// `spec.os.name`; `windows` pods have no Linux capabilities.
    public var osName: String?
    /// `spec.serviceAccountName`; grants select on it (see `effectiveServiceAccountName`).
    public var serviceAccountName: String?
    /// `spec.serviceAccount`, the deprecated alias of `serviceAccountName`.
    public var deprecatedServiceAccount: String?

    public init(
        containers: [Container] = [],
        initContainers: [Container] = [],
        ephemeralContainers: [Container] = [],
        osName: String? = nil,
        serviceAccountName: String? = nil,
        deprecatedServiceAccount: String? = nil
    ) {
        self.containers = containers
        self.initContainers = initContainers
        self.ephemeralContainers = ephemeralContainers
        self.osName = osName
        self.serviceAccountName = serviceAccountName
        self.deprecatedServiceAccount = deprecatedServiceAccount
    }

    public func containers(in list: ContainerList) -> [Container] {
        switch list {
        case .containers: containers
        case .initContainers: initContainers
        case .ephemeralContainers: ephemeralContainers
        }
    }
}

/// A container, init container or ephemeral container.
public struct Container: Sendable, Hashable {
    public var name: String
    public var image: String?
    public var securityContext: SecurityContext?

    public init(name: String, image: String? = nil, securityContext: SecurityContext? = nil) {
        self.name = name
        self.image = image
        self.securityContext = securityContext
    }
}

/// A container's `securityContext`, reduced to what decides its capabilities.
public struct SecurityContext: Sendable, Hashable {
    public var privileged: Bool?
    public var capabilities: Capabilities?

    public init(privileged: Bool? = nil, capabilities: Capabilities? = nil) {
        self.privileged = privileged
        self.capabilities = capabilities
    }
}

/// `securityContext.capabilities`: names exactly as written in the manifest.
public struct Capabilities: Sendable, Hashable {
    public var add: [String]
    public var drop: [String]

    public init(add: [String] = [], drop: [String] = []) {
        self.add = add
        self.drop = drop
    }
}

extension PodSpec {
    /// The service account the pod runs as, as the apiserver settles it: `serviceAccountName`, else the
    /// deprecated `serviceAccount` (the v1 conversion copies it over when the name is empty), else `default`
    /// (the ServiceAccount admission plugin sets it on a Pod before webhooks see it; a workload's template
    /// and a manifest checked offline may leave it out).
    public var effectiveServiceAccountName: String {
        if let name = serviceAccountName, !name.isEmpty { return name }
        if let name = deprecatedServiceAccount, !name.isEmpty { return name }
        return "default"
    }
}
