@testable import CapGuardAudit
import CapGuardKube
import CapGuardPolicy
import CapGuardServer
import CapGuardTestSupport
import Foundation
import Logging
import Testing

/// The continuous audit in process, on the recorded cluster: metrics, readiness, the log of finding changes,
/// the last good result kept through API errors, and the routes over the real server.
@Suite struct AuditMonitorTests {
    static let ns = RecordedCluster.namespace

    struct Refused: APIFailureReason, CustomStringConvertible {
        var reason: String { "Forbidden" }
        var description: String { "deployments is forbidden" }
    }

    func monitor(_ cluster: RecordedCluster, log: LogCapture, maxSeries: Int = AuditMetrics.defaultMaxSeries) -> AuditMonitor {
        let logger = Logger(label: "capguard") { JSONLogHandler(label: $0, output: JSONLogOutput(write: log.append)) }
        return AuditMonitor(lister: cluster, namespace: nil, policies: .default, reportWriter: nil, logger: logger, maxSeries: maxSeries)
    }

    @Test func metricsCountViolatingObjectsContainersAndPodsByNamespaceKindAndRule() throws {
        let monitor = monitor(try RecordedCluster(), log: LogCapture())
        #expect(!monitor.isReady)
        monitor.runOnce()
        #expect(monitor.isReady)
        let lines = Set(monitor.renderMetrics().split(separator: "\n").map(String.init))
        let ns = Self.ns
        for expected in [
            "capguard_audit_violating_objects{namespace=\"\(ns)\",kind=\"Deployment\"} 1",
            "capguard_audit_violating_objects{namespace=\"\(ns)\",kind=\"CronJob\"} 1",
            "capguard_audit_violating_objects{namespace=\"\(ns)\",kind=\"Pod\"} 1",
            "capguard_audit_violating_containers{namespace=\"\(ns)\",kind=\"Deployment\",rule=\"drop-all\"} 1",
            "capguard_audit_violating_containers{namespace=\"\(ns)\",kind=\"Pod\",rule=\"added-capability\"} 1",
            "capguard_audit_violating_pods{namespace=\"\(ns)\",kind=\"Deployment\"} 3",
            "capguard_audit_objects{status=\"violating\"} 3",
            "capguard_audit_objects{status=\"compliant\"} 2",
            "capguard_audit_pods 8",
            "capguard_audit_runs_total{result=\"success\"} 1",
            "capguard_audit_runs_total{result=\"failure\"} 0",
            "capguard_audit_series_folded 0",
        ] {
            #expect(lines.contains(expected), "missing: \(expected)")
        }
        #expect(lines.contains { $0.hasPrefix("capguard_audit_last_run_timestamp_seconds ") })
        #expect(lines.contains { $0.hasPrefix("capguard_audit_last_run_duration_seconds ") })
    }

    @Test func anAPIErrorIsCountedAndTheLastGoodResultKept() throws {
        let cluster = try RecordedCluster()
        let log = LogCapture()
        let monitor = monitor(cluster, log: log)
        monitor.runOnce()
        cluster.failing[.deployments] = Refused()
        monitor.runOnce()
        #expect(monitor.isReady && monitor.lastResult?.summary.violating == 3)
        let metrics = monitor.renderMetrics()
        #expect(metrics.contains("capguard_audit_api_errors_total{reason=\"Forbidden\"} 1\n"))
        #expect(metrics.contains("capguard_audit_runs_total{result=\"failure\"} 1\n"))
        #expect(metrics.contains("capguard_audit_violating_objects{namespace=\"\(Self.ns)\",kind=\"Deployment\"} 1\n"))
        let failure = try #require(log.entries.first { $0["message"] as? String == "audit run failed; keeping the last complete result" })
        #expect((failure["metadata"] as? [String: Any])?["reason"] as? String == "Forbidden" || failure["reason"] as? String == "Forbidden")
    }

    @Test func aFailedFirstRunIsNotReady() throws {
        let cluster = try RecordedCluster()
        cluster.failing[.pods] = Refused()
        let monitor = monitor(cluster, log: LogCapture())
        monitor.runOnce()
        #expect(!monitor.isReady)
        #expect(!monitor.renderMetrics().contains("capguard_audit_objects"))
    }

    @Test func logsOneLinePerFindingThatAppearsOrIsFixed() throws {
        let cluster = try RecordedCluster()
        let log = LogCapture()
        let monitor = monitor(cluster, log: log)
        monitor.runOnce()
        func changes(_ message: String) -> [String] {
            log.lines.filter { $0.contains("\"\(message)\"") }
        }
        #expect(changes("audit finding new").count == 3)
        monitor.runOnce()
        #expect(changes("audit finding new").count == 3 && changes("audit finding fixed").isEmpty)
        cluster.remove(.pods, named: "loner-bad")
        monitor.runOnce()
        let fixed = changes("audit finding fixed")
        #expect(fixed.count == 1)
        #expect(fixed.first?.contains("loner-bad") == true && fixed.first?.contains("added-capability") == true)
        #expect(changes("audit finding new").count == 3)
    }

    @Test func namespacesPastTheCapAreFoldedUnderOther() throws {
        let cluster = try RecordedCluster()
        for index in 0..<5 {
            cluster.add(KubeObject(apiVersion: "v1", kind: "Pod", metadata: ObjectMetadata(name: "p", namespace: "ns-\(index)", uid: "u\(index)"),
                                   podSpec: PodSpec(containers: [Container(name: "c")])), to: .pods)
        }
        let monitor = monitor(cluster, log: LogCapture(), maxSeries: 3)
        monitor.runOnce()
        let metrics = monitor.renderMetrics().split(separator: "\n").filter { $0.hasPrefix("capguard_audit_violating_objects{") }
        #expect(metrics.count == 3)
        #expect(metrics.last == "capguard_audit_violating_objects{namespace=\"_other\",kind=\"Pod\"} 6")
        #expect(monitor.renderMetrics().contains("capguard_audit_series_folded "))
    }

    @Test func theRoutesServeReadinessAfterTheFirstRunAndMetrics() throws {
        let cluster = try RecordedCluster()
        let monitor = monitor(cluster, log: LogCapture())
        let server = try HTTPServer(configuration: HTTPServerConfiguration(host: "127.0.0.1", port: 0), tls: .development,
                                    router: AuditRoutes.router(monitor), logger: Logger(label: "test") { _ in SwiftLogNoOpLogHandler() })
        try server.start()
        defer {
            server.shutdown()
            server.waitUntilStopped()
        }
        let before = try Curl.send(port: server.boundPort, [("/healthz", nil), ("/readyz", nil)])
        #expect(before.map(\.status) == [200, 503])
        monitor.runOnce()
        let after = try Curl.send(port: server.boundPort, [("/readyz", nil), ("/metrics", nil)])
        #expect(after.map(\.status) == [200, 200])
        #expect(after[1].text.contains("capguard_audit_objects{status=\"violating\"} 3\n"))
        #expect(after[1].text.contains("process_resident_memory_bytes "))
    }

    @Test func runStopsWhenAsked() throws {
        let monitor = monitor(try RecordedCluster(), log: LogCapture())
        let done = DispatchSemaphore(value: 0)
        DispatchQueue.global().async {
            monitor.run(every: .seconds(3600))
            done.signal()
        }
        try waitUntil { monitor.isReady }
        monitor.stop()
        done.wait()
        #expect(monitor.renderMetrics().contains("capguard_audit_runs_total{result=\"success\"} 1\n"))
    }
}
