import Testing
import CapGuardPolicy

@Suite("Messages and warnings")
struct ViolationFormatterTests {
    let formatter = ViolationFormatter(
        object: ObjectReference(kind: "Deployment", namespace: "default", name: "web"),
        podSpecPath: ["spec", "template", "spec"],
        policy: .default
    )

    func violations(_ spec: PodSpec) -> [Violation] { Array(Policy.default.evaluate(spec).violations) }

    @Test func missingDropSaysWhatToAdd() throws {
        let violation = try #require(violations(PodSpec(containers: [container("nginx", securityContext: false)])).first)
        #expect(formatter.message(for: violation) ==
            #"Deployment default/web: container "nginx" (spec.template.spec.containers[0]) must drop ALL capabilities: add securityContext.capabilities.drop: ["ALL"]"#)
        #expect(formatter.warning(for: violation) == "spec.template.spec.containers[0].securityContext.capabilities.drop: must include ALL")
    }

    @Test func refusedCapabilityNamesTheAllowlistAndWhatItGrants() throws {
        let violation = try #require(violations(PodSpec(containers: [container("nginx", add: ["SYS_ADMIN"], drop: ["ALL"])])).first)
        let message = formatter.message(for: violation)
        #expect(message.hasPrefix(#"Deployment default/web: container "nginx" (spec.template.spec.containers[0]) adds SYS_ADMIN, which is not allowed (allowed: NET_BIND_SERVICE, CHOWN, SETUID, SETGID)"#))
        #expect(message.contains("close to full root"))
        #expect(formatter.warning(for: violation) == "spec.template.spec.containers[0].securityContext.capabilities.add[0]: SYS_ADMIN (near-root admin) is not allowed")
    }

    @Test func otherSpellingsAreShownAsWritten() throws {
        let violation = try #require(violations(PodSpec(containers: [container(add: ["cap_net_admin"], drop: ["ALL"])])).first)
        #expect(formatter.message(for: violation).contains(#"adds "cap_net_admin" (NET_ADMIN), which is not allowed"#))
    }

    @Test func capAllInDropSaysToWriteALL() throws {
        let violation = try #require(violations(PodSpec(containers: [container(drop: ["CAP_ALL"])])).first)
        #expect(formatter.message(for: violation).contains(#"drops "CAP_ALL", which no container runtime reads as ALL: write securityContext.capabilities.drop: ["ALL"]"#))
    }

    @Test func unknownCapabilitySuggestsTheNearestName() throws {
        let violation = try #require(violations(PodSpec(containers: [container(add: ["SYS_ADMINN"], drop: ["ALL"])])).first)
        #expect(formatter.message(for: violation).contains(#"adds "SYS_ADMINN", which is not a known Linux capability (did you mean SYS_ADMIN?)"#))
    }

    @Test func ephemeralContainersPointAtKubectlDebugRestricted() throws {
        let violation = try #require(violations(PodSpec(ephemeralContainers: [container("debugger-x", securityContext: false)])).first)
        let pod = ViolationFormatter(object: ObjectReference(kind: "Pod", namespace: "ns", name: "good"), podSpecPath: ["spec"], policy: .default)
        let message = pod.message(for: violation)
        #expect(message.hasPrefix(#"Pod ns/good: ephemeral container "debugger-x" (spec.ephemeralContainers[0]) must drop ALL"#))
        #expect(message.contains("kubectl debug: use --profile=restricted"))
    }

    @Test func emptyAllowlistIsNamedAsSuch() throws {
        let policy = Policy(allowedCapabilities: [])
        let violation = try #require(policy.evaluate(PodSpec(containers: [container(add: ["CHOWN"], drop: ["ALL"])])).violations.first)
        let strict = ViolationFormatter(object: formatter.object, podSpecPath: ["spec"], policy: policy)
        #expect(strict.message(for: violation).contains("(no capability may be added)"))
    }

    @Test func everyWarningIsOneShortLineEvenForHostileNames() {
        let hostile = "evil\nWarning: injected\r\u{7}"
        let spec = PodSpec(containers: [
            container(hostile, add: [hostile, "ALL", "SYS_ADMIN"], drop: [hostile], privileged: true),
            container("b", drop: ["CAP_ALL"]),
        ])
        let evaluation = Policy.default.evaluate(spec)
        #expect(evaluation.violations.count == 6)
        for violation in evaluation.violations {
            let warning = formatter.warning(for: violation)
            let message = formatter.message(for: violation)
            #expect(!warning.contains(where: { $0.isNewline }) && !message.contains(where: { $0.isNewline }))
            #expect(!warning.unicodeScalars.contains { $0.value < 0x20 })
        }
        let pod = ViolationFormatter(object: ObjectReference(kind: "Pod", namespace: "default", name: "p"), podSpecPath: ["spec"], policy: .default)
        for violation in Policy.default.evaluate(PodSpec(containers: [container(add: ["SYS_ADMIN", "ALL"], drop: ["NET_RAW"], privileged: true)])).violations {
            #expect(pod.warning(for: violation).count < 120, "\(pod.warning(for: violation))")
        }
    }

    @Test func advisoryForLowerCaseAll() throws {
        let advisory = try #require(Policy.default.evaluate(PodSpec(containers: [container(drop: ["all"])])).advisories.first)
        #expect(formatter.warning(for: advisory) == #"spec.template.spec.containers[0].securityContext.capabilities.drop: write "ALL", not "all" (Pod Security restricted requires it)"#)
        #expect(formatter.message(for: advisory).contains("Pod Security Admission's restricted profile requires exactly \"ALL\""))
    }

    @Test func objectsWithoutNamespaceOrName() {
        #expect(ObjectReference(kind: "Pod", name: "x").description == "Pod x")
        #expect(ObjectReference(kind: "Pod", namespace: "ns", name: "").description == "Pod ns/(unnamed)")
    }
}
