import Testing
@testable import CapGuardPolicy

@Suite("Exemptions")
struct ExemptionsTests {
    @Test("image patterns", arguments: [
        ("registry.k8s.io/kube-proxy:*", "registry.k8s.io/kube-proxy:v1.31.0", true),
        ("registry.k8s.io/kube-proxy:*", "registry.k8s.io/kube-proxy-evil:v1", false),
        ("*/cilium/*", "quay.io/cilium/cilium:v1.16", true),
        ("nginx", "nginx", true),
        ("nginx", "nginx:latest", false),
        ("*", "", true),
        ("a*b*c", "aXXbYYc", true),
        ("a*b*c", "aXXbYY", false),
        ("**", "anything", true),
    ])
    func imagePatterns(pattern: String, image: String, matches: Bool) {
        #expect(WildcardPattern.matches(pattern, image) == matches)
    }

    @Test func requestExemptionsInOrder() {
        let exemptions = Exemptions(namespaces: ["ops"], users: ["alice"], groups: ["admins"])
        #expect(exemptions.matching(namespace: "ops", user: "bob", groups: []) == .namespace("ops"))
        #expect(exemptions.matching(namespace: "dev", user: "alice", groups: []) == .user("alice"))
        #expect(exemptions.matching(namespace: "dev", user: "bob", groups: ["x", "admins"]) == .group("admins"))
        #expect(exemptions.matching(namespace: "dev", user: "bob", groups: ["x"]) == nil)
        #expect(exemptions.matching(namespace: nil, user: nil, groups: []) == nil)
    }

    @Test func imageExemptionNamesThePattern() {
        let set = PolicySet(exemptions: Exemptions(images: ["registry.k8s.io/*"]))
        let spec = PodSpec(containers: [Container(name: "proxy", image: "registry.k8s.io/kube-proxy:v1"), Container(name: "app", image: "nginx")])
        let (evaluation, _, applied) = set.evaluate(spec, namespace: "default")
        #expect(applied == [.image("registry.k8s.io/*")])
        #expect(evaluation.violations.map(\.container.name) == ["app"])
        #expect(Exemption.image("registry.k8s.io/*").description == "image registry.k8s.io/*")
    }

    @Test func namespaceOverridesApplyOnlyToTheirNamespace() {
        let set = PolicySet(namespaceOverrides: ["legacy": Policy(mode: .audit)])
        #expect(set.policy(forNamespace: "legacy").mode == .audit)
        #expect(set.policy(forNamespace: "other").mode == .enforce)
        #expect(set.policy(forNamespace: nil).mode == .enforce)
    }
}
