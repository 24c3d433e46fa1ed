import CapGuardJSON
import CapGuardPolicy
import CapGuardYAML

/// The policy file: YAML that platform teams keep in a ConfigMap.
///
/// ```yaml
/// mode: enforce                  # enforce | audit
/// allowedCapabilities: [NET_BIND_SERVICE, CHOWN, SETUID, SETGID]
/// denyPrivileged: true
/// exemptions:
///   namespaces: [monitoring]
///   users: ["system:serviceaccount:kube-system:replicaset-controller"]
///   groups: []
///   images: ["registry.k8s.io/kube-proxy:*"]
/// grants:                        # capabilities for the containers a grant selects, beyond their allowlist
///   - name: cilium-agent
///     namespaces: [kube-networking]
///     serviceAccounts: [cilium]
///     images: ["quay.io/cilium/cilium@sha256:*"]
///     containers: [cilium-agent]
///     allowedCapabilities: [NET_ADMIN, SYS_ADMIN, SYS_RESOURCE]
///     allowPrivileged: false
/// namespaces:                    # per-namespace overrides; keys left out come from the top level
///   legacy-billing:
///     mode: audit
///     allowedCapabilities: [NET_BIND_SERVICE, NET_RAW]
/// mutation:                      # what /mutate changes
///   dropAll: true
///   defaultAddCapabilities: [NET_BIND_SERVICE]   # each on every namespace's allowlist
/// ```
///
/// Keys left out take the embedded default. Validation is strict, because a typo that is silently ignored
/// either opens the cluster or locks it: unknown and duplicate keys, wrong types, unknown modes, unknown
/// capability names and `ALL` on an allowlist are errors, and every error in the file is reported. What is
/// valid but likely not meant (an image matched by tag, an image exemption) is a warning.
public enum PolicyFile {
    /// Parses and validates a policy file's text; `file` names it in errors.
    public static func parse(_ text: String, file: String) throws(PolicyFileErrors) -> PolicySet {
        try parseWithWarnings(text, file: file).policies
    }

    /// Parses and validates as `parse` does, and says what in a valid file deserves a second look.
    public static func parseWithWarnings(
        _ text: String, file: String
    ) throws(PolicyFileErrors) -> (policies: PolicySet, warnings: [PolicyFileWarning]) {
        let documents: [YAMLDocument]
        do {
            documents = try YAMLParser.parse(text)
        } catch {
            throw PolicyFileErrors([PolicyFileError(file: file, mark: error.mark, message: "not valid YAML: \(error.message)")])
        }
        var validator = PolicyFileValidator(file: file)
        let nonEmpty = documents.filter { $0.root != nil }
        if nonEmpty.count > 1 {
            validator.report(nonEmpty[1].mark, "a policy file holds one YAML document; this is a second one")
        }
        let policies = nonEmpty.first.flatMap(\.root).map { validator.policySet($0) } ?? .default
        guard validator.errors.isEmpty else {
            throw PolicyFileErrors(validator.errors.sorted { ($0.line, $0.column) < ($1.line, $1.column) })
        }
        return (policies, validator.warnings)
    }
}

/// Walks a policy file's node tree, collecting every error instead of stopping at the first.
struct PolicyFileValidator {
    let file: String
    private(set) var errors: [PolicyFileError] = []
    private(set) var warnings: [PolicyFileWarning] = []

    init(file: String) { self.file = file }

    mutating func report(_ mark: YAMLMark, _ message: String) {
        errors.append(PolicyFileError(file: file, mark: mark, message: message))
    }

    mutating func warn(_ mark: YAMLMark, _ message: String) {
        warnings.append(PolicyFileWarning(file: file, mark: mark, message: message))
    }

    static let topLevelKeys = ["mode", "allowedCapabilities", "denyPrivileged", "exemptions", "grants", "namespaces", "mutation"]
    static let grantKeys = ["name", "namespaces", "serviceAccounts", "images", "containers", "allowedCapabilities", "allowPrivileged"]
    static let exemptionKeys = ["namespaces", "users", "groups", "images"]
    static let overrideKeys = ["mode", "allowedCapabilities", "denyPrivileged"]

    mutating func policySet(_ root: YAMLNode) -> PolicySet {
        if root.isNull { return .default }
        guard let fields = mapping(root, keys: Self.topLevelKeys, what: "the policy file") else { return .default }
        let base = policy(fields, inheriting: .default)
        var set = PolicySet(base: base)
        if let node = fields["exemptions"], !node.isNull, let exemptions = mapping(node, keys: Self.exemptionKeys, what: "exemptions") {
            set.exemptions = Exemptions(
                namespaces: exemptions["namespaces"].map { namespaceNames($0, "exemptions.namespaces") } ?? [],
                users: exemptions["users"].map { strings($0, "exemptions.users") } ?? [],
                groups: exemptions["groups"].map { strings($0, "exemptions.groups") } ?? [],
                images: exemptions["images"].map { exemptImages($0) } ?? []
            )
        }
        if let node = fields["grants"], !node.isNull {
            set.grants = grants(node)
        }
        if let node = fields["namespaces"], !node.isNull {
            set.namespaceOverrides = namespaceOverrides(node, base: base)
        }
        if let node = fields["mutation"], !node.isNull {
            set.mutation = mutation(node, allowlists: set)
        }
        return set
    }

