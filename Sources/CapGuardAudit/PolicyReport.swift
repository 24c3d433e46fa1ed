import CapGuardKube
import CapGuardPolicy
import FoundationEssentials
import Glibc

/// A `wgpolicyk8s.io/v1alpha2` PolicyReport (one per namespace) or ClusterPolicyReport (cluster-scoped
/// objects), as the Kubernetes Policy working group's prototype defines them, so that readers of PolicyReports
/// (Policy Reporter, Kyverno's UI) show capguard's findings.
///
/// Each reported object gives results: one `fail` per violation (rule `drop-all`, `added-capability`,
/// `adds-all`, `unknown-capability` or `privileged`), a `fail` of rule `running-pods` when the template complies
/// but pods made from an older one still violate, `skip` for exempt objects and Windows pods, and one `pass`
/// (rule `capabilities`) for a compliant object.
public struct PolicyReport: Encodable, Sendable, Equatable {
    public static let group = "wgpolicyk8s.io"
    public static let apiVersion = "wgpolicyk8s.io/v1alpha2"
    public static let name = "capguard"

    public struct Metadata: Encodable, Sendable, Equatable {
        public var name: String
        public var namespace: String?
        public var labels: [String: String]
        public var resourceVersion: String?
    }

    public struct Reference: Encodable, Sendable, Equatable {
        public var apiVersion: String
        public var kind: String
        public var name: String
        public var namespace: String?
        public var uid: String?
    }

    public struct Timestamp: Encodable, Sendable, Equatable {
        public var seconds: Int
        public var nanos: Int

        public init(seconds: Int, nanos: Int) {
            self.seconds = seconds
            self.nanos = nanos
        }

        public static func now() -> Timestamp {
            var time = timespec()
            clock_gettime(CLOCK_REALTIME, &time)
            return Timestamp(seconds: time.tv_sec, nanos: time.tv_nsec)
        }
    }

    public struct Result: Encodable, Sendable, Equatable {
        public var policy = PolicyReport.name
        public var rule: String
        public var result: String
        public var severity: String?
        public var category = "Linux capabilities"
        public var message: String
        public var resources: [Reference]
        public var properties: [String: String]
        public var source = "capguard"
        public var scored = true
        public var timestamp: Timestamp
    }

    public struct Summary: Encodable, Sendable, Equatable {
        public var pass = 0
        public var fail = 0
        public var warn = 0
        public var error = 0
        public var skip = 0
    }

    public var apiVersion = PolicyReport.apiVersion
    public var kind: String
    public var metadata: Metadata
    public var scope: Reference?
    public var summary: Summary
    public var results: [Result]

    /// The reports for `result`: one per namespace among its objects, plus `namespace` (the audited one, if
    /// any) even when empty, so that its report stops listing what was fixed or deleted; a ClusterPolicyReport
    /// when objects without a namespace were audited.
    public static func reports(for result: AuditResult, namespace: String?, at time: Timestamp) -> [PolicyReport] {
        var byNamespace: [String?: [Result]] = [:]
        if let namespace { byNamespace[namespace] = [] }
        for object in result.objects {
            byNamespace[object.namespace, default: []] += results(for: object, at: time)
        }
        return byNamespace.sorted { ($0.key ?? "") < ($1.key ?? "") }.map { namespace, results in
            var summary = Summary()
            for result in results {
                switch result.result {
                case "pass": summary.pass += 1
                case "fail": summary.fail += 1
                default: summary.skip += 1
                }
            }
            return PolicyReport(
                kind: namespace == nil ? "ClusterPolicyReport" : "PolicyReport",
                metadata: Metadata(name: name, namespace: namespace, labels: ["app.kubernetes.io/managed-by": "capguard"]),
                scope: namespace.map { Reference(apiVersion: "v1", kind: "Namespace", name: $0) },
                summary: summary, results: results)
        }
    }

    static func results(for object: AuditedObject, at time: Timestamp) -> [Result] {
        let resource = Reference(apiVersion: object.apiVersion, kind: object.kind, name: object.name,
                                 namespace: object.namespace, uid: object.uid)
        var properties = ["pods": "\(object.pods)", "violatingPods": "\(object.violatingPods)"]
        if !object.exemptions.isEmpty { properties["exemptions"] = object.exemptions.joined(separator: ", ") }
        func result(_ rule: String, _ outcome: String, _ severity: String?, _ message: String, _ extra: [String: String] = [:]) -> Result {
            Result(rule: rule, result: outcome, severity: severity, message: message, resources: [resource],
                   properties: properties.merging(extra) { $1 }, timestamp: time)
        }
        switch object.status {
        case .exempt:
            return [result("exemption", "skip", nil, "\(object.reference): exempt (\(object.exemptions.joined(separator: ", ")))")]
        case .windowsPod:
            return [result("windows-pod", "skip", nil, "\(object.reference): a Windows pod, which has no Linux capabilities")]
        case .violating:
            var results = object.violations.map {
                result($0.rule.rawValue, "fail", severity(of: $0.rule), $0.message, ["container": $0.container, "field": $0.field])
            }
            if object.omittedViolations > 0 {
                results.append(result("capabilities", "fail", "medium",
                                      "\(object.reference): \(object.omittedViolations) more violations not listed"))
            }
            return results
        case .compliant where object.violatingPods > 0:
            return [result("running-pods", "fail", "medium",
                           "\(object.reference): the template complies, but \(object.violatingPods) of \(object.pods) running pods "
                               + "still violate: they were made from an older template and are replaced when restarted")]
        case .compliant:
            return [result("capabilities", "pass", nil, "\(object.reference): every container drops ALL capabilities and adds only allowed ones")]
        }
    }

    static func severity(of rule: RuleID) -> String {
        switch rule {
        case .privileged, .addsAll: "high"
        case .addedCapability, .dropAll: "medium"
        case .unknownCapability, .dropAllSpelling: "low"
        }
    }

    /// The collection this report is created in.
    var collectionPath: String {
        if let namespace = metadata.namespace { return "/apis/\(Self.apiVersion)/namespaces/\(namespace)/policyreports" }
        return "/apis/\(Self.apiVersion)/clusterpolicyreports"
    }

    var path: String { "\(collectionPath)/\(metadata.name)" }

    func body() throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return Array(try encoder.encode(self))
    }
}
