/// Rule 2: every entry of `securityContext.capabilities.add` must be a capability on the allowlist, or one
/// that a grant selecting the container allows. `ALL` never is.
enum AddedCapabilitiesCheck: ContainerCheck {
    static func check(
        _ container: Container, at reference: ContainerReference, policy: Policy, grants: ContainerGrants, into sink: inout some FindingSink
    ) {
        guard let added = container.securityContext?.capabilities?.add else { return }
        for (index, entry) in added.enumerated() {
            let rule: Violation.Rule
            let field = CapabilityField.add.appending(.index(index))
            switch CapabilityName.added(entry) {
            case .known(let capability) where policy.allows(capability): continue
            case .known(let capability):
                if let grant = grants.grant(allowing: capability) {
                    sink.report(GrantUse(grant: grant, container: reference, permission: .capability(capability), field: field))
                    continue
                }
                rule = .capabilityNotAllowed(capability, written: entry)
            case .all: rule = .addsAll(entry)
            case .unknown(let raw): rule = .unknownCapability(raw)
            }
            sink.report(Violation(container: reference, rule: rule, field: field))
        }
    }
}
