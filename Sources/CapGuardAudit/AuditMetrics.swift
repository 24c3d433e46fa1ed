import CapGuardKube
import CapGuardServer

/// The audit's /metrics, in Prometheus' text format.
///
/// Namespaces come from the cluster, so the families labelled by namespace are capped: each keeps at most
/// `maxSeries` label sets (namespaces in name order), and what is past the cap is summed under
/// `namespace="_other"`; `capguard_audit_series_folded` says how many label sets were folded so.
public struct AuditMetrics: Sendable {
    public static let defaultMaxSeries = 2000

    public let maxSeries: Int

    public init(maxSeries: Int = defaultMaxSeries) { self.maxSeries = max(1, maxSeries) }

    struct SeriesKey: Hashable, Comparable {
        var namespace: String
        var kind: String
        var rule: String?

        static func < (a: SeriesKey, b: SeriesKey) -> Bool {
            (a.namespace, a.kind, a.rule ?? "") < (b.namespace, b.kind, b.rule ?? "")
        }

        var labels: String {
            var labels = "namespace=\"\(PrometheusLabelValue.escaped(namespace))\",kind=\"\(PrometheusLabelValue.escaped(kind))\""
            if let rule { labels += ",rule=\"\(rule)\"" }
            return labels
        }
    }

    func render(_ state: AuditMonitor.State, process: ProcessStatistics?) -> String {
        var out: [String] = []
        var folded = 0
        func family(_ name: String, _ type: String, _ help: String) {
            out.append("# HELP \(name) \(help)")
            out.append("# TYPE \(name) \(type)")
        }
        func series(_ name: String, _ counts: [SeriesKey: Int]) {
            let (kept, extra) = capped(counts)
            folded += extra
            for (key, count) in kept { out.append("\(name){\(key.labels)} \(count)") }
        }

        let objects = state.last?.objects ?? []
        var violatingObjects: [SeriesKey: Int] = [:]
        var violatingContainers: [SeriesKey: Int] = [:]
        var violatingPods: [SeriesKey: Int] = [:]
        var exemptObjects: [SeriesKey: Int] = [:]
        for object in objects {
            let key = SeriesKey(namespace: object.namespace ?? "", kind: object.kind)
            switch object.status {
            case .violating:
                violatingObjects[key, default: 0] += 1
                // A container counts once per rule it breaks, however many entries break it.
                var seen: Set<String> = []
                for violation in object.violations where seen.insert("\(violation.container)\u{0}\(violation.rule.rawValue)").inserted {
                    violatingContainers[SeriesKey(namespace: key.namespace, kind: key.kind, rule: violation.rule.rawValue), default: 0] += 1
                }
            case .exempt:
                exemptObjects[key, default: 0] += 1
            case .compliant, .windowsPod:
                break
            }
            if object.violatingPods > 0 { violatingPods[key, default: 0] += object.violatingPods }
        }

        family("capguard_audit_violating_objects", "gauge", "Objects (top owners and standalone pods) whose spec violates the policy, by namespace and kind, as of the last complete audit.")
        series("capguard_audit_violating_objects", violatingObjects)
        family("capguard_audit_violating_containers", "gauge", "Containers of violating objects, by namespace, kind and rule broken, as of the last complete audit.")
        series("capguard_audit_violating_containers", violatingContainers)
        family("capguard_audit_violating_pods", "gauge", "Running pods whose own spec violates, by namespace and kind of their top owner, as of the last complete audit.")
        series("capguard_audit_violating_pods", violatingPods)
        family("capguard_audit_exempt_objects", "gauge", "Objects an exemption by namespace covers, by namespace and kind, as of the last complete audit.")
        series("capguard_audit_exempt_objects", exemptObjects)
        family("capguard_audit_series_folded", "gauge", "Label sets summed under namespace=\"_other\" because a family reached its cap of series.")
        out.append("capguard_audit_series_folded \(folded)")

        if let summary = state.last?.summary {
            family("capguard_audit_objects", "gauge", "Objects of the last complete audit, by status.")
            out.append("capguard_audit_objects{status=\"violating\"} \(summary.violating)")
            out.append("capguard_audit_objects{status=\"compliant\"} \(summary.compliant)")
            out.append("capguard_audit_objects{status=\"exempt\"} \(summary.exempt)")
            out.append("capguard_audit_objects{status=\"windows_pod\"} \(summary.windows)")
            family("capguard_audit_pods", "gauge", "Pods covered by the last complete audit.")
            out.append("capguard_audit_pods \(summary.pods)")
        }
        family("capguard_audit_runs_total", "counter", "Audit runs, by result.")
        out.append("capguard_audit_runs_total{result=\"success\"} \(state.successfulRuns)")
        out.append("capguard_audit_runs_total{result=\"failure\"} \(state.failedRuns)")
        family("capguard_audit_api_errors_total", "counter", "Errors of the Kubernetes API, by reason.")
        for (reason, count) in state.apiErrors.sorted(by: { $0.key < $1.key }) {
            out.append("capguard_audit_api_errors_total{reason=\"\(PrometheusLabelValue.escaped(reason))\"} \(count)")
        }
        family("capguard_audit_policy_report_writes_total", "counter", "Rounds of PolicyReport writes, by result.")
        for (result, count) in state.policyReportWrites.sorted(by: { $0.key < $1.key }) {
            out.append("capguard_audit_policy_report_writes_total{result=\"\(result)\"} \(count)")
        }
        if let seconds = state.lastRunSeconds {
            family("capguard_audit_last_run_timestamp_seconds", "gauge", "When the last audit run started, complete or not, in seconds since the Unix epoch.")
            out.append("capguard_audit_last_run_timestamp_seconds \(seconds)")
        }
        if let seconds = state.lastSuccessSeconds {
            family("capguard_audit_last_success_timestamp_seconds", "gauge", "When the last complete audit run started, in seconds since the Unix epoch.")
            out.append("capguard_audit_last_success_timestamp_seconds \(seconds)")
        }
        if let seconds = state.lastRunDurationSeconds {
            family("capguard_audit_last_run_duration_seconds", "gauge", "How long the last audit run took.")
            out.append("capguard_audit_last_run_duration_seconds \(seconds)")
        }
        if let process {
            family("process_resident_memory_bytes", "gauge", "Resident memory size in bytes.")
            out.append("process_resident_memory_bytes \(process.residentBytes)")
            family("process_cpu_seconds_total", "counter", "Total user and system CPU time spent in seconds.")
            out.append("process_cpu_seconds_total \(process.cpuSeconds)")
        }
        return out.joined(separator: "\n") + "\n"
    }

    /// The series of one family within `maxSeries`: the first namespaces in name order kept, the rest summed
    /// under `_other`. Returns them sorted, and how many label sets were folded.
    func capped(_ counts: [SeriesKey: Int]) -> ([(SeriesKey, Int)], Int) {
        let sorted = counts.sorted { $0.key < $1.key }
        guard sorted.count > maxSeries else { return (sorted, 0) }
        var kept = Array(sorted.prefix(maxSeries - 1))
        var other: [SeriesKey: Int] = [:]
        for (key, count) in sorted.dropFirst(maxSeries - 1) {
            other[SeriesKey(namespace: "_other", kind: key.kind, rule: key.rule), default: 0] += count
        }
        // The folded series are per kind and rule, both bounded sets, so `_other` adds a bounded number.
        kept += other.sorted { $0.key < $1.key }
        return (kept, sorted.count - (maxSeries - 1))
    }
}
