import Testing
import CapGuardPolicy

@Suite("Grants")
struct GrantEvaluationTests {
    static let digest = "sha256:" + String(repeating: "ab", count: 32)
    static let netAdmin = LinuxCapability.named("NET_ADMIN")!
    static let sysAdmin = LinuxCapability.named("SYS_ADMIN")!
    static let sysPtrace = LinuxCapability.named("SYS_PTRACE")!

    static func pattern(_ text: String) -> ImagePattern { try! ImagePattern.parse(text).get() }

    static let cilium = Grant(
        name: "cilium-agent", namespaces: ["kube-networking"], serviceAccounts: ["cilium"],
        images: [pattern("quay.io/cilium/cilium@sha256:*"), pattern("quay.io/cilium/cilium:v1.16.*")],
        containers: ["cilium-agent"], allowedCapabilities: [netAdmin, sysAdmin]
    )

    static func agent(
        name: String = "cilium-agent", image: String = "quay.io/cilium/cilium:v1.16.1", add: [String] = ["NET_ADMIN"],
        privileged: Bool? = nil
    ) -> Container {
        container(name, add: add, drop: ["ALL"], privileged: privileged, image: image)
    }

    struct Case: CustomTestStringConvertible, Sendable {
        let label: String
        var namespace: String? = "kube-networking"
        var serviceAccount: String? = "cilium"
        var container: Container = GrantEvaluationTests.agent()
        var grants: [Grant] = [GrantEvaluationTests.cilium]
        let violations: [Violation.Rule]
        let uses: [GrantUse.Permission]
        var testDescription: String { label }
    }

    static let notAllowed = Violation.Rule.capabilityNotAllowed(netAdmin, written: "NET_ADMIN")

    static let cases: [Case] = [
        Case(label: "every selector matches", violations: [], uses: [.capability(netAdmin)]),
        Case(label: "another namespace", namespace: "default", violations: [notAllowed], uses: []),
        Case(label: "no namespace (offline, none written)", namespace: nil, violations: [notAllowed], uses: []),
        Case(label: "another service account", serviceAccount: "builder", violations: [notAllowed], uses: []),
        Case(label: "no service account is default", serviceAccount: nil, violations: [notAllowed], uses: []),
        Case(label: "image by digest", container: agent(image: "quay.io/cilium/cilium@\(digest)"), violations: [], uses: [.capability(netAdmin)]),
        Case(label: "image by tag and digest reads the digest", container: agent(image: "quay.io/cilium/cilium:v9@\(digest)"),
             violations: [], uses: [.capability(netAdmin)]),
        Case(label: "image with another tag", container: agent(image: "quay.io/cilium/cilium:v1.17.0"), violations: [notAllowed], uses: []),
        Case(label: "image from another repository", container: agent(image: "docker.io/cilium/cilium:v1.16.1"), violations: [notAllowed], uses: []),
        Case(label: "image the runtime would refuse", container: agent(image: "quay.io/cilium/Cilium:v1.16.1"), violations: [notAllowed], uses: []),
        Case(label: "another container name", container: agent(name: "sidecar"), violations: [notAllowed], uses: []),
        Case(label: "only what the grant lists", container: agent(add: ["NET_ADMIN", "SYS_PTRACE"]),
             violations: [.capabilityNotAllowed(sysPtrace, written: "SYS_PTRACE")], uses: [.capability(netAdmin)]),
        Case(label: "the allowlist needs no grant", container: agent(add: ["CHOWN", "cap_net_admin"]), violations: [], uses: [.capability(netAdmin)]),
        Case(label: "ALL is never granted", container: agent(add: ["ALL"]), violations: [.addsAll("ALL")], uses: []),
        Case(label: "privileged without allowPrivileged", container: agent(privileged: true), violations: [.privileged], uses: [.capability(netAdmin)]),
        Case(label: "privileged with allowPrivileged",
             container: agent(privileged: true),
             grants: [Grant(name: "node-agent", namespaces: ["kube-networking"], allowedCapabilities: [netAdmin], allowPrivileged: true)],
             violations: [], uses: [.privileged, .capability(netAdmin)]),
        Case(label: "drop ALL stays required", container: container("cilium-agent", add: ["NET_ADMIN"], drop: ["NET_RAW"], image: "quay.io/cilium/cilium:v1.16.1"),
             violations: [.mustDropAll(.individualCapabilities(["NET_RAW"]))], uses: [.capability(netAdmin)]),
        Case(label: "several grants: the union",
             container: agent(add: ["NET_ADMIN", "SYS_PTRACE"]),
             grants: [cilium, Grant(name: "debugging", namespaces: ["kube-networking"], allowedCapabilities: [sysPtrace, netAdmin])],
             violations: [], uses: [.capability(netAdmin), .capability(sysPtrace)]),
        Case(label: "selectors left out match anything",
             namespace: "any", serviceAccount: nil, container: agent(name: "x"),
             grants: [Grant(name: "by-image", images: [pattern("quay.io/cilium/cilium:*")], allowedCapabilities: [netAdmin])],
             violations: [], uses: [.capability(netAdmin)]),
    ]

    @Test(arguments: cases)
    func grantTable(_ test: Case) {
        let spec = PodSpec(containers: [test.container], serviceAccountName: test.serviceAccount)
        let (evaluation, _, _) = PolicySet(grants: test.grants).evaluate(spec, namespace: test.namespace)
        #expect(rules(evaluation) == test.violations)
        #expect(evaluation.grantUses.map(\.permission) == test.uses)
    }

