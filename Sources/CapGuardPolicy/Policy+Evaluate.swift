extension Policy {
    /// Checks every container of every list of `spec`.
    ///
    /// `skippingContainer` leaves out containers that an exemption covers (for example by image); it is asked
    /// once per container.
    public func evaluate(_ spec: PodSpec, skippingContainer isExempt: (ContainerReference) -> Bool = { _ in false }) -> Evaluation {
        var result = Evaluation()
        if spec.osName?.lowercased() == "windows" {
            result.skipped = .windowsPod
            return result
        }
        for list in ContainerList.allCases {
            for (index, container) in spec.containers(in: list).enumerated() {
                let reference = ContainerReference(list: list, index: index, name: container.name, image: container.image)
                if isExempt(reference) { continue }
                PrivilegedCheck.check(container, at: reference, policy: self, into: &result)
                DropAllCheck.check(container, at: reference, policy: self, into: &result)
                AddedCapabilitiesCheck.check(container, at: reference, policy: self, into: &result)
            }
        }
        return result
    }
}
