import CapGuardPolicy

// Decoding of the policy core's pod spec types. Only the fields the policy reads are decoded: everything
// else in a pod spec (volumes, probes, resources, ...) is skipped, and `null` reads as absent, as the
// apiserver treats it. Nested objects and lists are read from their containers directly (see
// `KeyedDecodingContainer+Direct.swift`). Each type's `decodedFields` names the same keys for `JSONPruner`.

import CapGuardJSON

extension PodSpec: Decodable {
    private enum CodingKeys: String, CodingKey, CaseIterable {
        case containers, initContainers, ephemeralContainers, os, serviceAccountName, serviceAccount
    }
    private enum OSKeys: String, CodingKey, CaseIterable { case name }

    static let decodedFields = JSONFieldSelection(CodingKeys.self, reading: [
        .containers: Container.decodedFields, .initContainers: Container.decodedFields,
        .ephemeralContainers: Container.decodedFields, .os: JSONFieldSelection(OSKeys.self),
    ])

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let osName = try container.decodeObjectIfPresent(.os, keyedBy: OSKeys.self) {
            try $0.decodeIfPresent(String.self, forKey: .name)
        } ?? nil
        self.init(
            containers: try Self.containers(.containers, of: container),
            initContainers: try Self.containers(.initContainers, of: container),
            ephemeralContainers: try Self.containers(.ephemeralContainers, of: container),
            osName: osName,
            serviceAccountName: try container.decodeIfPresent(String.self, forKey: .serviceAccountName),
            deprecatedServiceAccount: try container.decodeIfPresent(String.self, forKey: .serviceAccount)
        )
    }

    private static func containers(_ key: CodingKeys, of container: KeyedDecodingContainer<CodingKeys>) throws -> [Container] {
        try container.decodeObjectsIfPresent(key, keyedBy: Container.CodingKeys.self, Container.init(from:)) ?? []
    }
}

extension Container: Decodable {
    fileprivate enum CodingKeys: String, CodingKey, CaseIterable { case name, image, securityContext }

    static let decodedFields = JSONFieldSelection(CodingKeys.self, reading: [.securityContext: SecurityContext.decodedFields])

    public init(from decoder: any Decoder) throws {
        try self.init(from: decoder.container(keyedBy: CodingKeys.self))
    }

    fileprivate init(from container: KeyedDecodingContainer<CodingKeys>) throws {
        self.init(
            name: try container.decodeIfPresent(String.self, forKey: .name) ?? "",
            image: try container.decodeIfPresent(String.self, forKey: .image),
            securityContext: try container.decodeObjectIfPresent(
                .securityContext, keyedBy: SecurityContext.CodingKeys.self, SecurityContext.init(from:))
        )
    }
}

extension SecurityContext: Decodable {
    fileprivate enum CodingKeys: String, CodingKey, CaseIterable { case privileged, capabilities }

    static let decodedFields = JSONFieldSelection(CodingKeys.self, reading: [.capabilities: JSONFieldSelection(Capabilities.CodingKeys.self)])

    public init(from decoder: any Decoder) throws {
        try self.init(from: decoder.container(keyedBy: CodingKeys.self))
    }

    fileprivate init(from container: KeyedDecodingContainer<CodingKeys>) throws {
        self.init(
            privileged: try container.decodeIfPresent(Bool.self, forKey: .privileged),
            capabilities: try container.decodeObjectIfPresent(.capabilities, keyedBy: Capabilities.CodingKeys.self, Capabilities.init(from:))
        )
    }
}

extension Capabilities: Decodable {
    fileprivate enum CodingKeys: String, CodingKey, CaseIterable { case add, drop }

    public init(from decoder: any Decoder) throws {
        try self.init(from: decoder.container(keyedBy: CodingKeys.self))
    }

    fileprivate init(from container: KeyedDecodingContainer<CodingKeys>) throws {
        self.init(
            add: try container.decodeStringsIfPresent(.add) ?? [],
            drop: try container.decodeStringsIfPresent(.drop) ?? []
        )
    }
}
