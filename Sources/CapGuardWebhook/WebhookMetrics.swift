import CapGuardConfig
import CapGuardKube
import CapGuardPolicy
import CapGuardServer
import Synchronization

/// The counters behind `/metrics`, in Prometheus' text format.
public final class WebhookMetrics: Sendable {
    struct AdmissionKey: Hashable {
        let decision: AdmissionOutcome.Decision
        let mode: EnforcementMode
        let kind: String
        let operation: String
    }

    struct MutationKey: Hashable {
        let reason: MutationOutcome.Reason
        let kind: String
        let operation: String
    }

    private struct State {
        var admissions: [AdmissionKey: Int] = [:]
        var mutations: [MutationKey: Int] = [:]
        var malformed: [String: Int] = [:]
        /// By grant name: names come from the policy file, never from a request, so the label set is bounded
        /// by the grants the served policies have had.
        var grantUses: [String: Int] = [:]
        var decodeBudgetRefusals = 0
        var latency = LatencyHistogram()
    }

    private let state = Mutex(State())

    public init() {}

    func recordAdmission(_ outcome: AdmissionOutcome, kind: String, operation: String, seconds: Double) {
        // Kinds and operations come from the request: keep label values to the known ones so that a
        // hostile client cannot grow the metric set without bound.
        let key = AdmissionKey(decision: outcome.decision, mode: outcome.mode, kind: Self.kindLabel(kind),
                               operation: Self.operationLabel(operation))
        state.withLock {
            $0.admissions[key, default: 0] += 1
            $0.latency.observe(seconds)
            for grant in outcome.grantsUsed { $0.grantUses[grant, default: 0] += 1 }
        }
    }

    func recordMutation(_ outcome: MutationOutcome, kind: String, operation: String) {
        let key = MutationKey(reason: outcome.reason, kind: Self.kindLabel(kind), operation: Self.operationLabel(operation))
        state.withLock { $0.mutations[key, default: 0] += 1 }
    }

    func recordMalformed(reason: String) {
        state.withLock { $0.malformed[reason, default: 0] += 1 }
    }

    func recordDecodeBudgetRefusal() {
        state.withLock { $0.decodeBudgetRefusals += 1 }
    }

