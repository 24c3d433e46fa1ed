import Testing
import CapGuardPolicy

@Suite("The remedy: the smallest safe change")
struct RemedyTests {
    struct Case: CustomTestStringConvertible, Sendable {
        let label: String
        let container: Container
        let changes: [Remedy.Change]
        let undecided: [Violation.Rule]
        var testDescription: String { label }
    }

    static let chown = LinuxCapability.named("CHOWN")!
    static let sysAdmin = LinuxCapability.named("SYS_ADMIN")!

    static let cases: [Case] = [
        Case(label: "compliant", container: container(add: ["CHOWN"], drop: ["ALL"]), changes: [], undecided: []),
        Case(label: "ALL among individual drops", container: container(drop: ["NET_RAW", "ALL"]), changes: [], undecided: []),
        Case(label: "no securityContext", container: container(securityContext: false),
             changes: [.dropAll(creating: .securityContext)], undecided: []),
        Case(label: "no capabilities", container: container(), changes: [.dropAll(creating: .capabilities)], undecided: []),
        Case(label: "empty drop list", container: container(add: [], drop: []), changes: [.dropAll(creating: .none)], undecided: []),
        Case(label: "individual drops", container: container(drop: ["NET_RAW", "MKNOD"]),
             changes: [.dropAll(creating: .none)], undecided: []),
        Case(label: "CAP_ALL", container: container(drop: ["CAP_ALL"]), changes: [.dropAll(creating: .none)], undecided: []),
        Case(label: "all in lower case", container: container(drop: ["all"]), changes: [.dropAll(creating: .none)], undecided: []),
        Case(label: "All", container: container(drop: ["All"]), changes: [.dropAll(creating: .none)], undecided: []),
        Case(label: "cap_chown and CAP_CHOWN", container: container(add: ["cap_chown", "CHOWN", "CAP_CHOWN"], drop: ["ALL"]),
             changes: [.renameAdded(index: 0, written: "cap_chown", capability: chown),
                       .renameAdded(index: 2, written: "CAP_CHOWN", capability: chown)],
             undecided: []),
        Case(label: "beyond the allowlist stays, in any spelling", container: container(add: ["cap_sys_admin"]),
             changes: [.dropAll(creating: .none)],
             undecided: [.capabilityNotAllowed(sysAdmin, written: "cap_sys_admin")]),
        Case(label: "unknown name stays", container: container(add: ["SYS_ADMINN"], drop: ["ALL"]),
             changes: [], undecided: [.unknownCapability("SYS_ADMINN")]),
        Case(label: "ALL in add stays", container: container(add: ["all"], drop: ["ALL"]), changes: [], undecided: [.addsAll("all")]),
        Case(label: "privileged stays, drop ALL is still set", container: container(privileged: true),
             changes: [.dropAll(creating: .capabilities)], undecided: [.privileged]),
    ]

    @Test(arguments: cases)
    func remedy(_ testCase: Case) {
        let remedy = Policy.default.remedy(for: PodSpec(containers: [testCase.container]))
        #expect(remedy.changes.map(\.change) == testCase.changes)
        #expect(remedy.undecided.map(\.rule) == testCase.undecided)
    }

    /// Applying the changes to the container's values gives a container the policy passes, unless something
    /// needs a decision.
    @Test(arguments: cases)
    func applyingTheChangesLeavesOnlyTheUndecided(_ testCase: Case) {
        var fixed = testCase.container
        for remedy in Policy.default.remedy(for: PodSpec(containers: [fixed])).changes {
            var securityContext = fixed.securityContext ?? SecurityContext()
            var capabilities = securityContext.capabilities ?? Capabilities()
            switch remedy.change {
            case .dropAll: capabilities.drop = ["ALL"]
            case .renameAdded(let index, _, let capability): capabilities.add[index] = capability.name
            }
            securityContext.capabilities = capabilities
            fixed.securityContext = securityContext
        }
        let evaluation = Policy.default.evaluate(PodSpec(containers: [fixed]))
        #expect(evaluation.violations.map(\.rule) == testCase.undecided)
        #expect(evaluation.advisories.isEmpty)
        #expect(Policy.default.remedy(for: PodSpec(containers: [fixed])).changes.isEmpty)
    }

