import CapGuardJSON
import CapGuardPolicy

/// A Kubernetes object as capguard reads it: its type, name, and the pod spec if its kind carries one.
/// Nothing else of the object is decoded.
public struct KubeObject: Sendable, Hashable {
    public var apiVersion: String
    public var kind: String
    public var metadata: ObjectMetadata
    /// The kind, when it is one that carries a pod spec.
    public var workload: WorkloadKind?
    /// The pod spec, when `workload` is set. A workload whose template is missing has an empty pod spec.
    public var podSpec: PodSpec?

    public init(apiVersion: String, kind: String, metadata: ObjectMetadata = ObjectMetadata(), podSpec: PodSpec?) {
        self.apiVersion = apiVersion
        self.kind = kind
        self.metadata = metadata
        self.workload = WorkloadKind(apiVersion: apiVersion, kind: kind)
        self.podSpec = podSpec
    }

    /// How messages name the object; `namespace` fills in when the object does not say (admission requests
    /// carry it beside the object, and manifests often leave it to `kubectl apply -n`).
    public func reference(namespace: String? = nil) -> ObjectReference {
        ObjectReference(kind: kind, namespace: metadata.namespace ?? namespace, name: metadata.displayName)
    }
}

public struct ObjectMetadata: Sendable, Hashable {
    public var name: String?
    public var generateName: String?
    public var namespace: String?
    /// The object's identity in the cluster, which `ownerReferences` point at; absent from manifests.
    public var uid: String?
    /// Who owns the object: the audit folds a Pod under its ReplicaSet's Deployment through these.
    public var ownerReferences: [OwnerReference]?

    public init(
        name: String? = nil, generateName: String? = nil, namespace: String? = nil, uid: String? = nil,
        ownerReferences: [OwnerReference]? = nil
    ) {
        self.name = name
        self.generateName = generateName
        self.namespace = namespace
        self.uid = uid
        self.ownerReferences = ownerReferences
    }

    /// The owner that manages the object (`controller: true`); the API allows at most one.
    public var controller: OwnerReference? {
        ownerReferences?.first { $0.controller == true }
    }

    /// The name, or `prefix*` for an object that the apiserver has yet to name (pods of a ReplicaSet).
    public var displayName: String? {
        if let name, !name.isEmpty { return name }
        return generateName.map { $0 + "*" }
    }
}

/// One entry of `metadata.ownerReferences`, as far as the audit needs it.
public struct OwnerReference: Sendable, Hashable {
    public var apiVersion: String
    public var kind: String
    public var name: String
    public var uid: String
    public var controller: Bool?

    public init(apiVersion: String, kind: String, name: String, uid: String, controller: Bool? = true) {
        self.apiVersion = apiVersion
        self.kind = kind
        self.name = name
        self.uid = uid
        self.controller = controller
    }
}

extension ObjectMetadata: Decodable {
    fileprivate enum CodingKeys: String, CodingKey, CaseIterable { case name, generateName, namespace, uid, ownerReferences }

    static let decodedFields = JSONFieldSelection(CodingKeys.self, reading: [.ownerReferences: JSONFieldSelection(OwnerReference.CodingKeys.self)])

    public init(from decoder: any Decoder) throws {
        try self.init(from: decoder.container(keyedBy: CodingKeys.self))
    }

    fileprivate init(from container: KeyedDecodingContainer<CodingKeys>) throws {
        self.init(
            name: try container.decodeIfPresent(String.self, forKey: .name),
            generateName: try container.decodeIfPresent(String.self, forKey: .generateName),
            namespace: try container.decodeIfPresent(String.self, forKey: .namespace),
            uid: try container.decodeIfPresent(String.self, forKey: .uid),
            ownerReferences: try container.decodeObjectsIfPresent(
                .ownerReferences, keyedBy: OwnerReference.CodingKeys.self, OwnerReference.init(from:))
        )
    }
}

extension OwnerReference: Decodable {
    fileprivate enum CodingKeys: String, CodingKey, CaseIterable { case apiVersion, kind, name, uid, controller }

    public init(from decoder: any Decoder) throws {
        try self.init(from: decoder.container(keyedBy: CodingKeys.self))
    }

    fileprivate init(from container: KeyedDecodingContainer<CodingKeys>) throws {
        self.init(
            apiVersion: try container.decode(String.self, forKey: .apiVersion),
            kind: try container.decode(String.self, forKey: .kind),
            name: try container.decode(String.self, forKey: .name),
            uid: try container.decode(String.self, forKey: .uid),
            controller: try container.decodeIfPresent(Bool.self, forKey: .controller)
        )
    }
}

