import Testing
import CapGuardPolicy

func container(
    _ name: String = "app",
    add: [String]? = nil,
    drop: [String]? = nil,
    privileged: Bool? = nil,
    securityContext: Bool = true,
    image: String? = nil
) -> Container {
    guard securityContext else { return Container(name: name, image: image) }
    let capabilities = (add == nil && drop == nil) ? nil : Capabilities(add: add ?? [], drop: drop ?? [])
    return Container(name: name, image: image, securityContext: SecurityContext(privileged: privileged, capabilities: capabilities))
}

func rules(_ evaluation: Evaluation) -> [Violation.Rule] { evaluation.violations.map(\.rule) }

@Suite("The capability policy")
struct PolicyEvaluationTests {
    struct Case: CustomTestStringConvertible, Sendable {
        let label: String
        let container: Container
        let expected: [Violation.Rule]
        var testDescription: String { label }
    }

    static let sysAdmin = LinuxCapability.named("SYS_ADMIN")!

    static let cases: [Case] = [
        Case(label: "drops ALL", container: container(drop: ["ALL"]), expected: []),
        Case(label: "drops ALL, adds allowlisted", container: container(add: ["NET_BIND_SERVICE", "CHOWN", "SETUID", "SETGID"], drop: ["ALL"]), expected: []),
        Case(label: "adds cap_chown", container: container(add: ["cap_chown"], drop: ["ALL"]), expected: []),
        Case(label: "adds CAP_CHOWN", container: container(add: ["CAP_CHOWN"], drop: ["ALL"]), expected: []),
        Case(label: "drop all in lower case passes", container: container(drop: ["all"]), expected: []),
        Case(label: "no securityContext", container: container(securityContext: false), expected: [.mustDropAll(.noSecurityContext)]),
        Case(label: "securityContext without capabilities", container: container(), expected: [.mustDropAll(.noCapabilities)]),
        Case(label: "empty drop list", container: container(add: [], drop: []), expected: [.mustDropAll(.emptyDropList)]),
        Case(label: "drops individual capabilities", container: container(drop: ["NET_RAW", "MKNOD"]),
             expected: [.mustDropAll(.individualCapabilities(["NET_RAW", "MKNOD"]))]),
        Case(label: "drops CAP_ALL", container: container(drop: ["CAP_ALL"]), expected: [.mustDropAll(.capPrefixedAll("CAP_ALL"))]),
        Case(label: "drops cap_all", container: container(drop: ["cap_all"]), expected: [.mustDropAll(.capPrefixedAll("cap_all"))]),
        Case(label: "drops ' ALL'", container: container(drop: [" ALL"]), expected: [.mustDropAll(.individualCapabilities([" ALL"]))]),
        Case(label: "adds SYS_ADMIN", container: container(add: ["SYS_ADMIN"], drop: ["ALL"]),
             expected: [.capabilityNotAllowed(sysAdmin, written: "SYS_ADMIN")]),
        Case(label: "adds CAP_SYS_ADMIN", container: container(add: ["CAP_SYS_ADMIN"], drop: ["ALL"]),
             expected: [.capabilityNotAllowed(sysAdmin, written: "CAP_SYS_ADMIN")]),
        Case(label: "adds cap_sys_admin", container: container(add: ["cap_sys_admin"], drop: ["ALL"]),
             expected: [.capabilityNotAllowed(sysAdmin, written: "cap_sys_admin")]),
        Case(label: "adds ALL", container: container(add: ["ALL"], drop: ["ALL"]), expected: [.addsAll("ALL")]),
        Case(label: "adds all", container: container(add: ["all"], drop: ["ALL"]), expected: [.addsAll("all")]),
        Case(label: "adds CAP_ALL", container: container(add: ["CAP_ALL"], drop: ["ALL"]), expected: [.addsAll("CAP_ALL")]),
        Case(label: "adds an unknown name", container: container(add: ["SYS_ADMINN"], drop: ["ALL"]), expected: [.unknownCapability("SYS_ADMINN")]),
        Case(label: "adds a padded name", container: container(add: [" CHOWN"], drop: ["ALL"]), expected: [.unknownCapability(" CHOWN")]),
        Case(label: "adds an empty name", container: container(add: [""], drop: ["ALL"]), expected: [.unknownCapability("")]),
        Case(label: "privileged", container: container(drop: ["ALL"], privileged: true), expected: [.privileged]),
        Case(label: "privileged: false", container: container(drop: ["ALL"], privileged: false), expected: []),
        Case(label: "every rule at once", container: container(add: ["SYS_ADMIN", "ALL", "NOPE", "CHOWN"], drop: ["NET_RAW"], privileged: true),
             expected: [.privileged, .mustDropAll(.individualCapabilities(["NET_RAW"])), .capabilityNotAllowed(sysAdmin, written: "SYS_ADMIN"),
                        .addsAll("ALL"), .unknownCapability("NOPE")]),
    ]

