import CapGuardJSON

/// Turns findings into the words a user reads: full messages that say what to change (denials, `capguard
/// check`), and short one-line warnings (kubectl prints them as `Warning: ...`).
///
/// A denial reaches the user after kubectl's prefix `Error from server (Forbidden): admission webhook "..."
/// denied the request: `, so each message starts with the object and reads as a sentence.
public struct ViolationFormatter: Sendable {
    /// The object the pod spec belongs to.
    public var object: ObjectReference
    /// The pod spec's path in the object: `spec.template.spec`.
    public var podSpecPath: FieldPath
    /// The allowlist in force, named in messages about refused capabilities.
    public var policy: Policy

    public init(object: ObjectReference, podSpecPath: FieldPath, policy: Policy) {
        self.object = object
        self.podSpecPath = podSpecPath
        self.policy = policy
    }

    /// The container's full path in the object, e.g. `spec.template.spec.containers[0]`.
    public func path(of container: ContainerReference) -> FieldPath { container.path(below: podSpecPath) }

    public func message(for violation: Violation) -> String {
        let container = violation.container
        let subject = "\(object): \(container.list.noun) \(container.name.quotedForMessage) (\(path(of: container)))"
        switch violation.rule {
        case .mustDropAll(let problem):
            return "\(subject) \(dropProblemMessage(problem, container: container))"
        case .capabilityNotAllowed(let capability, let written):
            return "\(subject) adds \(spelled(capability, as: written)), which is not allowed (\(allowedClause)): "
                + "\(capability.name) lets it \(capability.summary); remove it from securityContext.capabilities.add"
        case .addsAll(let spelling):
            return "\(subject) adds \(spelling.quotedForMessage), which grants every capability and is never allowed: "
                + "remove it from securityContext.capabilities.add and add only what the container needs (\(allowedClause))"
        case .unknownCapability(let raw):
            return "\(subject) adds \(raw.quotedForMessage), which is not a known Linux capability\(suggestion(for: raw)): "
                + "fix or remove it in securityContext.capabilities.add"
        case .privileged:
            return "\(subject) is privileged, which grants every capability whatever it drops: "
                + "remove securityContext.privileged: true"
        }
    }

    /// One line, no newline, short: `spec.containers[0].securityContext.capabilities.drop: must include ALL`.
    public func warning(for violation: Violation) -> String {
        let field = violation.container.path(below: podSpecPath, field: violation.field)
        switch violation.rule {
        case .mustDropAll(.capPrefixedAll(let spelling)):
            return "\(field): must include ALL (\(spelling.quotedForMessage) is not ALL)"
        case .mustDropAll:
            return "\(field): must include ALL"
        case .capabilityNotAllowed(let capability, _):
            return "\(field): \(capability.name) (\(capability.brief)) is not allowed"
        case .addsAll:
            return "\(field): ALL is never allowed"
        case .unknownCapability(let raw):
            return "\(field): \(raw.quotedForMessage) is not a Linux capability"
        case .privileged:
            return "\(field): true grants every capability"
        }
    }

    public func message(for advisory: Advisory) -> String {
        switch advisory.kind {
        case .dropAllSpelling(let spelling):
            return "\(object): \(advisory.container.list.noun) \(advisory.container.name.quotedForMessage) "
                + "(\(path(of: advisory.container))) drops \(spelling.quotedForMessage): container runtimes read it as ALL, "
                + "but Pod Security Admission's restricted profile requires exactly \"ALL\""
        }
    }

    public func warning(for advisory: Advisory) -> String {
        let field = advisory.container.path(below: podSpecPath, field: advisory.field)
        switch advisory.kind {
        case .dropAllSpelling(let spelling):
            return "\(field): write \"ALL\", not \(spelling.quotedForMessage) (Pod Security restricted requires it)"
        }
    }

    /// `Deployment net/cilium: container "agent" (spec.template.spec.containers[0]) adds NET_ADMIN, allowed by
    /// grant cilium-agent`: what a report says of a capability that only a grant allowed.
    public func message(for use: GrantUse) -> String {
        let container = use.container
        let subject = "\(object): \(container.list.noun) \(container.name.quotedForMessage) (\(path(of: container)))"
        switch use.permission {
        case .capability(let capability): return "\(subject) adds \(capability.name), allowed by grant \(Self.grantName(use))"
        case .privileged: return "\(subject) is privileged, allowed by grant \(Self.grantName(use))"
        }
    }

    /// One line, as a warning: `spec.containers[0].securityContext.capabilities.add[0]: NET_ADMIN allowed by
    /// grant cilium-agent`.
    public func warning(for use: GrantUse) -> String {
        let field = use.container.path(below: podSpecPath, field: use.field)
        switch use.permission {
        case .capability(let capability): return "\(field): \(capability.name) allowed by grant \(Self.grantName(use))"
        case .privileged: return "\(field): true allowed by grant \(Self.grantName(use))"
        }
    }

    /// The policy file restricts grant names to plain names; escaped all the same, since a `PolicySet` can be
    /// built in code.
    private static func grantName(_ use: GrantUse) -> String { TextSafety.escaped(use.grant) }

    /// The line that stands for grant uses left out.
    public static func moreGrantUses(_ count: Int) -> String {
        count == 1 ? "and 1 more use of a grant" : "and \(count) more uses of grants"
    }

    /// The line that stands for violations left out of a message, a list of warnings or a report.
    public static func moreViolations(_ count: Int) -> String {
        count == 1 ? "and 1 more violation" : "and \(count) more violations"
    }

    /// The line that stands for warnings left out.
    public static func moreWarnings(_ count: Int) -> String {
        count == 1 ? "and 1 more warning" : "and \(count) more warnings"
    }

    /// How many names of a drop list without ALL a message quotes; a drop list can be as long as the request.
    static let listedDropNames = 10

    private var allowedClause: String {
        policy.allowedCapabilities.isEmpty
            ? "no capability may be added"
            : "allowed: " + policy.allowedCapabilities.map(\.name).joined(separator: ", ")
    }

    private func dropProblemMessage(_ problem: Violation.DropProblem, container: ContainerReference) -> String {
        let fix = "securityContext.capabilities.drop: [\"ALL\"]"
        switch problem {
        case .noSecurityContext where container.list == .ephemeralContainers:
            return "must drop ALL capabilities: add \(fix) (kubectl debug: use --profile=restricted, which does)"
        case .noSecurityContext, .noCapabilities, .emptyDropList:
            return "must drop ALL capabilities: add \(fix)"
        case .individualCapabilities(let names):
            var listed = names.prefix(Self.listedDropNames).map(\.quotedForMessage).joined(separator: ", ")
            if names.count > Self.listedDropNames { listed += " and \(names.count - Self.listedDropNames) more" }
            return "drops only \(listed), not ALL: set \(fix) and add back only what it needs"
        case .capPrefixedAll(let spelling):
            return "drops \(spelling.quotedForMessage), which no container runtime reads as ALL: write \(fix)"
        }
    }

    /// `SYS_ADMIN`, or `"cap_sys_admin" (SYS_ADMIN)` when the manifest spells it another way.
    private func spelled(_ capability: LinuxCapability, as written: String) -> String {
        written == capability.name ? capability.name : "\(written.quotedForMessage) (\(capability.name))"
    }

    private func suggestion(for raw: String) -> String {
        guard let near = CapabilityName.closestKnown(to: raw) else { return "" }
        return " (did you mean \(near.name)?)"
    }
}
