import Foundation
import Testing
import CapGuardKube

// The review types read nested objects and lists from the decoder's containers directly. These types read
// the same fields through the standard library's synthesised decoding, in the same order: every input
// must give the same values or the same error (case, type, coding path, description), since the
// webhook's answer to a malformed review is made from that error.

private struct ReferenceReview: Decodable {
    var apiVersion: String?
    var kind: String?
    var request: ReferenceRequest?
}

private struct ReferenceRequest: Decodable {
    var uid: String
    var kind: ReferenceKind
    var subResource: String?
    var namespace: String?
    var name: String?
    var operation: String
    var userInfo: ReferenceUserInfo?
    var dryRun: Bool?
    var object: ReferenceObject?
    var oldObject: ReferenceObject?
}

private struct ReferenceKind: Decodable {
    var group: String?
    var version: String?
    var kind: String
}

private struct ReferenceUserInfo: Decodable {
    var username: String?
    var groups: [String]?
}

/// A Pod or a Deployment: the pod spec is at `spec` or at `spec.template.spec`.
private struct ReferenceObject: Decodable {
    var apiVersion: String?
    var kind: String?
    var metadata: ReferenceMetadata?
    var podSpec: ReferencePodSpec?

    private enum CodingKeys: String, CodingKey { case apiVersion, kind, metadata, spec }
    private struct Template: Decodable { var template: Spec? }
    private struct Spec: Decodable { var spec: ReferencePodSpec? }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        apiVersion = try container.decodeIfPresent(String.self, forKey: .apiVersion)
        kind = try container.decodeIfPresent(String.self, forKey: .kind)
        metadata = try container.decodeIfPresent(ReferenceMetadata.self, forKey: .metadata)
        podSpec = kind == "Pod"
            ? try container.decodeIfPresent(ReferencePodSpec.self, forKey: .spec)
            : try container.decodeIfPresent(Template.self, forKey: .spec)?.template?.spec
    }
}

private struct ReferenceMetadata: Decodable {
    var name: String?
    var generateName: String?
    var namespace: String?
    var uid: String?
    var ownerReferences: [ReferenceOwner]?
}

private struct ReferenceOwner: Decodable {
    var apiVersion: String
    var kind: String
    var name: String
    var uid: String
    var controller: Bool?
}

private struct ReferencePodSpec: Decodable {
    var os: ReferenceOS?
    var containers: [ReferenceContainer]?
    var initContainers: [ReferenceContainer]?
    var ephemeralContainers: [ReferenceContainer]?
    var serviceAccountName: String?
    var serviceAccount: String?
}

private struct ReferenceOS: Decodable { var name: String? }

private struct ReferenceContainer: Decodable {
    var name: String?
    var image: String?
    var securityContext: ReferenceSecurityContext?
}

private struct ReferenceSecurityContext: Decodable {
    var privileged: Bool?
    var capabilities: ReferenceCapabilities?
}

private struct ReferenceCapabilities: Decodable {
    var add: [String]?
    var drop: [String]?
}

/// What a decoding error says, without the names of the types' own coding key enums.
private func summary(_ error: any Error) -> String {
    func path(_ context: DecodingError.Context) -> String {
        context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
    }
    switch error as? DecodingError {
    case .typeMismatch(let type, let context): return "typeMismatch \(type) at \(path(context)): \(context.debugDescription)"
    case .valueNotFound(let type, let context): return "valueNotFound \(type) at \(path(context)): \(context.debugDescription)"
    case .keyNotFound(let key, let context): return "keyNotFound \(key.stringValue) at \(path(context))"
    case .dataCorrupted(let context): return "dataCorrupted at \(path(context)): \(context.debugDescription)"
    default: return "\(error)"
    }
}

@Suite("Decoding by containers errs as synthesised decoding does")
struct ContainerDecodingTests {
    static let pod = #"{"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"}, "spec": SPEC}"#
    static let deployment = #"{"apiVersion": "apps/v1", "kind": "Deployment", "spec": {"template": TEMPLATE}}"#

    static func review(request: String) -> String {
        #"{"apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview", "request": REQUEST}"#.replacingOccurrences(of: "REQUEST", with: request)
    }

    static func requestJSON(_ fields: String, object: String = pod.replacingOccurrences(of: "SPEC", with: "{}")) -> String {
        #"{"uid": "u", "kind": {"group": "", "version": "v1", "kind": "Pod"}, "operation": "CREATE", "object": OBJECT FIELDS}"#
            .replacingOccurrences(of: "OBJECT", with: object).replacingOccurrences(of: "FIELDS", with: fields)
    }

    static let specs: [String] = [
        #"{"containers": {"name": "a"}}"#, #"{"containers": [null]}"#, #"{"containers": ["a"]}"#, #"{"containers": [{"name": 5}]}"#,
        #"{"containers": [{"name": "a", "securityContext": "x"}]}"#, #"{"containers": [{"name": "a", "securityContext": []}]}"#,
        #"{"containers": [{"name": "a", "securityContext": {"capabilities": "x"}}]}"#,
        #"{"containers": [{"name": "a", "securityContext": {"capabilities": {"add": 5}}}]}"#,
        #"{"containers": [{"name": "a", "securityContext": {"capabilities": {"add": [1]}}}]}"#,
        #"{"containers": [{"name": "a", "securityContext": {"capabilities": {"add": ["NET_RAW", null]}}}]}"#,
        #"{"containers": [{"name": "a", "securityContext": {"capabilities": {"drop": {"0": "ALL"}}}}]}"#,
        #"{"containers": [{}, {"securityContext": {"privileged": "yes"}}]}"#,
        #"{"initContainers": [{"name": "i"}], "ephemeralContainers": [{"name": "e", "securityContext": {"capabilities": {"add": [true]}}}]}"#,
        #"{"os": "linux"}"#, #"{"os": {"name": 1}}"#, #"{"os": null, "containers": null, "initContainers": []}"#,
        #"{"serviceAccountName": 3}"#, "[]", "null", "7",
        #"{"containers": [{"name": "a", "image": "i", "securityContext": {"privileged": false, "capabilities": {"add": [], "drop": ["ALL"]}}}]}"#,
    ]

