import CapGuardJSON
import CapGuardKube
import FoundationEssentials

/// Writes PolicyReports in place: creates each with POST, or updates it with PUT carrying the resourceVersion
/// of a GET just before; on 409 Conflict (someone else wrote it in between) it reads again and retries once.
public struct PolicyReportWriter: Sendable {
    public let requester: any APIRequester

    public init(requester: any APIRequester) { self.requester = requester }

    public enum Outcome: Sendable, Equatable {
        /// The wgpolicyk8s.io/v1alpha2 API is not served: the CRD is not installed. Nothing was written.
        case notInstalled
        case written(Int)
    }

    /// Writes the reports of `result` (see `PolicyReport.reports`).
    @discardableResult
    public func write(_ result: AuditResult, namespace: String?, now: PolicyReport.Timestamp) throws -> Outcome {
        let discovery = try requester.send(APIRequest(method: "GET", path: "/apis/\(PolicyReport.apiVersion)"))
        switch discovery.status {
        case 200: break
        case 404: return .notInstalled
        default: throw PolicyReportError(request: "GET /apis/\(PolicyReport.apiVersion)", status: discovery.status, body: discovery.body)
        }
        let reports = PolicyReport.reports(for: result, namespace: namespace, at: now)
        for report in reports { try write(report) }
        return .written(reports.count)
    }

    func write(_ report: PolicyReport) throws {
        var report = report
        var retried = false
        while true {
            let current = try requester.send(APIRequest(method: "GET", path: report.path))
            let request: APIRequest
            switch current.status {
            case 404:
                report.metadata.resourceVersion = nil
                request = APIRequest(method: "POST", path: report.collectionPath, body: try report.body())
            case 200:
                report.metadata.resourceVersion = try JSONDecoder().decode(Existing.self, from: Data(current.body)).metadata.resourceVersion
                request = APIRequest(method: "PUT", path: report.path, body: try report.body())
            default:
                throw PolicyReportError(request: "GET \(report.path)", status: current.status, body: current.body)
            }
            let response = try requester.send(request)
            if (200..<300).contains(response.status) { return }
            if response.status == 409 && !retried {
                retried = true
                continue
            }
            throw PolicyReportError(request: "\(request.method) \(request.path)", status: response.status, body: response.body)
        }
    }

    private struct Existing: Decodable {
        struct Metadata: Decodable { let resourceVersion: String? }
        let metadata: Metadata
    }
}

/// An answer of the API to a PolicyReport request that was not a success.
public struct PolicyReportError: APIFailureReason, CustomStringConvertible {
    public let request: String
    public let status: Int
    /// The Status message of the answer, when it had one.
    public let message: String?

    init(request: String, status: Int, body: [UInt8]) {
        self.request = request
        self.status = status
        message = (try? JSONDecoder().decode(StatusBody.self, from: Data(body)))?.message
    }

    public var reason: String {
        switch status {
        case 401: "Unauthorized"
        case 403: "Forbidden"
        case 404: "NotFound"
        case 409: "Conflict"
        case 422: "Invalid"
        case 500..<600: "ServerError"
        default: "UnexpectedStatus"
        }
    }

    public var description: String {
        "\(request) answered \(status)" + (message.map { ": \(TextSafety.escaped($0))" } ?? "")
    }

    private struct StatusBody: Decodable { let message: String? }
}
