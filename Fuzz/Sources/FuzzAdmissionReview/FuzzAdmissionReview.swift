import CapGuardConfig
import CapGuardKube
import CapGuardPolicy
import CapGuardServer
import CapGuardWebhook
import Foundation
import FuzzSupport
import Logging
import Synchronization

/// A request body through the admission endpoint as the server runs it: decoding, the decision under a
/// permissive and a strict policy, the response and the log line. A body is either refused with 400 or
/// answered with a well-formed review for its uid, and every log line is one line of JSON.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzAdmissionReview(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let body = Array(UnsafeBufferPointer(start: data, count: size))
    for endpoint in AdmissionEndpoints.all {
        endpoint.log.clear()
        let response = endpoint.endpoint.handle(HTTPRequest(method: "POST", path: "/validate", body: body))
        invariant(response.status == 200 || response.status == 400, "status \(response.status)")
        if response.status == 200 {
            checkReview(response.body, forceAudit: endpoint.forceAudit)
        }
        for line in endpoint.log.lines {
            invariant(!line.contains("\n"), "a log line holds a raw newline: \(line)")
            invariant(Parsed.object(Array(line.utf8)) != nil, "a log line is not a JSON object: \(line)")
        }
    }
    return 0
}

private func checkReview(_ bytes: [UInt8], forceAudit: Bool) {
    guard let review = Parsed.object(bytes), let response = review["response"] as? [String: Any] else {
        invariant(false, "the answer is not a JSON AdmissionReview: \(String(decoding: bytes, as: UTF8.self))")
        return
    }
    invariant(review["kind"] as? String == "AdmissionReview", "kind \(String(describing: review["kind"]))")
    invariant(response["uid"] is String, "no uid in the answer")
    guard let allowed = response["allowed"] as? Bool else {
        invariant(false, "no allowed in the answer")
        return
    }
    invariant(!forceAudit || allowed, "the audit endpoint denied")
    if !allowed {
        let status = response["status"] as? [String: Any]
        invariant(status?["code"] as? Int == 403, "a denial without status 403")
        invariant((status?["message"] as? String)?.isEmpty == false, "a denial without a message")
    }
    if let warnings = response["warnings"] as? [String] {
        invariant(warnings.allSatisfy { $0.count <= 256 }, "a warning over 256 characters")
        invariant(warnings.dropLast().reduce(0) { $0 + $1.count } <= 4096, "warnings over 4096 characters")
    }
}

/// One endpoint per policy and mode, each logging into its own capture.
private struct AdmissionEndpoints: Sendable {
    let endpoint: AdmissionEndpoint
    let log: CapturedLines
    let forceAudit: Bool

    static let all: [AdmissionEndpoints] = {
        let strict = try! PolicyFile.parse(
            "mode: enforce\nallowedCapabilities: [NET_BIND_SERVICE]\ndenyPrivileged: true\n", file: "strict.yaml"
        )
        let policies = [LoadedPolicy.embeddedDefault, LoadedPolicy(policies: strict, path: "strict.yaml", contentHash: "", generation: 1)]
        return policies.flatMap { policy in
            [false, true].map { forceAudit in
                let log = CapturedLines()
                let logger = Logger(label: "capguard") { JSONLogHandler(label: $0, output: JSONLogOutput(write: log.append)) }
                let endpoint = AdmissionEndpoint(policies: .fixed(policy), metrics: WebhookMetrics(), logger: logger, forceAudit: forceAudit)
                return AdmissionEndpoints(endpoint: endpoint, log: log, forceAudit: forceAudit)
            }
        }
    }()
}

private final class CapturedLines: Sendable {
    private let storage = Mutex<[String]>([])

    var lines: [String] { storage.withLock { $0 } }

    @Sendable func append(_ line: String) { storage.withLock { $0.append(line) } }

    func clear() { storage.withLock { $0.removeAll() } }
}
