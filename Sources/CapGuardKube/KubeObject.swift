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

public struct ObjectMetadata: Sendable, Hashable, Decodable {
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
public struct OwnerReference: Sendable, Hashable, Decodable {
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

extension KubeObject: Decodable {
    private enum CodingKeys: String, CodingKey { case apiVersion, kind, metadata }

    public init(from decoder: any Decoder) throws {
        try self.init(from: decoder, defaultType: nil)
    }

    /// Decodes an object, taking its type from `defaultType` (apiVersion, kind) when the object itself does
    /// not carry one.
    public init(from decoder: any Decoder, defaultType: (apiVersion: String, kind: String)?) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let apiVersion = try container.decodeIfPresent(String.self, forKey: .apiVersion) ?? defaultType?.apiVersion ?? ""
        let kind = try container.decodeIfPresent(String.self, forKey: .kind) ?? defaultType?.kind ?? ""
        let metadata = try container.decodeIfPresent(ObjectMetadata.self, forKey: .metadata) ?? ObjectMetadata()
        var podSpec: PodSpec?
        if let workload = WorkloadKind(apiVersion: apiVersion, kind: kind) {
            podSpec = try Self.decodePodSpec(of: workload, from: decoder) ?? PodSpec()
        }
        self.init(apiVersion: apiVersion, kind: kind, metadata: metadata, podSpec: podSpec)
    }

    /// Decodes the pod spec where `workload` keeps it, through small nested types: asking the decoder for
    /// only those keys is what keeps the rest of a large object (status, managedFields, ...) undecoded.
    private static func decodePodSpec(of workload: WorkloadKind, from decoder: any Decoder) throws -> PodSpec? {
        switch workload {
        case .pod:
            return try WithSpec<PodSpec>(from: decoder).spec
        case .deployment, .replicaSet, .statefulSet, .daemonSet, .job, .replicationController:
            return try WithSpec<WithTemplate>(from: decoder).spec?.template?.spec
        case .cronJob:
            return try WithSpec<WithJobTemplate>(from: decoder).spec?.jobTemplate?.spec?.template?.spec
        case .podTemplate:
            return try WithTemplate(from: decoder).template?.spec
        }
    }
}

private struct WithSpec<Spec: Decodable>: Decodable {
    let spec: Spec?
}

private struct WithTemplate: Decodable {
    let template: WithSpec<PodSpec>?
}

private struct WithJobTemplate: Decodable {
    let jobTemplate: WithSpec<WithTemplate>?
}