    @Test("pod specs of a Pod", arguments: specs)
    func podSpec(spec: String) {
        expectSameOutcome(Self.pod.replacingOccurrences(of: "SPEC", with: spec))
    }

    @Test("pod specs of a Deployment's template", arguments: specs.map { #"{"spec": \#($0)}"# } + [#""x""#, "[]", "null"])
    func template(template: String) {
        expectSameOutcome(Self.deployment.replacingOccurrences(of: "TEMPLATE", with: template))
    }

    @Test("metadata", arguments: [
        #""x""#, "[]", "null", #"{"name": 1}"#, #"{"ownerReferences": {}}"#, #"{"ownerReferences": [null]}"#,
        #"{"ownerReferences": [{"kind": "ReplicaSet", "name": "r", "uid": "u"}]}"#,
        #"{"ownerReferences": [{"apiVersion": 1, "kind": "ReplicaSet", "name": "r", "uid": "u"}]}"#,
        #"{"ownerReferences": [{"apiVersion": "apps/v1", "kind": "ReplicaSet", "name": "r", "uid": "u", "controller": "yes"}]}"#,
        #"{"name": "a", "ownerReferences": [{"apiVersion": "apps/v1", "kind": "ReplicaSet", "name": "r", "uid": "u", "controller": true}]}"#,
    ])
    func metadata(metadata: String) {
        expectSameOutcome(#"{"apiVersion": "v1", "kind": "Pod", "metadata": \#(metadata), "spec": {}}"#)
    }

    @Test("requests", arguments: [
        requestJSON(""), requestJSON(#", "userInfo": "x""#), requestJSON(#", "userInfo": {"groups": "a"}"#),
        requestJSON(#", "userInfo": {"groups": ["a", 1]}"#), requestJSON(#", "userInfo": {"username": "u", "groups": ["a"]}"#),
        requestJSON(#", "oldObject": "x""#), requestJSON(#", "oldObject": null"#), requestJSON("", object: "[]"),
        requestJSON("", object: pod.replacingOccurrences(of: "SPEC", with: #"{"containers": [{"securityContext": {"capabilities": {"drop": [0]}}}]}"#)),
        #"{"uid": "u", "kind": null, "operation": "CREATE"}"#, #"{"uid": "u", "kind": "Pod", "operation": "CREATE"}"#,
        #"{"uid": "u", "kind": {"group": "", "version": "v1"}, "operation": "CREATE"}"#, #"{"uid": "u", "operation": "CREATE"}"#,
        #"{"kind": {"kind": "Pod"}, "operation": "CREATE"}"#, "[]", "null",
    ])
    func request(request: String) {
        let body = Data(Self.review(request: request).utf8)
        let reference = Result { try JSONDecoder().decode(ReferenceReview.self, from: body) }
        let decoded = Result { try JSONDecoder().decode(AdmissionReview.self, from: body) }
        switch (reference, decoded) {
        case (.success(let reference), .success(let decoded)):
            #expect(decoded.request?.userInfo.groups == reference.request?.userInfo?.groups)
            #expect((decoded.request?.object?.podSpec?.containers.count ?? 0) == (reference.request?.object?.podSpec?.containers?.count ?? 0))
        case (.failure(let reference), .failure(let decoded)):
            #expect(summary(decoded) == summary(reference))
        default:
            Issue.record("\(request): synthesised decoding gave \(reference), decoding by containers \(decoded)")
        }
    }

    private func expectSameOutcome(_ json: String, sourceLocation: SourceLocation = #_sourceLocation) {
        let body = Data(json.utf8)
        let reference = Result { try JSONDecoder().decode(ReferenceObject.self, from: body) }
        let decoded = Result { try JSONDecoder().decode(KubeObject.self, from: body) }
        switch (reference, decoded) {
        case (.success(let reference), .success(let decoded)):
            let containers = decoded.podSpec?.containers ?? [], referenceContainers = reference.podSpec?.containers ?? []
            #expect(containers.map(\.name) == referenceContainers.map { $0.name ?? "" }, sourceLocation: sourceLocation)
            #expect(containers.map(\.securityContext?.capabilities?.add) == referenceContainers.map { $0.securityContext?.capabilities.map { $0.add ?? [] } },
                    sourceLocation: sourceLocation)
            #expect(decoded.metadata.ownerReferences?.map(\.name) == reference.metadata?.ownerReferences?.map(\.name), sourceLocation: sourceLocation)
        case (.failure(let reference), .failure(let decoded)):
            #expect(summary(decoded) == summary(reference), sourceLocation: sourceLocation)
        default:
            Issue.record("\(json): synthesised decoding gave \(reference), decoding by containers \(decoded)", sourceLocation: sourceLocation)
        }
    }
}
