import CapGuardJSON
import CapGuardPolicy

/// The effective policy written out in full as policy-file YAML: every key explicit, every namespace override
/// complete. `capguard policy check` prints it so that a reviewer sees what a file really means.
public enum EffectivePolicyDocument {
    public static func yaml(_ policies: PolicySet) -> String {
        var lines: [String] = []
        lines += policyLines(policies.base, indent: "")
        let exemptions = policies.exemptions
        lines.append("exemptions:")
        lines.append("  namespaces: \(flow(exemptions.namespaces))")
        lines.append("  users: \(flow(exemptions.users))")
        lines.append("  groups: \(flow(exemptions.groups))")
        lines.append("  images: \(flow(exemptions.images))")
        lines += grantLines(policies.grants)
        if policies.namespaceOverrides.isEmpty {
            lines.append("namespaces: {}")
        } else {
            lines.append("namespaces:")
            for name in policies.namespaceOverrides.keys.sorted() {
                lines.append("  \(name):")
                lines += policyLines(policies.namespaceOverrides[name]!, indent: "    ")
            }
        }
        lines += mutationLines(policies.mutation)
        return lines.joined(separator: "\n") + "\n"
    }

    /// Every key of every grant, image patterns normalised (`nginx:*` is `docker.io/library/nginx:*`).
    private static func grantLines(_ grants: [Grant]) -> [String] {
        guard !grants.isEmpty else { return ["grants: []"] }
        var lines = ["grants:"]
        for grant in grants {
            lines += [
                "  - name: \(JSONText.string(grant.name))",
                "    namespaces: \(flow(grant.namespaces))",
                "    serviceAccounts: \(flow(grant.serviceAccounts))",
                "    images: \(flow(grant.images.map(\.description)))",
                "    containers: \(flow(grant.containers))",
                "    allowedCapabilities: \(flow(grant.allowedCapabilities.map(\.name)))",
                "    allowPrivileged: \(grant.allowPrivileged)",
            ]
        }
        return lines
    }

    private static func policyLines(_ policy: Policy, indent: String) -> [String] {
        [
            "\(indent)mode: \(policy.mode.rawValue)",
            "\(indent)allowedCapabilities: \(flow(policy.allowedCapabilities.map(\.name)))",
            "\(indent)denyPrivileged: \(policy.denyPrivileged)",
        ]
    }

    private static func mutationLines(_ mutation: MutationSettings) -> [String] {
        [
            "mutation:",
            "  dropAll: \(mutation.dropAll)",
            "  defaultAddCapabilities: \(flow(mutation.defaultAddCapabilities.map(\.name)))",
        ]
    }

    /// A YAML flow sequence, every item a JSON string literal: YAML reads it back as the same text, however
    /// long, and one with a control or invisible character shows it as a `\uXXXX` escape. Quoted for messages
    /// instead, a long item was cut and an escape was Swift's `\u{...}`, and the document no longer read back
    /// as the policy it showed.
    private static func flow(_ items: [String]) -> String {
        "[" + items.map(JSONText.string).joined(separator: ", ") + "]"
    }
}
