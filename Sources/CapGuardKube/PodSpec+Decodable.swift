import CapGuardPolicy

// Decoding of the policy core's pod spec types. Only the fields the policy reads are decoded: everything
// else in a pod spec (volumes, probes, resources, ...) is skipped, and `null` reads as absent, as the
// apiserver treats it.

extension PodSpec: Decodable {
    private enum CodingKeys: String, CodingKey {
        case containers, initContainers, ephemeralContainers, os, serviceAccountName, serviceAccount
    }
    private enum OSKeys: String, CodingKey { case name }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        var osName: String?
        if try container.contains(.os) && !container.decodeNil(forKey: .os) {
            osName = try container.nestedContainer(keyedBy: OSKeys.self, forKey: .os).decodeIfPresent(String.self, forKey: .name)
        }
        self.init(
            containers: try container.decodeIfPresent([Container].self, forKey: .containers) ?? [],
            initContainers: try container.decodeIfPresent([Container].self, forKey: .initContainers) ?? [],
            ephemeralContainers: try container.decodeIfPresent([Container].self, forKey: .ephemeralContainers) ?? [],
            osName: osName,
            serviceAccountName: try container.decodeIfPresent(String.self, forKey: .serviceAccountName),
            deprecatedServiceAccount: try container.decodeIfPresent(String.self, forKey: .serviceAccount)
        )
    }
}

extension Container: Decodable {
    private enum CodingKeys: String, CodingKey { case name, image, securityContext }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            name: try container.decodeIfPresent(String.self, forKey: .name) ?? "",
            image: try container.decodeIfPresent(String.self, forKey: .image),
            securityContext: try container.decodeIfPresent(SecurityContext.self, forKey: .securityContext)
        )
    }
}

extension SecurityContext: Decodable {
    private enum CodingKeys: String, CodingKey { case privileged, capabilities }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            privileged: try container.decodeIfPresent(Bool.self, forKey: .privileged),
            capabilities: try container.decodeIfPresent(Capabilities.self, forKey: .capabilities)
        )
    }
}

extension Capabilities: Decodable {
    private enum CodingKeys: String, CodingKey { case add, drop }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            add: try container.decodeIfPresent([String].self, forKey: .add) ?? [],
            drop: try container.decodeIfPresent([String].self, forKey: .drop) ?? []
        )
    }
}