    /// Image exemptions read as before (`*` over the text as written), with warnings: an exemption lets a
    /// pod author who picks the image run it with anything, where a grant allows only what it lists.
    private mutating func exemptImages(_ node: YAMLNode) -> [String] {
        let patterns = strings(node, "exemptions.images")
        guard patterns.count == node.sequence?.count else { return patterns }
        for (pattern, item) in zip(patterns, node.sequence ?? []) {
            warn(item.mark, "the image exemption \(pattern.quotedForMessage) exempts its containers from every rule, privileged "
                + "and any capability included, whoever writes the pod; a grant allows only the capabilities it lists (see grants)")
            if !pattern.contains("@") { warnTagOnly(item.mark, pattern, what: "the image exemption") }
        }
        return patterns
    }

    private mutating func warnTagOnly(_ mark: YAMLMark, _ pattern: String, what: String) {
        warn(mark, "\(what) \(pattern.quotedForMessage) matches by tag, and a tag can be pushed again to name other "
            + "content; match by digest (name@sha256:...) to pin what it covers")
    }

    private mutating func grants(_ node: YAMLNode) -> [Grant] {
        guard let items = node.sequence else {
            report(node.mark, "grants must be a list of grants, found \(describe(node))")
            return []
        }
        var grants: [Grant] = []
        var firstLines: [String: Int] = [:]
        for item in items {
            guard let grant = grant(item) else { continue }
            if let line = firstLines[grant.name] {
                report(item.mapping?.first { $0.key.scalar?.value == "name" }?.value.mark ?? item.mark,
                       "grant \(grant.name.quotedForMessage) is defined twice (first on line \(line)); grant names must be unique")
                continue
            }
            firstLines[grant.name] = item.mark.line
            grants.append(grant)
        }
        return grants
    }

    private mutating func grant(_ node: YAMLNode) -> Grant? {
        guard let fields = mapping(node, keys: Self.grantKeys, what: "a grant") else { return nil }
        let errorCount = errors.count
        var name = ""
        if let nameNode = fields["name"] {
            if let value = nameNode.scalar?.value, !nameNode.isNull, Self.isValidGrantName(value) {
                name = value
            } else {
                report(nameNode.mark, "a grant name is 1 to 63 lower-case letters, digits, '-' and '.', starting and ending "
                    + "with a letter or digit (it names the grant in logs and metrics), found \(describe(nameNode))")
            }
        } else {
            report(node.mark, "a grant needs a name")
        }
        let what = name.isEmpty ? "grant" : "grant \(name)"
        var grant = Grant(name: name)
        grant.namespaces = fields["namespaces"].map { namespaceNames($0, "\(what): namespaces") } ?? []
        grant.serviceAccounts = fields["serviceAccounts"].map {
            kubernetesNames($0, "\(what): serviceAccounts", "service account name", maximumLength: 253, dots: true)
        } ?? []
        grant.containers = fields["containers"].map {
            kubernetesNames($0, "\(what): containers", "container name", maximumLength: 63, dots: false)
        } ?? []
        if let imagesNode = fields["images"] {
            let texts = strings(imagesNode, "\(what): images")
            if texts.count == imagesNode.sequence?.count {
                for (text, item) in zip(texts, imagesNode.sequence ?? []) {
                    switch ImagePattern.parse(text) {
                    case .success(let pattern):
                        grant.images.append(pattern)
                        if pattern.matchesByTagOnly { warnTagOnly(item.mark, text, what: "\(what): the image pattern") }
                    case .failure(let error):
                        report(item.mark, "\(text.quotedForMessage) is not an image pattern: \(error)")
                    }
                }
            }
        }
        if let node = fields["allowedCapabilities"] { grant.allowedCapabilities = allowlist(node) }
        if let node = fields["allowPrivileged"] {
            if let value = bool(node) { grant.allowPrivileged = value } else {
                report(node.mark, "allowPrivileged must be true or false, found \(describe(node))")
            }
        }
        let namesNamespace = fields["namespaces"]?.sequence?.isEmpty == false
        let namesImage = fields["images"]?.sequence?.isEmpty == false
        if !namesNamespace && !namesImage {
            report(node.mark, "\(what) must name at least a namespace or an image: otherwise any pod author who picks a "
                + "matching service account or container name gets what it allows")
        }
        return errors.count == errorCount ? grant : nil
    }

