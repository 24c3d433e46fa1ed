import CapGuardServer
import Logging

/// The first steps of every admission endpoint: scan the body's shape, hold decode memory for it, decode
/// the review, and answer HTTP 400 (counted and logged) when it is malformed.
struct ReviewReader: Sendable {
    let metrics: WebhookMetrics
    let logger: Logger
    let decodeBudget: ReviewDecodeBudget

    /// Calls `handle` with the decoded review while its decode memory is held, or answers without it.
    func read(_ http: HTTPRequest, _ handle: (ReviewDecoding.Decoded) -> HTTPResponse) -> HTTPResponse {
        let shape: ReviewDecoding.Scanned
        switch ReviewDecoding.scan(http.body) {
        case .success(let value): shape = value
        case .failure(let malformed): return refuse(malformed, from: http)
        }
        guard let held = decodeBudget.acquire(values: shape.values) else {
            metrics.recordDecodeBudgetRefusal()
            return .text("capguard is decoding as many large reviews as its memory allows; try again\n", status: 503)
        }
        defer { decodeBudget.release(held) }
        switch ReviewDecoding.decode(http.body, shape) {
        case .success(let decoded): return handle(decoded)
        case .failure(let malformed): return refuse(malformed, from: http)
        }
    }

    private func refuse(_ malformed: ReviewDecoding.Malformed, from http: HTTPRequest) -> HTTPResponse {
        metrics.recordMalformed(reason: malformed.reason)
        logger.warning("malformed admission request", metadata: [
            "reason": .string(malformed.reason), "detail": .string(malformed.message), "peer": .string(http.remoteAddress),
        ])
        return .text(malformed.message + "\n", status: 400)
    }
}
