import ArgumentParser
import CapGuardAudit
import CapGuardKube
import CapGuardKubeClient
import CapGuardPolicy
import CapGuardWebhook

struct AuditCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit",
        abstract: "Audit what already runs in a cluster, once or continuously.",
        discussion: """
            Lists Pods and workloads (Deployments, ReplicaSets, StatefulSets, DaemonSets, Jobs, CronJobs, \
            ReplicationControllers) page by page and evaluates them with the policy, its exemptions by namespace \
            and image, and its per-namespace overrides (exemptions by user and group need a request, so they do \
            not apply). A Pod owned by a workload is reported under its top owner with the count of its pods.
            Once: prints like check (text grouped by namespace, or --output json) and exits 0 when everything \
            complies, 1 when anything violates or runs violating pods, 2 when the API cannot be read or on bad usage.
            With --interval and --listen: audits on that interval and serves /metrics, /healthz and /readyz over \
            HTTPS (the flags of serve); one JSON log line per finding that appears or is fixed; SIGTERM stops it.
            --policy-reports writes a wgpolicyk8s.io/v1alpha2 PolicyReport per namespace when the CRD is installed.
            """
    )

    @Option(help: "kubeconfig file (default: KUBECONFIG, ~/.kube/config, or the in-cluster ServiceAccount).")
    var kubeconfig: String?

    @Option(help: "kubeconfig context (default: the current context).")
    var context: String?

    @Option(name: [.short, .long], help: "Namespace to audit (default: the context's, or default).")
    var namespace: String?

    @Flag(name: [.customShort("A"), .long], help: "Audit every namespace.")
    var allNamespaces = false

    @Option(help: "Policy file (default: the embedded policy).")
    var config: String?

    @Option(help: "text or json.")
    var output: OutputFormat = .text

    @Option(help: "Audit again after this long (30s, 5m, 1h): keeps running and serves metrics on --listen.")
    var interval: AuditInterval?

    @Option(help: "Address of /metrics, /healthz and /readyz in continuous mode, HOST:PORT.")
    var listen: ListenAddress?

    @Option(help: "Serving certificate for --listen (PEM); without it a self-signed development certificate.")
    var tlsCert: String?

    @Option(help: "Private key of --tls-cert (PEM).")
    var tlsKey: String?

    @Flag(help: "Write wgpolicyk8s.io/v1alpha2 PolicyReports (when the CRD is installed).")
    var policyReports = false

    func validate() throws {
        if namespace != nil && allNamespaces { throw ValidationError("give -n NAMESPACE or -A, not both") }
        if (interval == nil) != (listen == nil) { throw ValidationError("--interval and --listen go together") }
        if (tlsCert == nil) != (tlsKey == nil) { throw ValidationError("--tls-cert and --tls-key go together") }
        if tlsCert != nil && listen == nil { throw ValidationError("--tls-cert serves --listen, which needs --interval") }
    }

    func run() throws {
        let policies = try PolicyLoading.load(config)
        let client: AuditClient
        do {
            client = try Self.makeClient(kubeconfig: kubeconfig, context: context)
        } catch {
            printError("capguard audit: \(error)")
            throw ExitCode(2)
        }
        let scope = allNamespaces ? nil : (namespace ?? client.defaultNamespace)
        if let interval, let listen {
            try AuditContinuously(
                client: client, namespace: scope, policies: policies, interval: interval.duration, listen: listen,
                tlsCert: tlsCert, tlsKey: tlsKey, policyReports: policyReports
            ).run()
            return
        }
        let once = AuditOnce(lister: client.lister, namespace: scope, policies: policies, json: output == .json)
        let (status, result) = once.run(output: { print($0) }, errors: printError)
        if policyReports, let result {
            let writer = PolicyReportWriter(requester: client.requester)
            do {
                if try writer.write(result, namespace: scope, now: .now()) == .notInstalled {
                    printError("capguard audit: PolicyReports not written: the wgpolicyk8s.io/v1alpha2 API is not served (is the CRD installed?)")
                }
            } catch {
                printError("capguard audit: cannot write PolicyReports: \(error)")
                throw ExitCode(2)
            }
        }
        if status != 0 { throw ExitCode(status) }
    }

    /// The Kubernetes API client: the one place that names the client's implementation.
    static func makeClient(kubeconfig: String?, context: String?) throws -> AuditClient {
        let connection = try KubeConnection.load(kubeconfig: kubeconfig, context: context)
        for warning in connection.warnings { printError("capguard audit: warning: \(warning)") }
        let client = APIClient(connection: connection, userAgent: "capguard/\(BuildInfo.version)")
        return AuditClient(
            lister: PaginatedLister(requester: client), requester: client, defaultNamespace: connection.namespace ?? "default")
    }
}

/// What the audit needs of the API: pages of objects, single requests (PolicyReports), and the namespace the
/// kubeconfig context names (or "default"), as kubectl takes it.
struct AuditClient {
    let lister: any ObjectLister
    let requester: any APIRequester
    let defaultNamespace: String
}

/// `--interval`: a number with a unit, s, m or h, as kubectl's durations; at least one second.
struct AuditInterval: ExpressibleByArgument {
    let duration: Duration

    init?(argument: String) {
        let units: [Character: Double] = ["s": 1, "m": 60, "h": 3600]
        guard let unit = argument.last, let factor = units[unit], let value = Double(argument.dropLast()),
              value.isFinite, value * factor >= 1, value * factor <= 7 * 86400 else { return nil }
        duration = .milliseconds(value * factor * 1000)
    }
}
