/// Rule 3: a privileged container gets every capability whatever it drops, so `privileged: true` violates.
enum PrivilegedCheck: ContainerCheck {
    static func check(_ container: Container, at reference: ContainerReference, policy: Policy, into sink: inout some FindingSink) {
        guard policy.denyPrivileged, container.securityContext?.privileged == true else { return }
        sink.report(Violation(container: reference, rule: .privileged, field: CapabilityField.privileged))
    }
}
