/// Rule 3: a privileged container gets every capability whatever it drops, so `privileged: true` violates,
/// unless a grant that selects the container says `allowPrivileged: true`.
enum PrivilegedCheck: ContainerCheck {
    static func check(
        _ container: Container, at reference: ContainerReference, policy: Policy, grants: ContainerGrants, into sink: inout some FindingSink
    ) {
        guard policy.denyPrivileged, container.securityContext?.privileged == true else { return }
        if let grant = grants.grantAllowingPrivileged {
            sink.report(GrantUse(grant: grant, container: reference, permission: .privileged, field: CapabilityField.privileged))
        } else {
            sink.report(Violation(container: reference, rule: .privileged, field: CapabilityField.privileged))
        }
    }
}