    @Test("rules under the default policy", arguments: cases)
    func defaultPolicy(_ testCase: Case) {
        let evaluation = Policy.default.evaluate(PodSpec(containers: [testCase.container]))
        #expect(rules(evaluation) == testCase.expected)
        #expect(evaluation.isCompliant == testCase.expected.isEmpty)
    }

    @Test func lowerCaseAllIsAnAdvisory() {
        let evaluation = Policy.default.evaluate(PodSpec(containers: [container(drop: ["all"])]))
        #expect(evaluation.advisories.map(\.kind) == [.dropAllSpelling("all")])
        let exact = Policy.default.evaluate(PodSpec(containers: [container(drop: ["all", "ALL"])]))
        #expect(exact.advisories.isEmpty)
    }

    @Test func capAllBesideLowerCaseAllStillDropsAll() {
        let evaluation = Policy.default.evaluate(PodSpec(containers: [container(drop: ["CAP_ALL", "all"])]))
        #expect(evaluation.violations.isEmpty)
        #expect(evaluation.advisories.count == 1)
    }

    @Test func fieldPathsNameTheAddEntry() {
        let evaluation = Policy.default.evaluate(PodSpec(containers: [container(add: ["CHOWN", "NET_ADMIN"], drop: ["ALL"])]))
        #expect(evaluation.violations.map(\.field.description) == ["securityContext.capabilities.add[1]"])
        #expect(evaluation.violations.first?.container == ContainerReference(list: .containers, index: 0, name: "app"))
    }

    @Test func everyContainerListIsChecked() {
        let spec = PodSpec(
            containers: [container("ok", drop: ["ALL"]), container("main", securityContext: false)],
            initContainers: [container("init", add: ["NET_RAW"], drop: ["ALL"])],
            ephemeralContainers: [container("debugger", securityContext: false)]
        )
        let evaluation = Policy.default.evaluate(spec)
        #expect(evaluation.violations.map(\.container.path.description) == ["containers[1]", "initContainers[0]", "ephemeralContainers[0]"])
        #expect(evaluation.violations.map(\.container.name) == ["main", "init", "debugger"])
    }

    @Test func customAllowlist() {
        let policy = Policy(allowedCapabilities: [LinuxCapability.named("NET_RAW")!])
        let evaluation = policy.evaluate(PodSpec(containers: [container(add: ["NET_RAW", "CHOWN"], drop: ["ALL"])]))
        #expect(rules(evaluation) == [.capabilityNotAllowed(LinuxCapability.named("CHOWN")!, written: "CHOWN")])
    }

    @Test func emptyAllowlistRefusesEveryAdd() {
        let policy = Policy(allowedCapabilities: [])
        let evaluation = policy.evaluate(PodSpec(containers: [container(add: ["NET_BIND_SERVICE"], drop: ["ALL"])]))
        #expect(evaluation.violations.count == 1)
    }

    @Test func privilegedAllowedWhenThePolicySaysSo() {
        let policy = Policy(denyPrivileged: false)
        #expect(policy.evaluate(PodSpec(containers: [container(drop: ["ALL"], privileged: true)])).isCompliant)
    }

    @Test("Windows pods are skipped", arguments: ["windows", "Windows"])
    func windowsPodsAreSkipped(os: String) {
        let evaluation = Policy.default.evaluate(PodSpec(containers: [container(securityContext: false)], osName: os))
        #expect(evaluation.skipped == .windowsPod)
        #expect(evaluation.isCompliant)
    }

    @Test func linuxPodsAreChecked() {
        let evaluation = Policy.default.evaluate(PodSpec(containers: [container(securityContext: false)], osName: "linux"))
        #expect(evaluation.skipped == nil)
        #expect(!evaluation.isCompliant)
    }

    @Test func aPodWithNoContainersComplies() {
        #expect(Policy.default.evaluate(PodSpec()).isCompliant)
    }

    @Test func exemptContainersAreLeftOut() {
        let spec = PodSpec(containers: [container("proxy", securityContext: false, image: "registry.k8s.io/kube-proxy:v1.31"),
                                        container("app", securityContext: false, image: "nginx")])
        let evaluation = Policy.default.evaluate(spec) { $0.image?.hasPrefix("registry.k8s.io/") == true }
        #expect(evaluation.violations.map(\.container.name) == ["app"])
    }