    @Test func severalGrantsReportTheFirstThatAllows() {
        let debugging = Grant(name: "debugging", namespaces: ["kube-networking"], allowedCapabilities: [Self.sysPtrace, Self.netAdmin])
        let spec = PodSpec(containers: [Self.agent(add: ["NET_ADMIN", "SYS_PTRACE"])], serviceAccountName: "cilium")
        let (evaluation, _, _) = PolicySet(grants: [Self.cilium, debugging]).evaluate(spec, namespace: "kube-networking")
        #expect(evaluation.grantUses.map(\.grant) == ["cilium-agent", "debugging"])
        #expect(evaluation.grantsUsed == ["cilium-agent", "debugging"])
        #expect(evaluation.grantUses.map(\.field.description) == ["securityContext.capabilities.add[0]", "securityContext.capabilities.add[1]"])
    }

    @Test func aGrantedCapabilityStaysWithTheContainerItSelects() {
        let spec = PodSpec(
            containers: [Self.agent(), Self.agent(name: "sidecar")], initContainers: [Self.agent(name: "cilium-agent")],
            serviceAccountName: "cilium"
        )
        let (evaluation, _, _) = PolicySet(grants: [Self.cilium]).evaluate(spec, namespace: "kube-networking")
        #expect(evaluation.violations.map(\.container.name) == ["sidecar"])
        #expect(evaluation.grantUses.map(\.container.list) == [.containers, .initContainers])
    }

    @Test func ephemeralContainersAreContainers() {
        let debug = Grant(name: "debug", namespaces: ["kube-networking"], containers: ["debugger"], allowedCapabilities: [Self.sysPtrace])
        let spec = PodSpec(ephemeralContainers: [container("debugger", add: ["SYS_PTRACE"], drop: ["ALL"])])
        let (evaluation, _, _) = PolicySet(grants: [debug]).evaluate(spec, namespace: "kube-networking")
        #expect(evaluation.isCompliant)
        #expect(evaluation.grantUses.map(\.container.list) == [.ephemeralContainers])
    }

    @Test func grantsAddToANamespaceOverride() {
        let set = PolicySet(
            namespaceOverrides: ["kube-networking": Policy(allowedCapabilities: [Self.sysPtrace])], grants: [Self.cilium]
        )
        let spec = PodSpec(containers: [Self.agent(add: ["SYS_PTRACE", "NET_ADMIN", "CHOWN"])], serviceAccountName: "cilium")
        let (evaluation, _, _) = set.evaluate(spec, namespace: "kube-networking")
        #expect(rules(evaluation) == [.capabilityNotAllowed(LinuxCapability.named("CHOWN")!, written: "CHOWN")])
        #expect(evaluation.grantUses.map(\.permission) == [.capability(Self.netAdmin)])
    }

    @Test("the deprecated serviceAccount field counts when serviceAccountName is empty", arguments: [
        (nil, nil, "default"), ("", nil, "default"), ("", "cilium", "cilium"), (nil, "cilium", "cilium"), ("a", "b", "a"),
    ] as [(String?, String?, String)])
    func serviceAccount(name: String?, deprecated: String?, effective: String) {
        #expect(PodSpec(serviceAccountName: name, deprecatedServiceAccount: deprecated).effectiveServiceAccountName == effective)
    }

    @Test func grantsApplyToTheOldObjectOfAnUpdate() {
        let spec = PodSpec(containers: [Self.agent(add: ["NET_ADMIN", "SYS_PTRACE"])], serviceAccountName: "cilium")
        let set = PolicySet(grants: [Self.cilium])
        let previous = set.previousViolations(spec, namespace: "kube-networking")
        let (evaluation, _, _) = set.evaluate(spec, namespace: "kube-networking", existing: previous)
        #expect(evaluation.violations.isEmpty)
        #expect(evaluation.existingViolations.map(\.rule) == [.capabilityNotAllowed(Self.sysPtrace, written: "SYS_PTRACE")])
        #expect(evaluation.grantUses.count == 1)
    }

    @Test func grantUsesAreBounded() {
        let spec = PodSpec(containers: [Self.agent(add: Array(repeating: "NET_ADMIN", count: 100))], serviceAccountName: "cilium")
        let (evaluation, _, _) = PolicySet(grants: [Self.cilium]).evaluate(spec, namespace: "kube-networking")
        #expect(evaluation.grantUses.count == FindingLimits.default.perContainer)
        #expect(evaluation.grantUses.totalCount == 100)
        #expect(evaluation.grantsUsed == ["cilium-agent"])
    }

    @Test func formatterSaysWhichGrantAllowedWhat() {
        let formatter = ViolationFormatter(
            object: ObjectReference(kind: "DaemonSet", namespace: "kube-networking", name: "cilium"),
            podSpecPath: ["spec", "template", "spec"], policy: .default
        )
        let reference = ContainerReference(list: .containers, index: 0, name: "cilium-agent")
        let capability = GrantUse(grant: "cilium-agent", container: reference, permission: .capability(Self.netAdmin),
                                  field: ["securityContext", "capabilities", "add", 0])
        let privileged = GrantUse(grant: "node\u{202e}agent", container: reference, permission: .privileged, field: ["securityContext", "privileged"])
        #expect(formatter.message(for: capability)
            == "DaemonSet kube-networking/cilium: container \"cilium-agent\" (spec.template.spec.containers[0]) adds NET_ADMIN, allowed by grant cilium-agent")
        #expect(formatter.warning(for: capability)
            == "spec.template.spec.containers[0].securityContext.capabilities.add[0]: NET_ADMIN allowed by grant cilium-agent")
        #expect(formatter.warning(for: privileged)
            == "spec.template.spec.containers[0].securityContext.privileged: true allowed by grant node\\u{202e}agent")
        #expect(formatter.message(for: privileged).hasSuffix("is privileged, allowed by grant node\\u{202e}agent"))
    }
}
