import Testing
import CapGuardPolicy
import CapGuardKube

@Suite("Decisions say which grant allowed what")
struct GrantReportingTests {
    static let netAdmin = LinuxCapability.named("NET_ADMIN")!
    static let grant = Grant(name: "node-agent", namespaces: ["agents"], containers: ["agent"], allowedCapabilities: [netAdmin])

    static func request(_ containers: [Container], serviceAccount: String? = nil) -> AdmissionRequest {
        let object = KubeObject(apiVersion: "v1", kind: "Pod", metadata: ObjectMetadata(name: "p", namespace: "agents"),
                                podSpec: PodSpec(containers: containers, serviceAccountName: serviceAccount))
        return AdmissionRequest(uid: "u", kind: GroupVersionKind(group: "", version: "v1", kind: "Pod"), namespace: "agents",
                                name: "p", operation: "CREATE", object: object)
    }

    static func agent(_ name: String = "agent", add: [String]) -> Container {
        Container(name: name, image: "example.com/agent:v1",
                  securityContext: SecurityContext(capabilities: Capabilities(add: add, drop: ["ALL"])))
    }

    @Test func grantUsesComeAfterTheViolationsAmongTheWarningsInAudit() {
        let policies = PolicySet(base: Policy(mode: .audit), grants: [Self.grant])
        let outcome = AdmissionReviewer(policies: policies).review(Self.request([Self.agent(add: ["NET_ADMIN"]), Self.agent("other", add: ["NET_ADMIN"])]))
        #expect(outcome.decision == .auditedViolation)
        #expect(outcome.warnings == [
            "spec.containers[1].securityContext.capabilities.add[0]: NET_ADMIN (configure the network) is not allowed",
            "spec.containers[0].securityContext.capabilities.add[0]: NET_ADMIN allowed by grant node-agent",
        ])
        #expect(outcome.grantsUsed == ["node-agent"])
        #expect(outcome.response.auditAnnotations?["grants"] == "spec.containers[0].securityContext.capabilities.add[0]: NET_ADMIN allowed by grant node-agent")
    }

    @Test func theAnnotationIsBoundedAndSaysHowManyMore() {
        let outcome = AdmissionReviewer(policies: PolicySet(grants: [Self.grant]))
            .review(Self.request([Self.agent(add: Array(repeating: "NET_ADMIN", count: 500))]))
        #expect(outcome.decision == .allowed)
        let annotation = outcome.response.auditAnnotations?["grants"] ?? ""
        #expect(annotation.unicodeScalars.count <= LineBudget.auditAnnotation.total)
        #expect(annotation.hasSuffix("and 480 more uses of grants"))
        #expect(outcome.omittedGrantUses == 480)
        #expect(outcome.warnings.last == "and 480 more warnings")
    }

    @Test func noGrantNoAnnotation() {
        let outcome = AdmissionReviewer(policies: PolicySet(grants: [Self.grant])).review(Self.request([Self.agent(add: ["CHOWN"])]))
        #expect(outcome.response.auditAnnotations == nil)
        #expect(outcome.grantsUsed.isEmpty)
        #expect(outcome.warnings.isEmpty)
    }
}
