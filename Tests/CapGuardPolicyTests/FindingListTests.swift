import CapGuardPolicy
import Testing

@Suite("What one pod spec can produce is bounded")
struct FindingListTests {
    let junk = (0..<75_000).map { "JUNK_\($0)" }

    @Test func seventyFiveThousandNamesKeepTheFirstAndCountTheRest() {
        let evaluation = Policy.default.evaluate(PodSpec(containers: [container(add: junk, drop: ["ALL"])]))
        #expect(evaluation.violations.totalCount == 75_000)
        #expect(evaluation.violations.count == FindingLimits.default.perContainer)
        #expect(evaluation.violations.omittedCount == 75_000 - FindingLimits.default.perContainer)
        #expect(evaluation.violations.map(\.field.description).first == "securityContext.capabilities.add[0]")
        #expect(!evaluation.isCompliant)
    }

    @Test func oneContainersJunkDoesNotHideTheOthers() {
        let spec = PodSpec(containers: [container("junk", add: junk, drop: ["ALL"]), container("priv", drop: ["ALL"], privileged: true)],
                           initContainers: [container("init", securityContext: false)])
        let evaluation = Policy.default.evaluate(spec)
        #expect(Set(evaluation.violations.map(\.container.name)) == ["junk", "priv", "init"])
        #expect(evaluation.violations.totalCount == 75_002)
    }

    @Test func theTotalIsCappedAcrossContainers() {
        let spec = PodSpec(containers: (0..<100).map { container("c\($0)", add: ["SYS_ADMIN", "NET_ADMIN"], drop: ["ALL"]) })
        let evaluation = Policy.default.evaluate(spec)
        #expect(evaluation.violations.count == FindingLimits.default.total)
        #expect(evaluation.violations.totalCount == 200)
        // Advisories, one per container at most, are bounded the same way.
        let advisories = Policy.default.evaluate(PodSpec(containers: (0..<1000).map { container("c\($0)", drop: ["all"]) })).advisories
        #expect(advisories.count == FindingLimits.default.total)
        #expect(advisories.totalCount == 1000)
    }

    @Test func limitsAreData() {
        var list = FindingList<Violation>(limits: FindingLimits(perContainer: 2, total: 3))
        for index in 0..<3 {
            for field in ["a", "b", "c"] {
                list.append(Violation(container: ContainerReference(list: .containers, index: index, name: "c\(index)"), rule: .privileged, field: [.key(field)]))
            }
        }
        #expect(list.map { "\($0.container.index)\($0.field)" } == ["0a", "0b", "1a"])
        #expect(list.totalCount == 9)
        #expect(list.omittedCount == 6)
        #expect(FindingLimits(perContainer: 0, total: -1) == FindingLimits(perContainer: 1, total: 1))
    }

    @Test func aLongDropListIsQuotedOnlyInPart() throws {
        let violation = try #require(Policy.default.evaluate(PodSpec(containers: [container(drop: junk)])).violations.first)
        let formatter = ViolationFormatter(object: ObjectReference(kind: "Pod", name: "p"), podSpecPath: ["spec"], policy: .default)
        let message = formatter.message(for: violation)
        #expect(message.contains(#"drops only "JUNK_0", "JUNK_1", "#))
        #expect(message.contains(#""JUNK_9" and 74990 more, not ALL"#))
        #expect(message.count < 400)
    }

    @Test func theOmittedLineSaysHowMany() {
        #expect(ViolationFormatter.moreViolations(1) == "and 1 more violation")
        #expect(ViolationFormatter.moreViolations(74_950) == "and 74950 more violations")
        #expect(ViolationFormatter.moreWarnings(2) == "and 2 more warnings")
    }
}
