import CapGuardJSON
import CapGuardKube
import CapGuardPolicy
import CapGuardServer
import FoundationEssentials
import Logging

/// `POST /validate` and `POST /validate/audit`: decode the review, decide, answer, log and count.
public struct AdmissionEndpoint: Sendable {
    let policies: PolicySource
    let metrics: WebhookMetrics
    let logger: Logger
    /// True for `/validate/audit`: report violations, never deny.
    let forceAudit: Bool
    /// Shared by both endpoints of one webhook: memory for reviews being decoded at once.
    let decodeBudget: ReviewDecodeBudget

    /// `decodeBudget`: one per webhook, shared by its endpoints.
    public init(
        policies: PolicySource, metrics: WebhookMetrics, logger: Logger, forceAudit: Bool,
        decodeBudget: ReviewDecodeBudget = ReviewDecodeBudget()
    ) {
        self.policies = policies
        self.metrics = metrics
        self.logger = logger
        self.forceAudit = forceAudit
        self.decodeBudget = decodeBudget
    }

    public func handle(_ http: HTTPRequest) -> HTTPResponse {
        let start = ContinuousClock.now
        return ReviewReader(metrics: metrics, logger: logger, decodeBudget: decodeBudget).read(http) { decoded in
            let request = decoded.request
            let loaded = policies.current
            let outcome = AdmissionReviewer(policies: loaded.policies).review(request, forceAudit: forceAudit)
            let body = AdmissionReviewResponse(apiVersion: decoded.apiVersion, response: outcome.response).json
            let seconds = (ContinuousClock.now - start) / .seconds(1)
            metrics.recordAdmission(outcome, kind: request.kind.kind, operation: request.operation, seconds: seconds)
            log(request, outcome, policyGeneration: loaded.generation, microseconds: Int(seconds * 1_000_000))
            return .json(body)
        }
    }

    /// One line per admission, never dropped for its size: text from the request is escaped and cut
    /// (`TextSafety.escaped`) and the violations are the bounded lines of `status.message`, so the line stays
    /// far below the log writer's buffer whatever the request holds.
    private func log(_ request: AdmissionRequest, _ outcome: AdmissionOutcome, policyGeneration: Int, microseconds: Int) {
        var metadata = request.logMetadata
        metadata["decision"] = .string(outcome.decision.rawValue)
        metadata["reason"] = .string(outcome.reason.rawValue)
        metadata["mode"] = .string(outcome.mode.rawValue)
        metadata["violations"] = .array(outcome.messages.map { .string($0) })
        metadata["violationCount"] = .stringConvertible(outcome.violationCount)
        metadata["latencyMicroseconds"] = .stringConvertible(microseconds)
        metadata["policyGeneration"] = .stringConvertible(policyGeneration)
        if let subResource = request.subResource, !subResource.isEmpty { metadata["subResource"] = .string(TextSafety.escaped(subResource)) }
        if request.dryRun { metadata["dryRun"] = "true" }
        if !outcome.exemptions.isEmpty { metadata["exemptions"] = .array(outcome.exemptions.map { .string($0.description) }) }
        if !outcome.grantUses.isEmpty {
            let more = outcome.omittedGrantUses > 0 ? [ViolationFormatter.moreGrantUses(outcome.omittedGrantUses)] : []
            metadata["grants"] = .array((outcome.grantUses + more).map { .string($0) })
        }
        if outcome.existingViolationCount > 0 { metadata["existingViolations"] = .stringConvertible(outcome.existingViolationCount) }
        let message = switch outcome.decision {
        case .denied: "admission denied"
        case .auditedViolation: "admission allowed in audit mode; would have been denied"
        case .allowed: "admission allowed"
        }
        logger.info("\(message)", metadata: metadata)
    }
}