    /// Names the apiserver would accept (RFC 1123: a service account is a subdomain, a container a label): a
    /// name it would refuse can never match, so it is a typo.
    private mutating func kubernetesNames(_ node: YAMLNode, _ what: String, _ noun: String, maximumLength: Int, dots: Bool) -> [String] {
        let names = strings(node, what)
        guard names.count == node.sequence?.count else { return names }
        for (name, item) in zip(names, node.sequence ?? []) where !Self.isRFC1123Name(name, maximumLength: maximumLength, dots: dots) {
            let characters = dots ? "lower-case letters, digits, '-' and '.'" : "lower-case letters, digits and '-'"
            report(item.mark, "\(name.quotedForMessage) is not a valid \(noun) (\(characters), at most \(maximumLength))")
        }
        return names
    }

    /// A grant's name is also what a Prometheus label value, an audit annotation and a log line carry, which
    /// such a name needs no escaping for.
    static func isValidGrantName(_ name: String) -> Bool { isRFC1123Name(name, maximumLength: 63, dots: true) }

    /// Lower-case letters, digits, `-` (and `.` if `dots`), starting and ending with a letter or digit.
    static func isRFC1123Name(_ name: String, maximumLength: Int, dots: Bool) -> Bool {
        let bytes = Array(name.utf8)
        func alphanumeric(_ byte: UInt8) -> Bool { (byte >= 97 && byte <= 122) || (byte >= 48 && byte <= 57) }
        guard let first = bytes.first, let last = bytes.last, bytes.count <= maximumLength, alphanumeric(first), alphanumeric(last) else {
            return false
        }
        return bytes.allSatisfy { alphanumeric($0) || $0 == UInt8(ascii: "-") || (dots && $0 == UInt8(ascii: ".")) }
    }

    private mutating func namespaceOverrides(_ node: YAMLNode, base: Policy) -> [String: Policy] {
        guard let pairs = node.mapping else {
            report(node.mark, "namespaces must be a mapping of namespace name to overrides, found \(describe(node))")
            return [:]
        }
        var overrides: [String: Policy] = [:]
        for pair in pairs {
            guard let name = pair.key.scalar?.value else {
                report(pair.key.mark, "a namespace name must be a string")
                continue
            }
            if overrides[name] != nil {
                report(pair.key.mark, "namespace \(name.quotedForMessage) is listed twice; merge its overrides into one entry")
                continue
            }
            validateNamespaceName(name, at: pair.key.mark)
            guard let fields = mapping(pair.value, keys: Self.overrideKeys, what: "the overrides of namespace \(name.quotedForMessage)") else { continue }
            overrides[name] = policy(fields, inheriting: base)
        }
        return overrides
    }

    private mutating func policy(_ fields: [String: YAMLNode], inheriting parent: Policy) -> Policy {
        var policy = parent
        if let node = fields["mode"] {
            if let value = node.scalar?.value, let mode = EnforcementMode(rawValue: value) {
                policy.mode = mode
            } else {
                report(node.mark, "mode must be enforce or audit, found \(describe(node))")
            }
        }
        if let node = fields["denyPrivileged"] {
            if let value = bool(node) { policy.denyPrivileged = value } else {
                report(node.mark, "denyPrivileged must be true or false, found \(describe(node))")
            }
        }
        if let node = fields["allowedCapabilities"] {
            policy.setAllowedCapabilities(allowlist(node))
        }
        return policy
    }

    static let mutationKeys = ["dropAll", "defaultAddCapabilities"]

    /// The `mutation:` section. A default capability that some namespace's allowlist lacks would make
    /// `/mutate` add what validation then refuses, so each must be on the base allowlist and every override's.
    private mutating func mutation(_ node: YAMLNode, allowlists policies: PolicySet) -> MutationSettings {
        var settings = MutationSettings()
        guard let fields = mapping(node, keys: Self.mutationKeys, what: "mutation") else { return settings }
        if let node = fields["dropAll"] {
            if let value = bool(node) { settings.dropAll = value } else {
                report(node.mark, "mutation.dropAll must be true or false, found \(describe(node))")
            }
        }
        guard let node = fields["defaultAddCapabilities"], !node.isNull else { return settings }
        guard let items = node.sequence else {
            report(node.mark, "mutation.defaultAddCapabilities must be a list of capability names, found \(describe(node))")
            return settings
        }
        let before = errors.count
        let capabilities = allowlist(node)
        guard errors.count == before else { return settings }
        for (capability, item) in zip(capabilities, items) {
            if !policies.base.allows(capability) {
                report(item.mark, "mutation.defaultAddCapabilities: \(capability.name) is not on allowedCapabilities, "
                           + "so validation would refuse what /mutate adds; allow it or remove it here")
            }
            for name in policies.namespaceOverrides.keys.sorted() where !policies.namespaceOverrides[name]!.allows(capability) {
                report(item.mark, "mutation.defaultAddCapabilities: \(capability.name) is not on the allowedCapabilities of "
                           + "namespace \(name.quotedForMessage), so validation would refuse what /mutate adds there")
            }
        }
        settings.defaultAddCapabilities = capabilities
        return settings
    }

