import CapGuardKube
import CapGuardPolicy

/// `capguard audit` run once: lists, evaluates, prints, and gives the exit status of `capguard check`
/// (0 when nothing needs attention, 1 when anything violates or runs violating pods, 2 when the API could not
/// be read).
public struct AuditOnce {
    public var lister: any ObjectLister
    public var namespace: String?
    public var policies: PolicySet
    public var json: Bool

    public init(lister: any ObjectLister, namespace: String?, policies: PolicySet, json: Bool) {
        self.lister = lister
        self.namespace = namespace
        self.policies = policies
        self.json = json
    }

    /// Runs; `output` gets the report, `errors` what went wrong. Returns the result too, for PolicyReports.
    public func run(output: (String) -> Void, errors: (String) -> Void) -> (status: Int32, result: AuditResult?) {
        let result: AuditResult
        do {
            result = try AuditScan.run(lister: lister, namespace: namespace, policies: policies)
        } catch {
            errors("capguard audit: cannot list the cluster's objects: \(error)")
            return (2, nil)
        }
        if json {
            do {
                output(try AuditReport(result).json())
            } catch {
                errors("capguard audit: \(error)")
                return (2, result)
            }
        } else {
            for line in AuditReport.textLines(result) { output(line) }
        }
        return (result.needsAttention ? 1 : 0, result)
    }
}
