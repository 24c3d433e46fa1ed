import CapGuardKube
import CapGuardPolicy
import CapGuardServer
import CapGuardSystem
import Dispatch
import Logging
import Synchronization

/// `capguard audit --interval`: audits again and again, one run at a time, keeps the last complete result
/// for /metrics, logs each finding that appears or is fixed, and writes PolicyReports when asked.
///
/// A run that fails (an API error) is counted by reason and logged; the last good result stays what /metrics
/// shows, and readiness, once reached after the first complete run, is kept.
public final class AuditMonitor: Sendable {
    /// What identifies one finding across runs.
    struct FindingKey: Hashable, Comparable {
        let kind: String
        let namespace: String
        let name: String
        let rule: String
        let container: String

        static func < (a: FindingKey, b: FindingKey) -> Bool {
            (a.namespace, a.kind, a.name, a.container, a.rule) < (b.namespace, b.kind, b.name, b.container, b.rule)
        }
    }

    struct State {
        var last: AuditResult?
        var findings: [FindingKey: String] = [:]
        var lastRunSeconds: Double?
        var lastRunDurationSeconds: Double?
        var lastSuccessSeconds: Double?
        var successfulRuns = 0
        var failedRuns = 0
        var apiErrors: [String: Int] = [:]
        var policyReportWrites: [String: Int] = [:]
    }

    private let lister: any ObjectLister
    private let reportWriter: PolicyReportWriter?
    private let namespace: String?
    private let policies: PolicySet
    private let logger: Logger
    public let metrics: AuditMetrics
    private let state = Mutex(State())
    private let stopped = Mutex(false)
    private let wakeUp = DispatchSemaphore(value: 0)

    /// `reportWriter` set writes PolicyReports after each complete run.
    public init(
        lister: any ObjectLister, namespace: String?, policies: PolicySet, reportWriter: PolicyReportWriter?, logger: Logger,
        maxSeries: Int = AuditMetrics.defaultMaxSeries
    ) {
        self.lister = lister
        self.namespace = namespace
        self.policies = policies
        self.reportWriter = reportWriter
        self.logger = logger
        metrics = AuditMetrics(maxSeries: maxSeries)
    }

    /// True once a run has completed.
    public var isReady: Bool { state.withLock { $0.last != nil } }

    /// The last complete result.
    public var lastResult: AuditResult? { state.withLock { $0.last } }

    /// The exposition of /metrics.
    public func renderMetrics(process: ProcessStatistics? = nil) -> String {
        metrics.render(state.withLock { $0 }, process: process)
    }

    /// One run: list, evaluate, log the changes, write PolicyReports.
    public func runOnce() {
        let start = MonotonicClock.now()
        let startedAt = PolicyReport.Timestamp.now()
        let outcome = Result { try AuditScan.run(lister: lister, namespace: namespace, policies: policies) }
        let duration = Double(MonotonicClock.now() - start) / 1e9
        let seconds = Double(startedAt.seconds) + Double(startedAt.nanos) / 1e9
        switch outcome {
        case .failure(let error):
            let reason = AuditScan.reason(of: error)
            state.withLock {
                $0.failedRuns += 1
                $0.apiErrors[reason, default: 0] += 1
                $0.lastRunSeconds = seconds
                $0.lastRunDurationSeconds = duration
            }
            logger.error("audit run failed; keeping the last complete result", metadata: [
                "reason": .string(reason), "error": .string("\(error)"),
            ])
        case .success(let result):
            let findings = Self.findings(of: result)
            let previous = state.withLock { state in
                defer {
                    state.last = result
                    state.findings = findings
                    state.successfulRuns += 1
                    state.lastRunSeconds = seconds
                    state.lastRunDurationSeconds = duration
                    state.lastSuccessSeconds = seconds
                }
                return state.findings
            }
            logChanges(from: previous, to: findings)
            logger.info("audit run complete", metadata: [
                "objects": .stringConvertible(result.summary.objects), "violating": .stringConvertible(result.summary.violating),
                "pods": .stringConvertible(result.summary.pods), "violatingPods": .stringConvertible(result.summary.violatingPods),
                "seconds": .stringConvertible(duration),
            ])
            if let reportWriter { writeReports(result, with: reportWriter, at: startedAt) }
        }
    }

    /// Runs now and then every `interval`, give or take `jitter` of it so that replicas and restarts do not
    /// line up on the apiserver, until `stop()`. Runs never overlap: the next waits for the last to end.
    public func run(every interval: Duration, jitter: Double = 0.1) {
        while !stopped.withLock({ $0 }) {
            runOnce()
            let factor = 1 + Double.random(in: -jitter...jitter)
            let wait = Double(interval.nanoseconds) * factor
            if wakeUp.wait(timeout: .now() + .nanoseconds(Int(wait))) == .success { break }
        }
    }

    /// Ends `run(every:)` after the run in progress, if any.
    public func stop() {
        stopped.withLock { $0 = true }
        wakeUp.signal()
    }

    private func writeReports(_ result: AuditResult, with writer: PolicyReportWriter, at time: PolicyReport.Timestamp) {
        do {
            let outcome = try writer.write(result, namespace: namespace, now: time)
            let label = outcome == .notInstalled ? "not_installed" : "success"
            state.withLock { $0.policyReportWrites[label, default: 0] += 1 }
            if outcome == .notInstalled {
                logger.warning("PolicyReports not written: the wgpolicyk8s.io/v1alpha2 API is not served (is the CRD installed?)")
            }
        } catch {
            let reason = AuditScan.reason(of: error)
            state.withLock {
                $0.policyReportWrites["failure", default: 0] += 1
                $0.apiErrors[reason, default: 0] += 1
            }
            logger.error("cannot write PolicyReports", metadata: ["reason": .string(reason), "error": .string("\(error)")])
        }
    }

    private func logChanges(from old: [FindingKey: String], to new: [FindingKey: String]) {
        for key in new.keys.sorted() where old[key] == nil {
            logger.info("audit finding new", metadata: metadata(key, message: new[key]!))
        }
        for key in old.keys.sorted() where new[key] == nil {
            logger.info("audit finding fixed", metadata: metadata(key, message: old[key]!))
        }
    }

    private func metadata(_ key: FindingKey, message: String) -> Logger.Metadata {
        ["kind": .string(key.kind), "namespace": .string(key.namespace), "name": .string(key.name),
         "rule": .string(key.rule), "container": .string(key.container), "message": .string(message)]
    }

    /// Violations of the evaluated specs, and the running pods that still violate, keyed across runs.
    static func findings(of result: AuditResult) -> [FindingKey: String] {
        var findings: [FindingKey: String] = [:]
        for object in result.objects {
            for violation in object.violations {
                let key = FindingKey(kind: object.kind, namespace: object.namespace ?? "", name: object.name,
                                     rule: violation.rule.rawValue, container: violation.container)
                findings[key] = findings[key] ?? violation.message
            }
            if object.status == .compliant && object.violatingPods > 0 {
                let key = FindingKey(kind: object.kind, namespace: object.namespace ?? "", name: object.name,
                                     rule: "running-pods", container: "")
                findings[key] = "\(object.reference): the template complies, but \(object.violatingPods) running pods still violate"
            }
        }
        return findings
    }
}
