extension Policy {
    /// Checks every container of every list of `spec`, keeping findings within `limits`.
    ///
    /// `existing` holds the violations an UPDATE's old object had (see `previousViolations`); violations it
    /// contains go to `existingViolations`. `grants` are those that select the pod; each container gets what
    /// those that also select it allow. `skippingContainer`
    /// leaves out containers that an exemption covers (for example by image); it is asked once per container.
    public func evaluate(
        _ spec: PodSpec, limits: FindingLimits = .default, existing: PreviousViolations = PreviousViolations(),
        grants: PodGrants = .none, skippingContainer isExempt: (ContainerReference) -> Bool = { _ in false }
    ) -> Evaluation {
        if spec.osName?.lowercased() == "windows" { return Evaluation(limits: limits, skipped: .windowsPod) }
        var sink = EvaluationSink(evaluation: Evaluation(limits: limits), existing: existing)
        check(spec, grants: grants, skippingContainer: isExempt, into: &sink)
        return sink.evaluation
    }

    /// Every violation of `spec`, none left out, in the compact form that sorts an UPDATE's new violations
    /// from those its old object had. Its size follows the request's, which the server bounds.
    public func previousViolations(
        _ spec: PodSpec, grants: PodGrants = .none, skippingContainer isExempt: (ContainerReference) -> Bool = { _ in false }
    ) -> PreviousViolations {
        var previous = PreviousViolations()
        if spec.osName?.lowercased() == "windows" { return previous }
        check(spec, grants: grants, skippingContainer: isExempt, into: &previous)
        return previous
    }

    private func check(
        _ spec: PodSpec, grants: PodGrants, skippingContainer isExempt: (ContainerReference) -> Bool, into sink: inout some FindingSink
    ) {
        for list in ContainerList.allCases {
            for (index, container) in spec.containers(in: list).enumerated() {
                let reference = ContainerReference(list: list, index: index, name: container.name, image: container.image)
                if isExempt(reference) { continue }
                sink.willCheck(container, at: reference)
                let containerGrants = grants.forContainer(reference)
                PrivilegedCheck.check(container, at: reference, policy: self, grants: containerGrants, into: &sink)
                DropAllCheck.check(container, at: reference, policy: self, grants: containerGrants, into: &sink)
                AddedCapabilitiesCheck.check(container, at: reference, policy: self, grants: containerGrants, into: &sink)
            }
        }
    }
}
