import Foundation
import Testing
import CapGuardPolicy
import CapGuardConfig
import CapGuardTestSupport

@Suite("The example policies in examples/policies")
struct ExamplePolicyTests {
    static let directory = Fixtures.repository.appendingPathComponent("examples/policies")

    @Test func defaultExampleIsTheEmbeddedDefault() throws {
        #expect(try LoadedPolicy.load(path: Self.directory.appendingPathComponent("default.yaml").path).policies == .default)
    }

    @Test func restrictedAllowsOnlyNetBindService() throws {
        let policies = try LoadedPolicy.load(path: Self.directory.appendingPathComponent("restricted.yaml").path).policies
        #expect(policies.base.allowedCapabilities.map(\.name) == ["NET_BIND_SERVICE"])
        #expect(policies.base.mode == .enforce)
    }

    @Test func gradualRolloutAuditsLegacyNamespaces() throws {
        let policies = try LoadedPolicy.load(path: Self.directory.appendingPathComponent("gradual-rollout.yaml").path).policies
        #expect(policies.policy(forNamespace: "legacy-billing").mode == .audit)
        #expect(policies.policy(forNamespace: "legacy-billing").allows(LinuxCapability.named("NET_RAW")!))
        #expect(policies.policy(forNamespace: "data-pipelines").mode == .audit)
        #expect(policies.policy(forNamespace: "shop").mode == .enforce)
        #expect(policies.exemptions.matching(image: "registry.k8s.io/kube-proxy:v1.31.0") == .image("registry.k8s.io/kube-proxy:*"))
    }

    @Test func effectiveDocumentReadsBackAsTheSamePolicy() throws {
        for name in ["default.yaml", "restricted.yaml", "gradual-rollout.yaml"] {
            let policies = try LoadedPolicy.load(path: Self.directory.appendingPathComponent(name).path).policies
            #expect(try PolicyFile.parse(EffectivePolicyDocument.yaml(policies), file: name) == policies)
        }
    }

    @Test func grantsGiveNodeAgentsTheirCapabilitiesOnly() throws {
        let policies = try LoadedPolicy.load(path: Self.directory.appendingPathComponent("grants.yaml").path).policies
        #expect(policies.grants.map(\.name) == ["cilium-agent", "kube-proxy"])
        #expect(policies.exemptions.isEmpty)
        #expect(try PolicyFile.parse(EffectivePolicyDocument.yaml(policies), file: "grants.yaml") == policies)
    }
}
