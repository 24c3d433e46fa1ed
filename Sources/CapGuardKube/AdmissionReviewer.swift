import CapGuardPolicy

/// Decides one admission request: the policy semantics of SPEC section 2 and the response shapes of
/// section 3, with no I/O, so that the server, tests and benchmarks share it.
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
        if let exemption = policies.exemptions.matching(
            namespace: namespace, user: request.userInfo.username, groups: request.userInfo.groups ?? []
        ) {
            outcome.reason = .exempt
            outcome.exemptions = [exemption]
            return outcome
        }
        guard let object = request.object, let spec = object.podSpec, let workload = object.workload else {
            outcome.reason = .noPodSpec
            return outcome
        }
        let (evaluation, policy, exemptImages) = policies.evaluate(spec, namespace: namespace)
        outcome.exemptions = exemptImages
        let formatter = ViolationFormatter(
            object: ObjectReference(kind: object.kind, namespace: namespace ?? object.metadata.namespace,
                                    name: object.metadata.displayName ?? request.name),
            podSpecPath: workload.podSpecPath,
            policy: policy
        )
        outcome.warnings = evaluation.advisories.map(formatter.warning(for:))
        if evaluation.skipped == .windowsPod {
            outcome.reason = .windowsPod
            outcome.auditAnnotations["skipped"] = "windows pod: Linux capabilities do not apply"
            return outcome
        }
        guard !evaluation.violations.isEmpty else { return outcome }

        var blocking = evaluation.violations
        var existing: [Violation] = []
        if request.operation == "UPDATE", let oldSpec = request.oldObject?.podSpec {
            blocking = evaluation.violations(notIn: policies.evaluate(oldSpec, namespace: namespace).evaluation)
            let blockingSet = Set(blocking)
            existing = evaluation.violations.filter { !blockingSet.contains($0) }
        }
        outcome.violationCount = blocking.count
        outcome.existingViolationCount = existing.count
        outcome.messages = blocking.map(formatter.message(for:))
        outcome.warnings += existing.map(formatter.warning(for:))
        guard !blocking.isEmpty else {
            outcome.reason = .existingViolationsOnly
            return outcome
        }
        outcome.reason = .violations
        let blockingWarnings = blocking.map(formatter.warning(for:))
        outcome.auditAnnotations["violations"] = blockingWarnings.joined(separator: "; ")
        switch outcome.mode {
        case .enforce:
            outcome.decision = .denied
        case .audit:
            outcome.decision = .auditedViolation
            outcome.warnings = blockingWarnings + outcome.warnings
        }
        return outcome
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
    /// Full messages of the violations that decide (all of them on CREATE, the new ones on UPDATE).
    public var messages: [String] = []
    public var warnings: [String] = []
    public var auditAnnotations: [String: String] = [:]
    public var exemptions: [Exemption] = []
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
        let warnings = WarningBudget.fit(warnings)
        return AdmissionResponse(
            uid: uid,
            allowed: decision != .denied,
            status: status,
            warnings: warnings.isEmpty ? nil : warnings,
            auditAnnotations: auditAnnotations.isEmpty ? nil : auditAnnotations
        )
    }
}

/// Keeps warnings within what the apiserver passes on intact: past 4096 characters in all it cuts each
/// warning to 256 characters and drops the rest, so capguard trims first and says how many it left out.
enum WarningBudget {
    static let total = 4096
    static let each = 256

    static func fit(_ warnings: [String]) -> [String] {
        var kept: [String] = []
        var used = 0
        for (index, warning) in warnings.enumerated() {
            let line = warning.count > each ? String(warning.prefix(each - 3)) + "..." : warning
            let remaining = warnings.count - index - 1
            let reserve = remaining > 0 ? 64 : 0
            if used + line.count + reserve > total {
                kept.append("... and \(warnings.count - index) more violations; run capguard check for all of them")
                break
            }
            kept.append(line)
            used += line.count
        }
        return kept
    }
}