extension KubeObject: Decodable {
    private enum CodingKeys: String, CodingKey, CaseIterable { case apiVersion, kind, metadata, spec, template }

    /// What `init(from:)` reads of an object of any kind: the spec of a Pod, of a workload and of a CronJob
    /// in one selection, since the kind is only known once it is read.
    static let decodedFields = JSONFieldSelection(CodingKeys.self, reading: [
        .metadata: ObjectMetadata.decodedFields,
        .spec: PodSpec.decodedFields.merging(WithTemplate.decodedFields).merging(WithJobTemplate.decodedFields),
        .template: WithSpec<PodSpec>.decodedFields(PodSpec.decodedFields),
    ])

    public init(from decoder: any Decoder) throws {
        try self.init(from: decoder, defaultType: nil)
    }

    /// Decodes an object, taking its type from `defaultType` (apiVersion, kind) when the object itself does
    /// not carry one.
    public init(from decoder: any Decoder, defaultType: (apiVersion: String, kind: String)?) throws {
        try self.init(decoder.container(keyedBy: CodingKeys.self), defaultType: defaultType)
    }

    /// Decodes the object at `key` of `container`, as `init(from:defaultType:)` does, without a decoder of
    /// its own for it; nil when the key is absent or null.
    static func decodeIfPresent<Key: CodingKey>(
        _ key: Key, of container: KeyedDecodingContainer<Key>, defaultType: (apiVersion: String, kind: String)?
    ) throws -> KubeObject? {
        try container.decodeObjectIfPresent(key, keyedBy: CodingKeys.self) { try KubeObject($0, defaultType: defaultType) }
    }

    /// Everything is read from the one container of the object: the decoder lists an object's keys each time
    /// it opens it.
    private init(_ container: KeyedDecodingContainer<CodingKeys>, defaultType: (apiVersion: String, kind: String)?) throws {
        let apiVersion = try container.decodeIfPresent(String.self, forKey: .apiVersion) ?? defaultType?.apiVersion ?? ""
        let kind = try container.decodeIfPresent(String.self, forKey: .kind) ?? defaultType?.kind ?? ""
        let metadata = try container.decodeObjectIfPresent(.metadata, keyedBy: ObjectMetadata.CodingKeys.self, ObjectMetadata.init(from:))
            ?? ObjectMetadata()
        var podSpec: PodSpec?
        if let workload = WorkloadKind(apiVersion: apiVersion, kind: kind) {
            podSpec = try Self.decodePodSpec(of: workload, from: container) ?? PodSpec()
        }
        self.init(apiVersion: apiVersion, kind: kind, metadata: metadata, podSpec: podSpec)
    }

    /// Decodes the pod spec where `workload` keeps it, through small nested types: asking the decoder for
    /// only those keys is what keeps the rest of a large object (status, managedFields, ...) undecoded.
    private static func decodePodSpec(of workload: WorkloadKind, from container: KeyedDecodingContainer<CodingKeys>) throws -> PodSpec? {
        switch workload {
        case .pod:
            return try container.decodeIfPresent(PodSpec.self, forKey: .spec)
        case .deployment, .replicaSet, .statefulSet, .daemonSet, .job, .replicationController:
            return try container.decodeIfPresent(WithTemplate.self, forKey: .spec)?.template?.spec
        case .cronJob:
            return try container.decodeIfPresent(WithJobTemplate.self, forKey: .spec)?.jobTemplate?.spec?.template?.spec
        case .podTemplate:
            return try container.decodeIfPresent(WithSpec<PodSpec>.self, forKey: .template)?.spec
        }
    }
}

private struct WithSpec<Spec: Decodable>: Decodable {
    let spec: Spec?

    enum CodingKeys: String, CodingKey, CaseIterable { case spec }

    static func decodedFields(_ spec: JSONFieldSelection) -> JSONFieldSelection {
        JSONFieldSelection(CodingKeys.self, reading: [.spec: spec])
    }
}

private struct WithTemplate: Decodable {
    let template: WithSpec<PodSpec>?

    enum CodingKeys: String, CodingKey, CaseIterable { case template }

    static let decodedFields = JSONFieldSelection(CodingKeys.self, reading: [.template: WithSpec<PodSpec>.decodedFields(PodSpec.decodedFields)])
}

private struct WithJobTemplate: Decodable {
    let jobTemplate: WithSpec<WithTemplate>?

    enum CodingKeys: String, CodingKey, CaseIterable { case jobTemplate }

    static let decodedFields = JSONFieldSelection(CodingKeys.self, reading: [
        .jobTemplate: WithSpec<WithTemplate>.decodedFields(WithTemplate.decodedFields),
    ])
}
