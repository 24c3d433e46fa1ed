import CapGuardPolicy

/// Decides one admission request with no I/O, so that the server, tests and benchmarks share it: every
/// container of the object's pod spec is evaluated; DELETE and CONNECT are always allowed, and an UPDATE is
/// denied only for a violation its old object did not have; the response names each violation and its fix.
public struct AdmissionReviewer: Sendable {
    public var policies: PolicySet

    public init(policies: PolicySet) {
        self.policies = policies
    }

    /// Reviews `request`. With `forceAudit`, violations never deny (the `/validate/audit` endpoint).
    public func review(_ request: AdmissionRequest, forceAudit: Bool = false) -> AdmissionOutcome {
        let namespace = request.namespace.flatMap { $0.isEmpty ? nil : $0 }
        var outcome = AdmissionOutcome(uid: request.uid, mode: forceAudit ? .audit : policies.policy(forNamespace: namespace).mode)
        guard request.operation == "CREATE" || request.operation == "UPDATE" else {
            outcome.reason = .operationNotChecked
            return outcome
        }
        let checked = ObjectChecker(policies: policies).check(
            request.object, namespace: namespace, user: request.userInfo.username, groups: request.userInfo.groups ?? [],
            previous: request.operation == "UPDATE" ? request.oldObject : nil
        )
        let findings: PodSpecFindings
        switch checked {
        case .exempt(let exemption):
            outcome.reason = .exempt
            outcome.exemptions = [exemption]
            return outcome
        case .noPodSpec:
            outcome.reason = .noPodSpec
            return outcome
        case .evaluated(let evaluated):
            findings = evaluated
        }
        let object = findings.object
        let evaluation = findings.evaluation
        outcome.exemptions = findings.exemptImages
        let formatter = findings.formatter(naming: ObjectReference(
            kind: object.kind, namespace: namespace ?? object.metadata.namespace, name: object.metadata.displayName ?? request.name))
        var warnings = evaluation.advisories.map(formatter.warning(for:))
        var omittedWarnings = evaluation.advisories.omittedCount
        // What grants allowed comes last among the warnings: the first to give way when they do not all fit.
        let grantLines = evaluation.grantUses.map(formatter.warning(for:))
        if !grantLines.isEmpty {
            outcome.grantsUsed = evaluation.grantsUsed
            outcome.grantUses = grantLines
            outcome.omittedGrantUses = evaluation.grantUses.omittedCount
            outcome.auditAnnotations["grants"] = LineBudget.auditAnnotation.fit(
                grantLines, omitted: evaluation.grantUses.omittedCount, more: ViolationFormatter.moreGrantUses).joined(separator: "; ")
        }
        func finished() -> AdmissionOutcome {
            outcome.warnings = LineBudget.warnings.fit(
                warnings + grantLines, omitted: omittedWarnings + evaluation.grantUses.omittedCount, more: ViolationFormatter.moreWarnings)
            return outcome
        }
        if evaluation.skipped == .windowsPod {
            outcome.reason = .windowsPod
            outcome.auditAnnotations["skipped"] = "windows pod: Linux capabilities do not apply"
            return finished()
        }
        let blocking = evaluation.violations, existingViolations = evaluation.existingViolations
        outcome.violationCount = blocking.totalCount
        outcome.existingViolationCount = existingViolations.totalCount
        warnings += existingViolations.map(formatter.warning(for:))
        omittedWarnings += existingViolations.omittedCount
        guard !blocking.isEmpty else {
            if !existingViolations.isEmpty { outcome.reason = .existingViolationsOnly }
            return finished()
        }
        outcome.reason = .violations
        outcome.messages = LineBudget.statusMessage.fit(
            blocking.map(formatter.message(for:)), omitted: blocking.omittedCount, more: ViolationFormatter.moreViolations)
        let blockingWarnings = blocking.map(formatter.warning(for:))
        outcome.auditAnnotations["violations"] = LineBudget.auditAnnotation.fit(
            blockingWarnings, omitted: blocking.omittedCount, more: ViolationFormatter.moreViolations).joined(separator: "; ")
        switch outcome.mode {
        case .enforce:
            outcome.decision = .denied
        case .audit:
            outcome.decision = .auditedViolation
            warnings = blockingWarnings + warnings
            omittedWarnings += blocking.omittedCount
        }
        return finished()
    }
}

/// What capguard decided about one request, and everything needed to answer, log and count it.
public struct AdmissionOutcome: Sendable, Hashable {
    public enum Decision: String, Sendable, Hashable, CaseIterable {
        case allowed
        case denied
        /// Allowed because the mode is audit, but the policy was violated: "would have been denied".
        case auditedViolation = "audit_violation"
    }

    public enum Reason: String, Sendable, Hashable {
        case compliant
        case violations
        /// An UPDATE whose violations the old object already had.
        case existingViolationsOnly = "existing_violations_only"
        case exempt
        case windowsPod = "windows_pod"
        /// The object carries no pod spec (or is not one of the kinds that do).
        case noPodSpec = "no_pod_spec"
        /// DELETE and CONNECT are always allowed.
        case operationNotChecked = "operation_not_checked"
    }

    public var uid: String
    public var mode: EnforcementMode
    public var decision: Decision = .allowed
    public var reason: Reason = .compliant
    /// Full messages of the violations that decide (all of them on CREATE, the new ones on UPDATE), within
    /// `LineBudget.statusMessage`, the last saying how many were left out if any were.
    public var messages: [String] = []
    /// Within `LineBudget.warnings`.
    public var warnings: [String] = []
    public var auditAnnotations: [String: String] = [:]
    public var exemptions: [Exemption] = []
    /// The grants that allowed anything, each once, in the order first used.
    public var grantsUsed: [String] = []
    /// What each grant allowed, one warning-form line each, within `FindingLimits`; `omittedGrantUses` more.
    public var grantUses: [String] = []
    public var omittedGrantUses = 0
    /// Every violation that decides, those left out of `messages` included.
    public var violationCount = 0
    public var existingViolationCount = 0

    public init(uid: String, mode: EnforcementMode) {
        self.uid = uid
        self.mode = mode
    }

    /// The `response` of the AdmissionReview that answers the request.
    public var response: AdmissionResponse {
        let status: AdmissionResponse.Status? = decision == .denied
            ? AdmissionResponse.Status(code: 403, reason: "Forbidden", message: messages.joined(separator: "\n"))
            : nil
        return AdmissionResponse(
            uid: uid,
            allowed: decision != .denied,
            status: status,
            warnings: warnings.isEmpty ? nil : warnings,
            auditAnnotations: auditAnnotations.isEmpty ? nil : auditAnnotations
        )
    }
}
