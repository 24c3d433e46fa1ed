import CapGuardPolicy
import CapGuardYAML

/// Checks manifests offline with the same policy the webhook serves, so that what passes in CI is what the
/// cluster admits.
///
/// The mode does not matter here: the checker reports what the policy refuses, whether the cluster would
/// deny it (enforce) or only report it (audit). Exemptions by namespace and image apply; exemptions by
/// user or group cannot, since there is no request.
public struct ManifestChecker: Sendable {
    public var policies: PolicySet

    public init(policies: PolicySet) { self.policies = policies }

    public func check(_ manifest: Manifest) -> CheckedObject {
        let object = manifest.object
        var result = CheckedObject(source: manifest.source, line: manifest.line, object: ManifestText.escaped(object.reference()))
        // An object without a pod spec is reported as skipped even in an exempt namespace: the report then
        // counts as exempt only objects that would have been checked.
        guard object.workload != nil else {
            result.status = .skipped
            return result
        }
        let findings: PodSpecFindings
        switch ObjectChecker(policies: policies).check(object, namespace: object.metadata.namespace) {
        case .noPodSpec:
            result.status = .skipped
            return result
        case .exempt(let exemption):
            result.status = .exempt
            result.exemptions = [exemption.description]
            return result
        case .evaluated(let evaluated):
            findings = evaluated
        }
        let evaluation = findings.evaluation
        result.exemptions = findings.exemptImages.map(\.description)
        if evaluation.skipped == .windowsPod {
            result.status = .windowsPod
            return result
        }
        let formatter = findings.formatter(naming: result.object)
        result.findings = evaluation.violations.map { violation in
            CheckedObject.Finding(
                position: manifest.mark(of: violation.container), isViolation: true,
                rule: violation.rule.id,
                field: violation.container.path(below: findings.podSpecPath, field: violation.field),
                container: ManifestText.escaped(violation.container.name), message: formatter.message(for: violation)
            )
        } + evaluation.advisories.map { advisory in
            CheckedObject.Finding(
                position: manifest.mark(of: advisory.container), isViolation: false,
                rule: advisory.kind.id,
                field: advisory.container.path(below: findings.podSpecPath, field: advisory.field),
                container: ManifestText.escaped(advisory.container.name), message: formatter.message(for: advisory)
            )
        }
        result.grantUses = evaluation.grantUses.map { use in
            CheckedObject.GrantedFinding(
                line: manifest.mark(of: use.container).line, field: use.container.path(below: findings.podSpecPath, field: use.field),
                container: ManifestText.escaped(use.container.name), use: use, message: formatter.message(for: use)
            )
        }
        result.omittedGrantUses = evaluation.grantUses.omittedCount
        result.omittedViolations = evaluation.violations.omittedCount
        result.omittedAdvisories = evaluation.advisories.omittedCount
        result.status = evaluation.violations.isEmpty ? .compliant : .violating
        return result
    }
}

/// The result of checking one object.
public struct CheckedObject: Sendable, Hashable, Encodable {
    public enum Status: String, Sendable, Hashable, Encodable {
        case compliant
        case violating
        /// Not a kind that carries a pod spec.
        case skipped
        case exempt
        case windowsPod = "windows_pod"
    }

    public struct Finding: Sendable, Hashable, Encodable {
        /// Where the container starts in the file.
        public let position: YAMLMark
        /// False for an advisory: reported, but not a violation.
        public let isViolation: Bool
        public let rule: RuleID
        public let field: FieldPath
        public let container: String
        public let message: String

        public var line: Int { position.line }

        private enum CodingKeys: String, CodingKey { case line, column, isViolation, rule, field, container, message }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(position.line, forKey: .line)
            try container.encode(position.column, forKey: .column)
            try container.encode(isViolation, forKey: .isViolation)
            try container.encode(rule, forKey: .rule)
            try container.encode(field.description, forKey: .field)
            try container.encode(self.container, forKey: .container)
            try container.encode(message, forKey: .message)
        }
    }

    /// What a grant allowed one container: reported beside the findings, never as one.
    public struct GrantedFinding: Sendable, Hashable, Encodable {
        public let line: Int
        public let field: FieldPath
        public let container: String
        public let grant: String
        /// The capability's name, or `privileged`.
        public let allows: String
        public let message: String

        public init(line: Int, field: FieldPath, container: String, use: GrantUse, message: String) {
            self.line = line
            self.field = field
            self.container = container
            grant = use.grant
            switch use.permission {
            case .capability(let capability): allows = capability.name
            case .privileged: allows = "privileged"
            }
            self.message = message
        }

        private enum CodingKeys: String, CodingKey { case line, field, container, grant, allows, message }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(line, forKey: .line)
            try container.encode(field.description, forKey: .field)
            try container.encode(self.container, forKey: .container)
            try container.encode(grant, forKey: .grant)
            try container.encode(allows, forKey: .allows)
            try container.encode(message, forKey: .message)
        }
    }

    public let source: String
    public let line: Int
    public let object: ObjectReference
    public var status: Status = .compliant
    /// The findings kept within `FindingLimits`, violations first.
    public var findings: [Finding] = []
    /// Violations and advisories counted but left out of `findings`.
    public var omittedViolations = 0
    public var omittedAdvisories = 0
    public var exemptions: [String] = []
    /// What grants allowed, within `FindingLimits`; `omittedGrantUses` more.
    public var grantUses: [GrantedFinding] = []
    public var omittedGrantUses = 0

    public init(source: String, line: Int, object: ObjectReference) {
        self.source = source
        self.line = line
        self.object = object
    }

    public var violations: [Finding] { findings.filter(\.isViolation) }

    /// Every violation of the object, those left out of `findings` included.
    public var violationCount: Int { violations.count + omittedViolations }

    private enum CodingKeys: String, CodingKey {
        case file, line, kind, namespace, name, status, violations, advisories, omittedViolations, omittedAdvisories, exemptions
        case grants, omittedGrantUses
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(source, forKey: .file)
        try container.encode(line, forKey: .line)
        try container.encode(object.kind, forKey: .kind)
        try container.encodeIfPresent(object.namespace, forKey: .namespace)
        try container.encodeIfPresent(object.name, forKey: .name)
        try container.encode(status, forKey: .status)
        try container.encode(violations, forKey: .violations)
        try container.encode(findings.filter { !$0.isViolation }, forKey: .advisories)
        if omittedViolations > 0 { try container.encode(omittedViolations, forKey: .omittedViolations) }
        if omittedAdvisories > 0 { try container.encode(omittedAdvisories, forKey: .omittedAdvisories) }
        try container.encode(exemptions, forKey: .exemptions)
        try container.encode(grantUses, forKey: .grants)
        if omittedGrantUses > 0 { try container.encode(omittedGrantUses, forKey: .omittedGrantUses) }
    }
}
