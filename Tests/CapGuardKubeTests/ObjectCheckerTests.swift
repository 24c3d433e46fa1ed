import Testing
import CapGuardPolicy
import CapGuardKube

@Suite("From an object to the findings of its pod spec")
struct ObjectCheckerTests {
    private static func deployment(_ containers: [Container], namespace: String? = "prod") -> KubeObject {
        KubeObject(apiVersion: "apps/v1", kind: "Deployment", metadata: ObjectMetadata(name: "web", namespace: namespace),
                   podSpec: PodSpec(containers: containers))
    }

    private static let adding = Container(name: "app", image: "registry/app:1", securityContext: SecurityContext(
        capabilities: Capabilities(add: ["NET_BIND_SERVICE", "SYS_ADMIN"], drop: ["ALL"])))

    private func findings(_ check: ObjectCheck) throws -> PodSpecFindings {
        guard case .evaluated(let findings) = check else { throw ExpectedEvaluation(check: check) }
        return findings
    }

    private struct ExpectedEvaluation: Error { let check: ObjectCheck }

    @Test func findingsCarryTheirFullFieldPathsAndThePolicyOfTheNamespace() throws {
        let strict = Policy(allowedCapabilities: [])
        let checker = ObjectChecker(policies: PolicySet(namespaceOverrides: ["prod": strict]))
        let found = try findings(checker.check(Self.deployment([Self.adding]), namespace: "prod"))
        #expect(found.policy == strict)
        #expect(found.podSpecPath == ["spec", "template", "spec"])
        let formatter = found.formatter(naming: ObjectReference(kind: "Deployment", namespace: "prod", name: "web"))
        #expect(found.evaluation.violations.map { (formatter.path(of: $0.container) + $0.field).jsonPointer } == [
            "/spec/template/spec/containers/0/securityContext/capabilities/add/0",
            "/spec/template/spec/containers/0/securityContext/capabilities/add/1",
        ])
        #expect(try findings(ObjectChecker(policies: .default).check(Self.deployment([Self.adding]), namespace: "prod"))
            .evaluation.violations.count == 1)
    }

    @Test func anExemptionCoversTheObjectWhateverItIs() {
        let checker = ObjectChecker(policies: PolicySet(exemptions: Exemptions(namespaces: ["kube-system"], groups: ["system:masters"])))
        #expect(checker.check(Self.deployment([Self.adding]), namespace: "kube-system") == .exempt(.namespace("kube-system")))
        #expect(checker.check(nil, namespace: "kube-system") == .exempt(.namespace("kube-system")))
        #expect(checker.check(Self.deployment([Self.adding]), namespace: "prod", groups: ["system:masters"])
            == .exempt(.group("system:masters")))
    }

    @Test func objectsWithoutAPodSpecAreNotEvaluated() {
        let checker = ObjectChecker(policies: .default)
        #expect(checker.check(nil, namespace: "prod") == .noPodSpec)
        #expect(checker.check(KubeObject(apiVersion: "v1", kind: "ConfigMap", podSpec: nil), namespace: "prod") == .noPodSpec)
    }

    @Test func exemptImagesAreLeftOutAndNamed() throws {
        let checker = ObjectChecker(policies: PolicySet(exemptions: Exemptions(images: ["registry/*"])))
        let found = try findings(checker.check(Self.deployment([Self.adding]), namespace: "prod"))
        #expect(found.evaluation.violations.isEmpty)
        #expect(found.exemptImages == [.image("registry/*")])
    }

    @Test func violationsThePreviousObjectHadAreSortedApart() throws {
        let old = Self.deployment([Container(name: "app", securityContext: SecurityContext(
            capabilities: Capabilities(add: ["SYS_ADMIN"], drop: ["ALL"])))])
        let found = try findings(ObjectChecker(policies: .default).check(Self.deployment([Self.adding]), namespace: "prod", previous: old))
        #expect(found.evaluation.violations.isEmpty)
        #expect(found.evaluation.existingViolations.count == 1)
    }
}
