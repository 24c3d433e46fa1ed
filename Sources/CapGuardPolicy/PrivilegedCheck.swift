/// Rule 3: a privileged container gets every capability whatever it drops, so `privileged: true` violates.
enum PrivilegedCheck: ContainerCheck {
    static func check(_ container: Container, at reference: ContainerReference, policy: Policy, into result: inout Evaluation) {
        guard policy.denyPrivileged, container.securityContext?.privileged == true else { return }
        result.violations.append(Violation(container: reference, rule: .privileged, field: CapabilityField.privileged))
    }
}