    private mutating func allowlist(_ node: YAMLNode) -> [LinuxCapability] {
        if node.isNull { return [] }
        guard let items = node.sequence else {
            report(node.mark, "allowedCapabilities must be a list of capability names, found \(describe(node))")
            return []
        }
        var capabilities: [LinuxCapability] = []
        for item in items {
            guard let name = item.scalar?.value, !item.isNull else {
                report(item.mark, "a capability name must be a string, found \(describe(item))")
                continue
            }
            switch CapabilityName.added(name) {
            case .all:
                report(item.mark, "ALL cannot be allowed: it is every capability, which the policy exists to refuse; list the capabilities containers need")
            case .unknown(let raw):
                let hint = CapabilityName.closestKnown(to: raw).map { " (did you mean \($0.name)?)" } ?? ""
                report(item.mark, "\(raw.quotedForMessage) is not a Linux capability\(hint); see capguard caps list")
            case .known(let capability):
                if capabilities.contains(capability) {
                    report(item.mark, "\(capability.name) is listed twice")
                } else {
                    capabilities.append(capability)
                }
            }
        }
        return capabilities
    }

    /// The pairs of a mapping by key, reporting unknown and duplicate keys.
    private mutating func mapping(_ node: YAMLNode, keys: [String], what: String) -> [String: YAMLNode]? {
        guard let pairs = node.mapping else {
            report(node.mark, "\(what) must be a mapping, found \(describe(node))")
            return nil
        }
        var fields: [String: YAMLNode] = [:]
        for pair in pairs {
            guard let key = pair.key.scalar?.value else {
                report(pair.key.mark, "keys of \(what) must be strings")
                continue
            }
            guard keys.contains(key) else {
                let hint = NearestName.closest(to: key, among: keys).map { " (did you mean \($0.quotedForMessage)?)" } ?? ""
                report(pair.key.mark, "unknown key \(key.quotedForMessage) in \(what)\(hint); known keys: \(keys.joined(separator: ", "))")
                continue
            }
            if fields[key] != nil {
                report(pair.key.mark, "duplicate key \(key.quotedForMessage) in \(what); keep one")
                continue
            }
            fields[key] = pair.value
        }
        return fields
    }

    private mutating func strings(_ node: YAMLNode, _ what: String) -> [String] {
        if node.isNull { return [] }
        guard let items = node.sequence else {
            report(node.mark, "\(what) must be a list of strings, found \(describe(node))")
            return []
        }
        var values: [String] = []
        for item in items {
            guard let value = item.scalar?.value, !item.isNull, !value.isEmpty else {
                report(item.mark, "entries of \(what) must be non-empty strings, found \(describe(item))")
                continue
            }
            // No user, group or image has one; in a file under review it makes an entry read as another (a
            // byte order mark before an image, a bidi override in a user name) and match nothing, or else.
            if value.unicodeScalars.contains(where: TextSafety.mustEscape) {
                report(item.mark, "entries of \(what) must not hold control or invisible characters, found \(value.quotedForMessage)")
                continue
            }
            values.append(value)
        }
        return values
    }

    private mutating func namespaceNames(_ node: YAMLNode, _ what: String) -> [String] {
        let names = strings(node, what)
        for (name, item) in zip(names, node.sequence ?? []) { validateNamespaceName(name, at: item.mark) }
        return names
    }

    private mutating func validateNamespaceName(_ name: String, at mark: YAMLMark) {
        let valid = name.utf8.count <= 63 && !name.isEmpty
            && name.utf8.allSatisfy { ($0 >= 97 && $0 <= 122) || ($0 >= 48 && $0 <= 57) || $0 == 45 }
            && name.first != "-" && name.last != "-"
        if !valid {
            report(mark, "\(name.quotedForMessage) is not a valid namespace name (lower-case letters, digits and '-', at most 63)")
        }
    }

    private func bool(_ node: YAMLNode) -> Bool? {
        guard node.tag == nil || node.tag == "tag:yaml.org,2002:bool", let scalar = node.scalar, scalar.style == .plain else { return nil }
        switch scalar.value {
        case "true", "True", "TRUE": return true
        case "false", "False", "FALSE": return false
        default: return nil
        }
    }

    private func describe(_ node: YAMLNode) -> String {
        switch node.content {
        case .scalar(let scalar): node.isNull ? "null" : scalar.value.quotedForMessage
        case .sequence: "a list"
        case .mapping: "a mapping"
        }
    }
}
