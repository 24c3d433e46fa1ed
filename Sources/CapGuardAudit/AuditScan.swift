import CapGuardKube
import CapGuardPolicy

/// One complete audit: every kind of `ClusterAudit.listingOrder`, page by page, in one namespace or all.
public enum AuditScan {
    /// Lists and evaluates; throws the first error of the lister, since an audit missing a kind would report
    /// pods as standalone and workloads as compliant by omission.
    ///
    /// A list whose continue token expired (410 Gone, `Expired`: etcd compacted the snapshot it pointed into)
    /// starts the whole audit over, once: the pages already folded and those of a fresh list would not
    /// describe one moment, and owners listed earlier must match the pods listed later.
    public static func run(lister: any ObjectLister, namespace: String?, policies: PolicySet) throws -> AuditResult {
        do {
            return try scan(lister: lister, namespace: namespace, policies: policies)
        } catch let error as any APIFailureReason where error.reason == "Expired" {
            return try scan(lister: lister, namespace: namespace, policies: policies)
        }
    }

    private static func scan(lister: any ObjectLister, namespace: String?, policies: PolicySet) throws -> AuditResult {
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
