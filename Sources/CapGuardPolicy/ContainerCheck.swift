/// One rule of the policy, applied to one container at a time.
///
/// Each rule is its own small type so that it can be read, tested and changed alone; `Policy.evaluate`
/// runs them all over every container list. `grants` are those that select the container.
protocol ContainerCheck {
    static func check(
        _ container: Container, at reference: ContainerReference, policy: Policy, grants: ContainerGrants, into sink: inout some FindingSink
    )
}

/// The fields below a container that the rules read.
enum CapabilityField {
    static let drop: FieldPath = ["securityContext", "capabilities", "drop"]
    static let add: FieldPath = ["securityContext", "capabilities", "add"]
    static let privileged: FieldPath = ["securityContext", "privileged"]
}
