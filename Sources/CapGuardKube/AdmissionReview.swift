import CapGuardJSON

/// An `AdmissionReview` as the apiserver posts it, reduced to what capguard reads.
///
/// Both `admission.k8s.io/v1` and `v1beta1` have this shape; the response repeats the request's apiVersion.
public struct AdmissionReview: Sendable, Hashable, Decodable {
    public static let supportedAPIVersions: Set<String> = ["admission.k8s.io/v1", "admission.k8s.io/v1beta1"]

    public var apiVersion: String?
    public var kind: String?
    /// Decoded only when apiVersion and kind are right, so that a review of another type is refused for
    /// its type rather than for whatever its request lacks.
    public var request: AdmissionRequest?

    private enum CodingKeys: String, CodingKey, CaseIterable { case apiVersion, kind, request }

    /// Every field `init(from:)` can read, for decoding a review cut down to them (`JSONPruner`).
    public static let decodedFields = JSONFieldSelection(CodingKeys.self, reading: [.request: AdmissionRequest.decodedFields])

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        apiVersion = try container.decodeIfPresent(String.self, forKey: .apiVersion)
        kind = try container.decodeIfPresent(String.self, forKey: .kind)
        guard isSupported else { return }
        request = try container.decodeObjectIfPresent(.request, keyedBy: AdmissionRequest.CodingKeys.self, AdmissionRequest.init(from:))
    }

    public var isSupported: Bool {
        apiVersion.map(Self.supportedAPIVersions.contains) == true && kind == "AdmissionReview"
    }
}

public struct AdmissionRequest: Sendable, Hashable, Decodable {
    public var uid: String
    public var kind: GroupVersionKind
    public var subResource: String?
    public var namespace: String?
    public var name: String?
    public var operation: String
    public var userInfo: UserInfo
    public var object: KubeObject?
    public var oldObject: KubeObject?
    public var dryRun: Bool

    public init(
        uid: String, kind: GroupVersionKind, subResource: String? = nil, namespace: String? = nil, name: String? = nil,
        operation: String, userInfo: UserInfo = UserInfo(), object: KubeObject? = nil, oldObject: KubeObject? = nil,
        dryRun: Bool = false
    ) {
        self.uid = uid
        self.kind = kind
        self.subResource = subResource
        self.namespace = namespace
        self.name = name
        self.operation = operation
        self.userInfo = userInfo
        self.object = object
        self.oldObject = oldObject
        self.dryRun = dryRun
    }

    fileprivate enum CodingKeys: String, CodingKey, CaseIterable {
        case uid, kind, subResource, namespace, name, operation, userInfo, object, oldObject, dryRun
    }

    static let decodedFields = JSONFieldSelection(CodingKeys.self, reading: [
        .kind: JSONFieldSelection(GroupVersionKind.CodingKeys.self), .userInfo: JSONFieldSelection(UserInfo.CodingKeys.self),
        .object: KubeObject.decodedFields, .oldObject: KubeObject.decodedFields,
    ])

    public init(from decoder: any Decoder) throws {
        try self.init(from: decoder.container(keyedBy: CodingKeys.self))
    }

    fileprivate init(from container: KeyedDecodingContainer<CodingKeys>) throws {
        uid = try container.decode(String.self, forKey: .uid)
        kind = try GroupVersionKind(from: container.nestedContainer(keyedBy: GroupVersionKind.CodingKeys.self, forKey: .kind))
        subResource = try container.decodeIfPresent(String.self, forKey: .subResource)
        namespace = try container.decodeIfPresent(String.self, forKey: .namespace)
        name = try container.decodeIfPresent(String.self, forKey: .name)
        operation = try container.decode(String.self, forKey: .operation)
        userInfo = try container.decodeObjectIfPresent(.userInfo, keyedBy: UserInfo.CodingKeys.self, UserInfo.init(from:)) ?? UserInfo()
        dryRun = try container.decodeIfPresent(Bool.self, forKey: .dryRun) ?? false
        // The object's own apiVersion and kind win; the request's kind stands in if the object omits them.
        let type = (apiVersion: kind.apiVersion, kind: kind.kind)
        object = try KubeObject.decodeIfPresent(.object, of: container, defaultType: type)
        oldObject = try KubeObject.decodeIfPresent(.oldObject, of: container, defaultType: type)
    }
}

