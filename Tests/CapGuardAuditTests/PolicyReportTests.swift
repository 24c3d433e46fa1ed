@testable import CapGuardAudit
import CapGuardKube
import CapGuardPolicy
import Foundation
import Synchronization
import Testing

/// An API server that answers from a script of responses, recording the requests.
final class ScriptedRequester: APIRequester {
    private let script: Mutex<[(String, APIResponse)]>
    private let sent = Mutex<[APIRequest]>([])

    /// Each entry answers the next request, which must be `"METHOD PATH"`.
    init(_ script: [(String, Int, String)]) {
        self.script = Mutex(script.map { ($0.0, APIResponse(status: $0.1, body: Array($0.2.utf8))) })
    }

    var requests: [APIRequest] { sent.withLock { $0 } }

    func send(_ request: APIRequest) throws -> APIResponse {
        sent.withLock { $0.append(request) }
        let next = script.withLock { $0.isEmpty ? nil : $0.removeFirst() }
        guard let (expected, response) = next, expected == "\(request.method) \(request.path)" else {
            throw UnexpectedRequest(request: "\(request.method) \(request.path)")
        }
        return response
    }

    struct UnexpectedRequest: Error { let request: String }
}

@Suite struct PolicyReportTests {
    static let ns = RecordedCluster.namespace
    static let time = PolicyReport.Timestamp(seconds: 1_795_000_000, nanos: 5)
    static let path = "/apis/wgpolicyk8s.io/v1alpha2/namespaces/\(ns)/policyreports"
    static let existing = #"{"apiVersion":"wgpolicyk8s.io/v1alpha2","kind":"PolicyReport","metadata":{"name":"capguard","resourceVersion":"812"}}"#
    static let conflict = #"{"kind":"Status","apiVersion":"v1","status":"Failure","message":"the object has been modified","reason":"Conflict","code":409}"#

    func result() throws -> AuditResult {
        try AuditScan.run(lister: try RecordedCluster(), namespace: nil, policies: .default)
    }

    func json(_ body: [UInt8]?) throws -> [String: Any] {
        let bytes = try #require(body)
        return try #require(try JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any])
    }

