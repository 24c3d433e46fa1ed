import Foundation
import Testing
import CapGuardPolicy
@testable import CapGuardKube

@Suite("The mutation decision")
struct AdmissionMutatorTests {
    static let chown = LinuxCapability.named("CHOWN")!
    static let bind = LinuxCapability.named("NET_BIND_SERVICE")!

    func request(_ containers: [Container], operation: String = "CREATE") -> AdmissionRequest {
        AdmissionRequest(uid: "u", kind: GroupVersionKind(group: "", version: "v1", kind: "Pod"), namespace: "ns",
                         operation: operation, object: KubeObject(apiVersion: "v1", kind: "Pod", podSpec: PodSpec(containers: containers)))
    }

    @Test func defaultCapabilitiesAreAddedOrAppendedOnlyWhereDropAllIsSet() {
        let policies = PolicySet(mutation: MutationSettings(defaultAddCapabilities: [Self.bind, Self.chown]))
        let containers = [
            Container(name: "none"),
            Container(name: "adds", securityContext: SecurityContext(capabilities: Capabilities(add: ["cap_chown"], drop: ["NET_RAW"]))),
            Container(name: "compliant", securityContext: SecurityContext(capabilities: Capabilities(drop: ["ALL"]))),
        ]
        let outcome = AdmissionMutator(policies: policies).mutate(request(containers))
        #expect(outcome.reason == .patched)
        #expect(outcome.operations.map(\.description) == [
            "replace /spec/containers/1/securityContext/capabilities/add/0",
            "add /spec/containers/0/securityContext",
            "add /spec/containers/1/securityContext/capabilities/drop",
            "add /spec/containers/1/securityContext/capabilities/add/-",
        ])
        #expect(String(decoding: JSONPatch.json(outcome.operations), as: UTF8.self) == """
            [{"op":"replace","path":"/spec/containers/1/securityContext/capabilities/add/0","value":"CHOWN"},\
            {"op":"add","path":"/spec/containers/0/securityContext","value":{"capabilities":{"drop":["ALL"],"add":["NET_BIND_SERVICE","CHOWN"]}}},\
            {"op":"add","path":"/spec/containers/1/securityContext/capabilities/drop","value":["ALL"]},\
            {"op":"add","path":"/spec/containers/1/securityContext/capabilities/add/-","value":"NET_BIND_SERVICE"}]
            """)
    }

    @Test func withoutDropAllOnlySpellingsAreFixed() {
        let policies = PolicySet(mutation: MutationSettings(dropAll: false, defaultAddCapabilities: [Self.bind]))
        let containers = [Container(name: "a", securityContext: SecurityContext(capabilities: Capabilities(add: ["CAP_CHOWN"])))]
        let outcome = AdmissionMutator(policies: policies).mutate(request(containers))
        #expect(outcome.operations.map(\.description) == ["replace /spec/containers/0/securityContext/capabilities/add/0"])
    }

    /// A namespace override in audit mode patches nothing there, and says what it would have done.
    @Test func namespaceOverridesDecideTheMode() {
        let policies = PolicySet(namespaceOverrides: ["legacy": Policy(mode: .audit)])
        var legacy = request([Container(name: "a")])
        legacy.namespace = "legacy"
        let audited = AdmissionMutator(policies: policies).mutate(legacy)
        #expect(audited.reason == .auditWouldPatch)
        #expect(audited.operations.isEmpty && audited.response.patch == nil)
        #expect(audited.wouldPatch.map(\.description) == ["add /spec/containers/0/securityContext"])
        #expect(AdmissionMutator(policies: policies).mutate(request([Container(name: "a")])).reason == .patched)
    }

    @Test func deleteAndConnectAreNotMutated() {
        for operation in ["DELETE", "CONNECT"] {
            #expect(AdmissionMutator(policies: .default).mutate(request([Container(name: "a")], operation: operation)).reason == .notMutable)
        }
    }

    @Test func base64IsStandardWithPadding() {
        for length in 0...9 {
            let bytes = (0..<length).map { UInt8(truncatingIfNeeded: $0 * 97 + 251) }
            #expect(Base64.encode(bytes) == Data(bytes).base64EncodedString())
        }
    }

    @Test func theResponseCarriesThePatch() {
        var outcome = MutationOutcome(uid: "u", mode: .enforce)
        outcome.operations = [PatchOperation(.add, ["spec", "a/b~c"], .strings(["ALL"]))]
        let json = String(decoding: AdmissionReviewResponse(apiVersion: "admission.k8s.io/v1", response: outcome.response).json, as: UTF8.self)
        let patch = Base64.encode(Array(#"[{"op":"add","path":"/spec/a~1b~0c","value":["ALL"]}]"#.utf8))
        #expect(json == #"{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","response":{"uid":"u","allowed":true,"patchType":"JSONPatch","patch":"\#(patch)"}}"#)
    }
}