public struct GroupVersionKind: Sendable, Hashable, Codable {
    public var group: String
    public var version: String
    public var kind: String

    public init(group: String, version: String, kind: String) {
        self.group = group
        self.version = version
        self.kind = kind
    }

    public init(from decoder: any Decoder) throws {
        try self.init(from: decoder.container(keyedBy: CodingKeys.self))
    }

    fileprivate init(from container: KeyedDecodingContainer<CodingKeys>) throws {
        group = try container.decodeIfPresent(String.self, forKey: .group) ?? ""
        version = try container.decodeIfPresent(String.self, forKey: .version) ?? ""
        kind = try container.decode(String.self, forKey: .kind)
    }

    fileprivate enum CodingKeys: String, CodingKey, CaseIterable { case group, version, kind }

    public var apiVersion: String { group.isEmpty ? version : "\(group)/\(version)" }
}

public struct UserInfo: Sendable, Hashable, Decodable {
    public var username: String?
    public var groups: [String]?

    public init(username: String? = nil, groups: [String]? = nil) {
        self.username = username
        self.groups = groups
    }

    fileprivate enum CodingKeys: String, CodingKey, CaseIterable { case username, groups }

    public init(from decoder: any Decoder) throws {
        try self.init(from: decoder.container(keyedBy: CodingKeys.self))
    }

    fileprivate init(from container: KeyedDecodingContainer<CodingKeys>) throws {
        self.init(username: try container.decodeIfPresent(String.self, forKey: .username), groups: try container.decodeStringsIfPresent(.groups))
    }
}

/// The `AdmissionReview` capguard answers with.
public struct AdmissionReviewResponse: Sendable, Hashable {
    public var apiVersion: String
    public var response: AdmissionResponse

    public init(apiVersion: String, response: AdmissionResponse) {
        self.apiVersion = apiVersion
        self.response = response
    }

    /// The review as JSON. Written directly rather than through JSONEncoder: the shape is small and fixed,
    /// and this is on the path of every admission call (a fifth of its time went to JSONEncoder).
    public var json: [UInt8] {
        var writer = JSONWriter()
        writer.object { writer in
            writer.field("apiVersion") { $0.string(apiVersion) }
            writer.field("kind") { $0.string("AdmissionReview") }
            writer.field("response") { writer in
                writer.object { writer in
                    writer.field("uid") { $0.string(response.uid) }
                    writer.field("allowed") { $0.bool(response.allowed) }
                    if let status = response.status {
                        writer.field("status") { writer in
                            writer.object { writer in
                                writer.field("code") { $0.int(status.code) }
                                writer.field("reason") { $0.string(status.reason) }
                                writer.field("message") { $0.string(status.message) }
                            }
                        }
                    }
                    if let patch = response.patch {
                        writer.field("patchType") { $0.string("JSONPatch") }
                        writer.field("patch") { $0.string(Base64.encode(patch)) }
                    }
                    if let warnings = response.warnings {
                        writer.field("warnings") { writer in writer.array(warnings) { $0.string($1) } }
                    }
                    if let annotations = response.auditAnnotations {
                        writer.field("auditAnnotations") { writer in
                            writer.object { writer in
                                for key in annotations.keys.sorted() { writer.field(key) { $0.string(annotations[key]!) } }
                            }
                        }
                    }
                }
            }
        }
        return writer.bytes
    }
}

public struct AdmissionResponse: Sendable, Hashable {
    public struct Status: Sendable, Hashable {
        public var code: Int
        public var reason: String
        public var message: String

        public init(code: Int, reason: String, message: String) {
            self.code = code
            self.reason = reason
            self.message = message
        }
    }

    public var uid: String
    public var allowed: Bool
    public var status: Status?
    public var warnings: [String]?
    public var auditAnnotations: [String: String]?
    /// A JSON Patch (RFC 6902) for a mutating webhook's answer; sent base64-encoded with `patchType: JSONPatch`.
    public var patch: [UInt8]?

    public init(
        uid: String, allowed: Bool, status: Status? = nil, warnings: [String]? = nil, auditAnnotations: [String: String]? = nil,
        patch: [UInt8]? = nil
    ) {
        self.patch = patch
        self.uid = uid
        self.allowed = allowed
        self.status = status
        self.warnings = warnings
        self.auditAnnotations = auditAnnotations
    }
}