    @Test func duplicateAllowlistEntriesCollapse() {
        let chown = LinuxCapability.named("CHOWN")!
        #expect(Policy(allowedCapabilities: [chown, chown]).allowedCapabilities == [chown])
    }
}

@Suite("UPDATE: which violations are new")
struct ViolationIdentityTests {
    /// The violations of `new` that `old` did not have, as an UPDATE sorts them.
    func newViolations(_ old: PodSpec, _ new: PodSpec) -> [Violation] {
        Array(Policy.default.evaluate(new, existing: Policy.default.previousViolations(old)).violations)
    }

    @Test func sameViolationAtAnotherIndexIsNotNew() {
        let old = PodSpec(containers: [container("a", add: ["SYS_ADMIN"], drop: ["ALL"])])
        let new = PodSpec(containers: [container("b", drop: ["ALL"]), container("a", add: ["CHOWN", "SYS_ADMIN"], drop: ["ALL"])])
        #expect(newViolations(old, new).isEmpty)
        #expect(Policy.default.evaluate(new, existing: Policy.default.previousViolations(old)).existingViolations.count == 1)
    }

    @Test func anotherCapabilityIsNew() {
        let old = PodSpec(containers: [container("a", add: ["SYS_ADMIN"], drop: ["ALL"])])
        let new = PodSpec(containers: [container("a", add: ["SYS_ADMIN", "NET_ADMIN"], drop: ["ALL"])])
        #expect(newViolations(old, new).map(\.field.description) == ["securityContext.capabilities.add[1]"])
    }

    @Test func spellingOfTheSameCapabilityIsNotNew() {
        let old = PodSpec(containers: [container("a", add: ["SYS_ADMIN"], drop: ["ALL"])])
        let new = PodSpec(containers: [container("a", add: ["cap_sys_admin"], drop: ["ALL"])])
        #expect(newViolations(old, new).isEmpty)
    }

    @Test func sameNameInAnotherListIsNew() {
        let old = PodSpec(containers: [container("a", securityContext: false)])
        let new = PodSpec(containers: [container("a", securityContext: false)], ephemeralContainers: [container("a", securityContext: false)])
        #expect(newViolations(old, new).map(\.container.list) == [.ephemeralContainers])
    }

    @Test func everythingIsNewAgainstAnEmptyOldObject() {
        #expect(newViolations(PodSpec(), PodSpec(containers: [container(securityContext: false)])).count == 1)
    }

    @Test func everyRuleIsOldOnlyForTheSameContainerRuleAndName() {
        let old = PodSpec(containers: [container("a", add: ["SYS_ADMIN", "all", "JUNK"], drop: ["NET_RAW"], privileged: true)])
        // Same container, same rules, other spellings and positions, another drop problem: nothing new.
        let same = PodSpec(containers: [container("a", add: ["JUNK", "ALL", "cap_sys_admin"], privileged: true)])
        #expect(newViolations(old, same).isEmpty)
        // Each of these differs in one part: container name, list, capability, unknown name.
        #expect(newViolations(old, PodSpec(containers: [container("b", add: ["SYS_ADMIN"], drop: ["ALL"])])).count == 1)
        #expect(newViolations(old, PodSpec(initContainers: [container("a", add: ["SYS_ADMIN"], drop: ["ALL"])])).count == 1)
        #expect(newViolations(old, PodSpec(containers: [container("a", add: ["NET_ADMIN"], drop: ["ALL"])])).count == 1)
        #expect(newViolations(old, PodSpec(containers: [container("a", add: ["JUNK2", "junk"], drop: ["ALL"])])).count == 2)
        #expect(newViolations(PodSpec(containers: [container("a", drop: ["ALL"])]),
                              PodSpec(containers: [container("a", drop: ["ALL"], privileged: true)])).count == 1)
    }

    @Test func oldViolationsPastTheLimitsStillCountAsOld() {
        // The old object's violations are complete, not capped: an update of an object with thousands of
        // old violations is not denied for the ones a capped list would have left out.
        let names = (0..<5000).map { "JUNK_\($0)" }
        let spec = PodSpec(containers: [container("a", add: names, drop: ["ALL"])])
        let evaluation = Policy.default.evaluate(spec, existing: Policy.default.previousViolations(spec))
        #expect(evaluation.violations.totalCount == 0)
        #expect(evaluation.existingViolations.totalCount == 5000)
        #expect(evaluation.existingViolations.count == FindingLimits.default.perContainer)
    }
}
