/// Rule 1: `securityContext.capabilities.drop` must contain `ALL`.
enum DropAllCheck: ContainerCheck {
    static func check(
        _ container: Container, at reference: ContainerReference, policy: Policy, grants: ContainerGrants, into sink: inout some FindingSink
    ) {
        guard let securityContext = container.securityContext else {
            return fail(.noSecurityContext, reference, &sink)
        }
        guard let capabilities = securityContext.capabilities else {
            return fail(.noCapabilities, reference, &sink)
        }
        var otherCaseSpelling: String?
        var capPrefixed: String?
        for entry in capabilities.drop {
            switch CapabilityName.dropped(entry) {
            case .all: return
            case .allOtherCase(let spelling): otherCaseSpelling = otherCaseSpelling ?? spelling
            case .capPrefixedAll(let spelling): capPrefixed = capPrefixed ?? spelling
            case .other: continue
            }
        }
        if let spelling = otherCaseSpelling {
            sink.report(Advisory(container: reference, kind: .dropAllSpelling(spelling), field: CapabilityField.drop))
            return
        }
        if let spelling = capPrefixed {
            return fail(.capPrefixedAll(spelling), reference, &sink)
        }
        fail(capabilities.drop.isEmpty ? .emptyDropList : .individualCapabilities(capabilities.drop), reference, &sink)
    }

    private static func fail(_ problem: Violation.DropProblem, _ reference: ContainerReference, _ sink: inout some FindingSink) {
        sink.report(Violation(container: reference, rule: .mustDropAll(problem), field: CapabilityField.drop))
    }
}
