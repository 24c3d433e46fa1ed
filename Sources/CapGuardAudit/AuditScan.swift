import CapGuardKube
import CapGuardPolicy

/// One complete audit: every kind of `ClusterAudit.listingOrder`, page by page, in one namespace or all.
public enum AuditScan {
    /// Lists and evaluates; throws the first error of the lister, since an audit missing a kind would report
    /// pods as standalone and workloads as compliant by omission.
    public static func run(lister: any ObjectLister, namespace: String?, policies: PolicySet) throws -> AuditResult {
        var audit = ClusterAudit(policies: policies)
        for resource in ClusterAudit.listingOrder {
            try lister.list(resource, namespace: namespace) { page in audit.add(page) }
        }
        return audit.result
    }

    /// The word an error is counted under in metrics and logs.
    public static func reason(of error: any Error) -> String {
        (error as? any APIFailureReason)?.reason ?? "other"
    }
}
