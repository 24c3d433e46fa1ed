import CapGuardKube
import CapGuardPolicy
import FoundationEssentials

/// What `capguard audit` prints: text grouped by namespace with `capguard check`'s messages, or JSON.
///
/// The JSON shape: `{"objects": [...], "summary": {...}}`. Each object has `apiVersion`, `kind`, `namespace`,
/// `name`, `uid`, `status` (compliant, violating, exempt, windows_pod), `pods` and `violatingPods` (running
/// pods under it, and those whose own spec violates), `violations` (`rule`, `container`, `field`, `message`),
/// `advisories`, `grants` (what a grant allowed, worded as `check` words it), `exemptions`, and when set `omittedViolations`, `exampleViolatingPod` and `note`. The summary
/// counts `objects`, `violating`, `compliant`, `compliantWithViolatingPods`, `exempt`, `windows`, `pods` and
/// `violatingPods`.
public struct AuditReport: Encodable {
    public let objects: [Entry]
    public let summary: AuditResult.Summary

    public init(_ result: AuditResult) {
        objects = result.objects.map(Entry.init)
        summary = result.summary
    }

    public struct Entry: Encodable {
        struct Violation: Encodable {
            let rule: RuleID
            let container: String
            let field: String
            let message: String
        }

        let apiVersion: String
        let kind: String
        let namespace: String?
        let name: String
        let uid: String?
        let status: AuditedObject.Status
        let pods: Int
        let violatingPods: Int
        let exampleViolatingPod: String?
        let violations: [Violation]
        let omittedViolations: Int?
        let advisories: [String]
        let grants: [String]
        let exemptions: [String]
        let note: String?

        init(_ object: AuditedObject) {
            apiVersion = object.apiVersion
            kind = object.kind
            namespace = object.namespace
            name = object.name
            uid = object.uid
            status = object.status
            pods = object.pods
            violatingPods = object.violatingPods
            exampleViolatingPod = object.exampleViolatingPod
            violations = object.violations.map {
                Violation(rule: $0.rule, container: $0.container, field: $0.field, message: $0.message)
            }
            omittedViolations = object.omittedViolations > 0 ? object.omittedViolations : nil
            advisories = object.advisories
            grants = object.grants
            exemptions = object.exemptions
            note = object.note
        }
    }

    public func json() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(self), as: UTF8.self)
    }

    /// The text report's lines: per namespace, the messages of what needs attention, then one summary line.
    /// Compliant and exempt objects are only counted.
    public static func textLines(_ result: AuditResult) -> [String] {
        var lines: [String] = []
        var namespace: String??
        for object in result.objects where object.needsAttention || object.note != nil || !object.advisories.isEmpty || !object.grants.isEmpty {
            if namespace != .some(object.namespace) {
                namespace = .some(object.namespace)
                lines.append(object.namespace.map { "namespace \(ManifestText.escaped($0)):" } ?? "cluster-scoped:")
            }
            lines += objectLines(object).map { "  " + $0 }
        }
        lines.append(summaryLine(result.summary))
        return lines
    }

    static func objectLines(_ object: AuditedObject) -> [String] {
        var lines = object.violations.map(\.message)
        if object.omittedViolations > 0 { lines.append("\(object.reference): \(ViolationFormatter.moreViolations(object.omittedViolations))") }
        lines += object.advisories.map { "warning: \($0)" }
        lines += object.grants.map { "note: \($0)" }
        if object.kind != "Pod" && object.pods > 0 {
            let pods = object.pods == 1 ? "1 running pod" : "\(object.pods) running pods"
            if object.violatingPods == 0 {
                if object.status == .violating { lines.append("\(object.reference): \(pods), made before the template broke the policy or from an older one") }
            } else if object.status == .violating {
                lines.append("\(object.reference): \(pods), \(object.violatingPods) violating")
            } else {
                let example = object.exampleViolatingPod.map { ", such as \(ManifestText.escaped($0))" } ?? ""
                lines.append("\(object.reference): the template complies, but \(object.violatingPods) of \(pods) still violate"
                    + "\(example): they were made from an older template and are replaced when restarted")
            }
        }
        if let note = object.note { lines.append("note: \(object.reference): \(note)") }
        return lines
    }

    static func summaryLine(_ summary: AuditResult.Summary) -> String {
        var line = "\(summary.objects) objects: \(summary.violating) violating, \(summary.compliant) compliant"
        if summary.compliantWithViolatingPods > 0 {
            line += " (\(summary.compliantWithViolatingPods) with violating pods still running)"
        }
        line += ", \(summary.exempt) exempt, \(summary.windows) Windows; "
        line += "\(summary.pods) pods covered, \(summary.violatingPods) violating"
        return line
    }
}