    @Test func oneReportPerNamespaceWithResultsAndCounts() throws {
        let reports = PolicyReport.reports(for: try result(), namespace: nil, at: Self.time)
        #expect(reports.count == 1)
        let report = try #require(reports.first)
        #expect(report.kind == "PolicyReport" && report.metadata.name == "capguard" && report.metadata.namespace == Self.ns)
        #expect(report.metadata.labels == ["app.kubernetes.io/managed-by": "capguard"])
        #expect(report.summary == PolicyReport.Summary(pass: 2, fail: 3, warn: 0, error: 0, skip: 0))
        let fail = try #require(report.results.first { $0.resources.first?.name == "web-bad" })
        #expect(fail.policy == "capguard" && fail.rule == "drop-all" && fail.result == "fail" && fail.severity == "medium")
        #expect(fail.resources == [PolicyReport.Reference(apiVersion: "apps/v1", kind: "Deployment", name: "web-bad",
                                                          namespace: Self.ns, uid: "42ec5a1b-9023-4435-9b07-5547276b6735")])
        #expect(fail.properties["pods"] == "3" && fail.properties["container"] == "app")
        #expect(fail.timestamp == Self.time)

        let body = try json(try report.body())
        #expect(body["apiVersion"] as? String == "wgpolicyk8s.io/v1alpha2")
        #expect((body["scope"] as? [String: String]) == ["apiVersion": "v1", "kind": "Namespace", "name": Self.ns])
        #expect((body["summary"] as? [String: Int]) == ["pass": 2, "fail": 3, "warn": 0, "error": 0, "skip": 0])
        let first = try #require((body["results"] as? [[String: Any]])?.first)
        #expect(Set(first.keys) == ["policy", "rule", "result", "severity", "category", "message", "resources", "properties",
                                    "source", "scored", "timestamp"])
        #expect((first["timestamp"] as? [String: Int]) == ["seconds": 1_795_000_000, "nanos": 5])
    }

    @Test func exemptAndWindowsAreSkippedAndAnAuditedNamespaceAlwaysGetsAReport() throws {
        let exempt = try AuditScan.run(lister: try RecordedCluster(), namespace: nil,
                                       policies: PolicySet(exemptions: Exemptions(namespaces: [Self.ns])))
        let report = try #require(PolicyReport.reports(for: exempt, namespace: nil, at: Self.time).first)
        #expect(report.summary.skip == 5 && report.results.allSatisfy { $0.rule == "exemption" })
        let empty = PolicyReport.reports(for: AuditResult(objects: []), namespace: "quiet", at: Self.time)
        #expect(empty.map(\.metadata.namespace) == ["quiet"] && empty[0].results.isEmpty)
    }

    @Test func clusterScopedObjectsGoToAClusterPolicyReport() {
        let object = AuditedObject(apiVersion: "example.com/v1", kind: "Thing", namespace: nil, name: "t", uid: "u", status: .compliant)
        let reports = PolicyReport.reports(for: AuditResult(objects: [object]), namespace: nil, at: Self.time)
        #expect(reports.map(\.kind) == ["ClusterPolicyReport"] && reports[0].metadata.namespace == nil && reports[0].scope == nil)
    }

    @Test func nothingIsWrittenWithoutTheCRD() throws {
        let api = ScriptedRequester([("GET /apis/wgpolicyk8s.io/v1alpha2", 404, "")])
        #expect(try PolicyReportWriter(requester: api).write(try result(), namespace: nil, now: Self.time) == .notInstalled)
        #expect(api.requests.count == 1)
    }

    @Test func createsWithPost() throws {
        let api = ScriptedRequester([
            ("GET /apis/wgpolicyk8s.io/v1alpha2", 200, "{}"),
            ("GET \(Self.path)/capguard", 404, ""),
            ("POST \(Self.path)", 201, "{}"),
        ])
        #expect(try PolicyReportWriter(requester: api).write(try result(), namespace: nil, now: Self.time) == .written(1))
        let body = try json(api.requests[2].body)
        #expect((body["metadata"] as? [String: Any])?["resourceVersion"] == nil)
        #expect((body["results"] as? [Any])?.count == 5)
    }

    @Test func updatesInPlaceWithTheResourceVersionRead() throws {
        let api = ScriptedRequester([
            ("GET /apis/wgpolicyk8s.io/v1alpha2", 200, "{}"),
            ("GET \(Self.path)/capguard", 200, Self.existing),
            ("PUT \(Self.path)/capguard", 200, "{}"),
        ])
        try PolicyReportWriter(requester: api).write(try result(), namespace: nil, now: Self.time)
        #expect((try json(api.requests[2].body)["metadata"] as? [String: Any])?["resourceVersion"] as? String == "812")
    }

    @Test func aConflictIsReadAgainAndRetriedOnce() throws {
        let newer = Self.existing.replacingOccurrences(of: "812", with: "813")
        let api = ScriptedRequester([
            ("GET /apis/wgpolicyk8s.io/v1alpha2", 200, "{}"),
            ("GET \(Self.path)/capguard", 200, Self.existing),
            ("PUT \(Self.path)/capguard", 409, Self.conflict),
            ("GET \(Self.path)/capguard", 200, newer),
            ("PUT \(Self.path)/capguard", 200, "{}"),
        ])
        try PolicyReportWriter(requester: api).write(try result(), namespace: nil, now: Self.time)
        #expect((try json(api.requests[4].body)["metadata"] as? [String: Any])?["resourceVersion"] as? String == "813")
    }

    @Test func aSecondConflictIsAnError() throws {
        let api = ScriptedRequester([
            ("GET /apis/wgpolicyk8s.io/v1alpha2", 200, "{}"),
            ("GET \(Self.path)/capguard", 200, Self.existing),
            ("PUT \(Self.path)/capguard", 409, Self.conflict),
            ("GET \(Self.path)/capguard", 200, Self.existing),
            ("PUT \(Self.path)/capguard", 409, Self.conflict),
        ])
        let error = try #require(throws: PolicyReportError.self) {
            try PolicyReportWriter(requester: api).write(try result(), namespace: nil, now: Self.time)
        }
        #expect(error.reason == "Conflict")
        #expect(error.description == "PUT \(Self.path)/capguard answered 409: the object has been modified")
    }

    @Test func aForbiddenReadIsAnError() throws {
        let api = ScriptedRequester([("GET /apis/wgpolicyk8s.io/v1alpha2", 403, "{}")])
        let error = try #require(throws: PolicyReportError.self) {
            try PolicyReportWriter(requester: api).write(try result(), namespace: nil, now: Self.time)
        }
        #expect(error.reason == "Forbidden")
    }
}