    @Test func fieldsArePathsBelowTheContainer() {
        let reference = ContainerReference(list: .initContainers, index: 1, name: "init")
        let spec: FieldPath = ["spec", "template", "spec"]
        let cases: [(Remedy.Change, String, String)] = [
            (.dropAll(creating: .securityContext), "spec.template.spec.initContainers[1].securityContext",
             "/spec/template/spec/initContainers/1/securityContext"),
            (.dropAll(creating: .capabilities), "spec.template.spec.initContainers[1].securityContext.capabilities",
             "/spec/template/spec/initContainers/1/securityContext/capabilities"),
            (.dropAll(creating: .none), "spec.template.spec.initContainers[1].securityContext.capabilities.drop",
             "/spec/template/spec/initContainers/1/securityContext/capabilities/drop"),
            (.renameAdded(index: 2, written: "cap_chown", capability: Self.chown),
             "spec.template.spec.initContainers[1].securityContext.capabilities.add[2]",
             "/spec/template/spec/initContainers/1/securityContext/capabilities/add/2"),
        ]
        for (change, dotted, pointer) in cases {
            let path = reference.path(below: spec, field: Remedy(container: reference, change: change).field)
            #expect(path.description == dotted)
            #expect(path.jsonPointer == pointer)
        }
    }

    @Test func everyListWindowsPodsAndExemptImages() {
        let spec = PodSpec(containers: [container("a", securityContext: false)],
                           initContainers: [container("b", securityContext: false, image: "registry.k8s.io/pause:3")],
                           ephemeralContainers: [container("c", securityContext: false)])
        let policies = PolicySet(exemptions: Exemptions(images: ["registry.k8s.io/*"]))
        let remedy = policies.remedy(for: spec, namespace: nil)
        #expect(remedy.changes.map(\.container.name) == ["a", "c"])
        #expect(remedy.changes.map(\.container.list) == [.containers, .ephemeralContainers])

        var windows = spec
        windows.osName = "Windows"
        let skipped = policies.remedy(for: windows, namespace: nil)
        #expect(skipped.skipped == .windowsPod)
        #expect(skipped.changes.isEmpty)
    }

    @Test func namespaceOverridesDecideWhichSpellingsAreRenamed() {
        var legacy = Policy.default
        legacy.setAllowedCapabilities([LinuxCapability.named("NET_RAW")!])
        let policies = PolicySet(namespaceOverrides: ["legacy": legacy])
        let spec = PodSpec(containers: [container(add: ["cap_net_raw"], drop: ["ALL"])])
        #expect(policies.remedy(for: spec, namespace: "legacy").changes.count == 1)
        #expect(policies.remedy(for: spec, namespace: "other").changes.isEmpty)
        #expect(policies.remedy(for: spec, namespace: "other").undecided.count == 1)
    }

    @Test func whatAGrantAllowsNeedsNoDecisionAndItsSpellingIsFixed() {
        let netAdmin = LinuxCapability.named("NET_ADMIN")!
        let grant = Grant(name: "node-agent", namespaces: ["kube-networking"], containers: ["agent"], allowedCapabilities: [netAdmin])
        let policies = PolicySet(grants: [grant])
        let spec = PodSpec(containers: [
            container("agent", add: ["cap_net_admin"], drop: ["ALL"]),
            container("sidecar", add: ["cap_net_admin"], drop: ["ALL"]),
        ])
        let granted = policies.remedy(for: spec, namespace: "kube-networking")
        #expect(granted.changes.map(\.container.name) == ["agent"])
        #expect(granted.undecided.map(\.container.name) == ["sidecar"])
        let elsewhere = policies.remedy(for: spec, namespace: "default")
        #expect(elsewhere.changes.isEmpty)
        #expect(elsewhere.undecided.map(\.container.name) == ["agent", "sidecar"])
    }
}
