extension Policy {
    /// Checks every container of every list of `spec`, keeping findings within `limits`.
    ///
    /// `existing` holds the identities of the violations an UPDATE's old object had (see
    /// `violationIdentities`); violations with one of them go to `existingViolations`. `skippingContainer`
    /// leaves out containers that an exemption covers (for example by image); it is asked once per container.
    public func evaluate(
        _ spec: PodSpec, limits: FindingLimits = .default, existing: Set<Violation.Identity> = [],
        skippingContainer isExempt: (ContainerReference) -> Bool = { _ in false }
    ) -> Evaluation {
        if spec.osName?.lowercased() == "windows" { return Evaluation(limits: limits, skipped: .windowsPod) }
        var sink = EvaluationSink(evaluation: Evaluation(limits: limits), existing: existing)
        check(spec, skippingContainer: isExempt, into: &sink)
        return sink.evaluation
    }

    /// The identity of every violation of `spec`, none left out: an UPDATE's old object, against which the
    /// new object's violations are sorted. Its size follows the request's, which the server bounds.
    public func violationIdentities(
        _ spec: PodSpec, skippingContainer isExempt: (ContainerReference) -> Bool = { _ in false }
    ) -> Set<Violation.Identity> {
        if spec.osName?.lowercased() == "windows" { return [] }
        var sink = ViolationIdentities()
        check(spec, skippingContainer: isExempt, into: &sink)
        return sink.identities
    }

    private func check(_ spec: PodSpec, skippingContainer isExempt: (ContainerReference) -> Bool, into sink: inout some FindingSink) {
        for list in ContainerList.allCases {
            for (index, container) in spec.containers(in: list).enumerated() {
                let reference = ContainerReference(list: list, index: index, name: container.name, image: container.image)
                if isExempt(reference) { continue }
                PrivilegedCheck.check(container, at: reference, policy: self, into: &sink)
                DropAllCheck.check(container, at: reference, policy: self, into: &sink)
                AddedCapabilitiesCheck.check(container, at: reference, policy: self, into: &sink)
            }
        }
    }
}