    /// The whole exposition: admissions, latency, malformed requests, the policy and its reloads, the server's
    /// connection counters and certificate, the build, and the standard process metrics when /proc gives them.
    public func render(
        server: ServerStatistics, policy: LoadedPolicy, reloads: PolicyReloader.Statistics?, process: ProcessStatistics?
    ) -> String {
        let snapshot = state.withLock { $0 }
        var out: [String] = []
        func family(_ name: String, _ type: String, _ help: String) {
            out.append("# HELP \(name) \(help)")
            out.append("# TYPE \(name) \(type)")
        }

        family("capguard_admission_requests_total", "counter", "Admission requests answered, by decision, mode, kind and operation.")
        for (key, count) in snapshot.admissions.sorted(by: { "\($0.key)" < "\($1.key)" }) {
            out.append("capguard_admission_requests_total{decision=\"\(key.decision.rawValue)\",mode=\"\(key.mode.rawValue)\","
                + "kind=\"\(key.kind)\",operation=\"\(key.operation)\"} \(count)")
        }
        family("capguard_mutation_requests_total", "counter", "Requests to /mutate, by result (patched, unchanged, "
               + "audit_would_patch, exempt, windows_pod, no_pod_spec, not_mutable), kind and operation.")
        for (key, count) in snapshot.mutations.sorted(by: { "\($0.key)" < "\($1.key)" }) {
            out.append("capguard_mutation_requests_total{result=\"\(key.reason.rawValue)\",kind=\"\(key.kind)\","
                + "operation=\"\(key.operation)\"} \(count)")
        }
        family("capguard_admission_duration_seconds", "histogram", "Time from a decoded request body to the encoded response.")
        out += snapshot.latency.lines(name: "capguard_admission_duration_seconds", labels: "")
        family("capguard_malformed_requests_total", "counter", "Admission requests refused with HTTP 400, by reason.")
        for (reason, count) in snapshot.malformed.sorted(by: { $0.key < $1.key }) {
            out.append("capguard_malformed_requests_total{reason=\"\(reason)\"} \(count)")
        }

        family("capguard_grant_uses_total", "counter", "Admission requests in which a grant allowed a capability or privileged, by grant.")
        var grantUses = snapshot.grantUses
        for grant in policy.policies.grants where grantUses[grant.name] == nil { grantUses[grant.name] = 0 }
        for (grant, count) in grantUses.sorted(by: { $0.key < $1.key }) {
            out.append("capguard_grant_uses_total{grant=\"\(PrometheusLabelValue.escaped(grant))\"} \(count)")
        }

        family("capguard_policy_generation", "gauge", "Generation of the policy being served: 1 at start, one more per successful reload.")
        out.append("capguard_policy_generation \(policy.generation)")
        family("capguard_policy_info", "gauge", "The policy being served: its source and the SHA-256 of its file.")
        out.append("capguard_policy_info{source=\"\(policy.path.map(PrometheusLabelValue.escaped) ?? "embedded-default")\",sha256=\"\(policy.contentHash)\"} 1")
        family("capguard_policy_reloads_total", "counter", "Policy file changes seen, by result.")
        out.append("capguard_policy_reloads_total{result=\"success\"} \(reloads?.succeeded ?? 0)")
        out.append("capguard_policy_reloads_total{result=\"rejected\"} \(reloads?.failed ?? 0)")
        family("capguard_policy_last_reload_rejected", "gauge", "1 while the newest policy file edit is rejected and the last good policy serves.")
        out.append("capguard_policy_last_reload_rejected \(reloads?.lastErrors.isEmpty == false ? 1 : 0)")

        family("capguard_open_connections", "gauge", "TLS connections open now.")
        out.append("capguard_open_connections \(server.openConnections)")
        family("capguard_accepted_connections_total", "counter", "TCP connections accepted.")
        out.append("capguard_accepted_connections_total \(server.acceptedConnections)")
        family("capguard_tls_handshake_failures_total", "counter", "TLS handshakes that failed (bad hello, refused client certificate, timeout).")
        out.append("capguard_tls_handshake_failures_total \(server.tlsHandshakeFailures)")
        family("capguard_http_responses_total", "counter", "HTTP responses sent, by status code.")
        for (status, count) in server.requestsByStatus.sorted(by: { $0.key < $1.key }) {
            out.append("capguard_http_responses_total{code=\"\(status)\"} \(count)")
        }
        family("capguard_buffered_request_bytes", "gauge", "Bytes held now for requests still arriving, against --max-buffered-request-bytes.")
        out.append("capguard_buffered_request_bytes \(server.bufferedRequestBytes)")
        family("capguard_limit_hits_total", "counter", "Clients cut off by a server limit, by limit.")
        for limit in ServerLimit.allCases {
            out.append("capguard_limit_hits_total{limit=\"\(limit.rawValue)\"} \(server.limitHits[limit] ?? 0)")
        }
        // The webhook's own: reviews refused with 503 while others held the memory for decoding.
        out.append("capguard_limit_hits_total{limit=\"review_decode_memory\"} \(snapshot.decodeBudgetRefusals)")
        family("capguard_certificate_reloads_total", "counter", "Serving certificate changes seen, by result.")
        out.append("capguard_certificate_reloads_total{result=\"success\"} \(server.certificateReloads)")
        out.append("capguard_certificate_reloads_total{result=\"rejected\"} \(server.certificateReloadFailures)")
        if let notAfter = server.certificateNotAfter {
            family("capguard_certificate_not_after_timestamp_seconds", "gauge", "When the serving certificate loaded now expires, in seconds since the Unix epoch.")
            out.append("capguard_certificate_not_after_timestamp_seconds \(notAfter)")
        }

        family("capguard_build_info", "gauge", "The capguard build serving: its version and the git commit it was built from.")
        out.append("capguard_build_info{version=\"\(PrometheusLabelValue.escaped(BuildInfo.version))\",revision=\"\(PrometheusLabelValue.escaped(BuildInfo.revision))\"} 1")
        if let process {
            out += Self.processLines(process)
        }
        return out.joined(separator: "\n") + "\n"
    }

    /// The process metrics under the names and help texts every Prometheus client uses for them.
    private static func processLines(_ process: ProcessStatistics) -> [String] {
        var out = [
            "# HELP process_cpu_seconds_total Total user and system CPU time spent in seconds.",
            "# TYPE process_cpu_seconds_total counter",
            "process_cpu_seconds_total \(process.cpuSeconds)",
            "# HELP process_resident_memory_bytes Resident memory size in bytes.",
            "# TYPE process_resident_memory_bytes gauge",
            "process_resident_memory_bytes \(process.residentBytes)",
            "# HELP process_open_fds Number of open file descriptors.",
            "# TYPE process_open_fds gauge",
            "process_open_fds \(process.openFileDescriptors)",
        ]
        if let maxFileDescriptors = process.maxFileDescriptors {
            out += [
                "# HELP process_max_fds Maximum number of open file descriptors.",
                "# TYPE process_max_fds gauge",
                "process_max_fds \(maxFileDescriptors)",
            ]
        }
        out += [
            "# HELP process_start_time_seconds Start time of the process since unix epoch in seconds.",
            "# TYPE process_start_time_seconds gauge",
            "process_start_time_seconds \(process.startTimeSeconds)",
        ]
        return out
    }

    private static func kindLabel(_ kind: String) -> String { WorkloadKind(rawValue: kind) != nil ? kind : "other" }

    private static func operationLabel(_ operation: String) -> String {
        ["CREATE", "UPDATE", "DELETE", "CONNECT"].contains(operation) ? operation : "other"
    }
}
