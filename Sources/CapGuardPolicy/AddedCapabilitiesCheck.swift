/// Rule 2: every entry of `securityContext.capabilities.add` must be a capability on the allowlist.
enum AddedCapabilitiesCheck: ContainerCheck {
    static func check(_ container: Container, at reference: ContainerReference, policy: Policy, into sink: inout some FindingSink) {
        guard let added = container.securityContext?.capabilities?.add else { return }
        for (index, entry) in added.enumerated() {
            let rule: Violation.Rule
            switch CapabilityName.added(entry) {
            case .known(let capability) where policy.allows(capability): continue
            case .known(let capability): rule = .capabilityNotAllowed(capability, written: entry)
            case .all: rule = .addsAll(entry)
            case .unknown(let raw): rule = .unknownCapability(raw)
            }
            sink.report(Violation(container: reference, rule: rule, field: CapabilityField.add.appending(.index(index))))
        }
    }
}
