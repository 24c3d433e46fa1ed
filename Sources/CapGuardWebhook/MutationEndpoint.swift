import CapGuardJSON
import CapGuardKube
import CapGuardPolicy
import CapGuardServer
import FoundationEssentials
import Logging

/// `POST /mutate`: the opt-in mutating webhook. Answers with the remedy as a JSON Patch and always allows:
/// the validating webhook, which the apiserver calls after every mutation, still denies what the remedy
/// cannot fix.
public struct MutationEndpoint: Sendable {
    let policies: PolicySource
    let metrics: WebhookMetrics
    let logger: Logger
    let decodeBudget: ReviewDecodeBudget

    public init(policies: PolicySource, metrics: WebhookMetrics, logger: Logger, decodeBudget: ReviewDecodeBudget = ReviewDecodeBudget()) {
        self.policies = policies
        self.metrics = metrics
        self.logger = logger
        self.decodeBudget = decodeBudget
    }

    public func handle(_ http: HTTPRequest) -> HTTPResponse {
        ReviewReader(metrics: metrics, logger: logger, decodeBudget: decodeBudget).read(http) { decoded in
            let request = decoded.request
            let loaded = policies.current
            let outcome = AdmissionMutator(policies: loaded.policies).mutate(request)
            metrics.recordMutation(outcome, kind: request.kind.kind, operation: request.operation)
            log(request, outcome, policyGeneration: loaded.generation)
            return .json(AdmissionReviewResponse(apiVersion: decoded.apiVersion, response: outcome.response).json)
        }
    }

    /// One line per request; the operations are pointers built from bounded indices and fixed keys, so the
    /// line stays small whatever the request holds.
    private func log(_ request: AdmissionRequest, _ outcome: MutationOutcome, policyGeneration: Int) {
        var metadata = request.logMetadata
        metadata.merge([
            "reason": .string(outcome.reason.rawValue),
            "mode": .string(outcome.mode.rawValue),
            "patch": .array(outcome.operations.map { .string($0.description) }),
            "policyGeneration": .stringConvertible(policyGeneration),
        ]) { $1 }
        if let subResource = request.subResource, !subResource.isEmpty { metadata["subResource"] = .string(TextSafety.escaped(subResource)) }
        if !outcome.wouldPatch.isEmpty { metadata["wouldPatch"] = .array(outcome.wouldPatch.map { .string($0.description) }) }
        if let exemption = outcome.exemption { metadata["exemptions"] = .array([.string(exemption.description)]) }
        let message = switch outcome.reason {
        case .patched: "mutation patched"
        case .auditWouldPatch: "mutation skipped in audit mode; would have patched"
        default: "mutation not needed"
        }
        logger.info("\(message)", metadata: metadata)
    }
}
