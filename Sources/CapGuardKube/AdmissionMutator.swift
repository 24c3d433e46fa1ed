import CapGuardJSON
import CapGuardPolicy

/// Decides the JSON Patch that `/mutate` answers one admission request with: the remedy's `drop: [ALL]` and
/// spelling fixes (SPEC section 7a), pure, so that the server and tests share it.
///
/// What may be patched follows what the apiserver lets change: a Pod's containers only on CREATE, a
/// workload's pod template on CREATE and UPDATE (a Job's only on CREATE: its template is immutable), and on
/// the `pods/ephemeralcontainers` subresource only the ephemeral containers the request adds (those already
/// in the running Pod are immutable). Exemptions,
/// Windows pods and per-namespace overrides apply as in validation; in audit mode nothing is patched and
/// the response warns what would have been.
public struct AdmissionMutator: Sendable {
    public var policies: PolicySet

    public init(policies: PolicySet) { self.policies = policies }

    public func mutate(_ request: AdmissionRequest) -> MutationOutcome {
        let namespace = request.namespace.flatMap { $0.isEmpty ? nil : $0 }
        let policy = policies.policy(forNamespace: namespace)
        var outcome = MutationOutcome(uid: request.uid, mode: policy.mode)
        if let exemption = policies.exemptions.matching(namespace: namespace, user: request.userInfo.username,
                                                         groups: request.userInfo.groups ?? []) {
            outcome.reason = .exempt
            outcome.exemption = exemption
            return outcome
        }
        guard let object = request.object, let workload = object.workload, let spec = object.podSpec else {
            outcome.reason = .noPodSpec
            return outcome
        }
        guard let scope = Scope(request, workload: workload) else {
            outcome.reason = .notMutable
            return outcome
        }
        let remedy = policies.remedy(for: spec, namespace: namespace)
        if remedy.skipped == .windowsPod {
            outcome.reason = .windowsPod
            return outcome
        }
        let changes = remedy.changes.filter { change in
            guard scope.covers(change.container) else { return false }
            if case .dropAll = change.change { return policies.mutation.dropAll }
            return true
        }
        let operations = Self.operations(for: changes, in: spec, below: workload.podSpecPath,
                                         defaults: policies.mutation.defaultAddCapabilities)
        guard !operations.isEmpty else { return outcome }
        switch policy.mode {
        case .enforce:
            outcome.reason = .patched
            outcome.operations = operations
        case .audit:
            outcome.reason = .auditWouldPatch
            outcome.wouldPatch = operations
            outcome.warnings = LineBudget.warnings.fit(
                operations.map { "audit mode: capguard would \($0.kind.rawValue) \($0.path) \($0.value.shortText)" },
                omitted: 0, more: ViolationFormatter.moreWarnings)
        }
        return outcome
    }

    /// The operations for `changes`: renames first, so that the indices they name are those of the request.
    static func operations(for changes: [Remedy], in spec: PodSpec, below podSpecPath: FieldPath,
                           defaults: [LinuxCapability]) -> [PatchOperation] {
        var renames: [PatchOperation] = []
        var drops: [PatchOperation] = []
        for change in changes {
            let container = spec.containers(in: change.container.list)[change.container.index]
            let path = change.container.path(below: podSpecPath, field: change.field)
            switch change.change {
            case .renameAdded(_, _, let capability):
                renames.append(PatchOperation(.replace, path, .string(capability.name)))
            case .dropAll(let missing):
                let added = container.securityContext?.capabilities?.add ?? []
                let missingDefaults = defaults.filter { capability in
                    !added.contains { CapabilityName.added($0) == .known(capability) }
                }.map(\.name)
                let addPath = change.container.path(below: podSpecPath, field: ["securityContext", "capabilities", "add"])
                var capabilities = [PatchValue.Member("drop", .strings(["ALL"]))]
                if !missingDefaults.isEmpty { capabilities.append(.init("add", .strings(missingDefaults))) }
                switch missing {
                case .securityContext:
                    drops.append(PatchOperation(.add, path, .object([.init("capabilities", .object(capabilities))])))
                case .capabilities:
                    drops.append(PatchOperation(.add, path, .object(capabilities)))
                case .none:
                    // `add` sets the member whether or not a drop list is there: replacing individual drops
                    // with ALL is the remedy, and no request can make it fail for a missing member.
                    drops.append(PatchOperation(.add, path, .strings(["ALL"])))
                    if added.isEmpty && !missingDefaults.isEmpty {
                        drops.append(PatchOperation(.add, addPath, .strings(missingDefaults)))
                    } else {
                        drops += missingDefaults.map { PatchOperation(.add, addPath, appending: true, .string($0)) }
                    }
                }
            }
        }
        return renames + drops
    }

    /// Which containers of the object a request may patch.
    enum Scope {
        case everyContainer
        /// Ephemeral containers with these names are in the running Pod already.
        case newEphemeralContainers(existing: Set<String>)

        init?(_ request: AdmissionRequest, workload: WorkloadKind) {
            let subResource = request.subResource ?? ""
            switch (workload, request.operation, subResource) {
            case (.pod, "CREATE", ""):
                self = .everyContainer
            case (.pod, "UPDATE", "ephemeralcontainers"):
                self = .newEphemeralContainers(existing: Set(request.oldObject?.podSpec?.ephemeralContainers.map(\.name) ?? []))
            case (.pod, _, _):
                return nil
            // A Job's pod template cannot change once the Job exists: a patch would make the update fail.
            case (.job, "UPDATE", _):
                return nil
            case (_, "CREATE", ""), (_, "UPDATE", ""):
                self = .everyContainer
            default:
                return nil
            }
        }

        func covers(_ container: ContainerReference) -> Bool {
            switch self {
            case .everyContainer: true
            case .newEphemeralContainers(let existing): container.list == .ephemeralContainers && !existing.contains(container.name)
            }
        }
    }
}

extension PatchValue {
    /// The value in a warning: `["ALL"]`, `{"capabilities":{"drop":["ALL"]}}`.
    var shortText: String {
        var writer = JSONWriter()
        write(to: &writer)
        return String(decoding: writer.bytes, as: UTF8.self)
    }
}

/// What `/mutate` decided about one request.
public struct MutationOutcome: Sendable, Hashable {
    public enum Reason: String, Sendable, Hashable {
        case patched
        /// Nothing needed changing.
        case unchanged
        case auditWouldPatch = "audit_would_patch"
        case exempt
        case windowsPod = "windows_pod"
        case noPodSpec = "no_pod_spec"
        /// The request may not change the containers (a Pod UPDATE, DELETE, CONNECT, a subresource).
        case notMutable = "not_mutable"
    }

    public var uid: String
    public var mode: EnforcementMode
    public var reason: Reason = .unchanged
    /// The patch to send; empty unless `reason` is `patched`.
    public var operations: [PatchOperation] = []
    /// In audit mode, the patch that enforce mode would have sent.
    public var wouldPatch: [PatchOperation] = []
    public var warnings: [String] = []
    public var exemption: Exemption?

    public init(uid: String, mode: EnforcementMode) {
        self.uid = uid
        self.mode = mode
    }

    /// The `response` of the AdmissionReview: always allowed (validation decides), with the patch if any.
    public var response: AdmissionResponse {
        var response = AdmissionResponse(uid: uid, allowed: true, warnings: warnings.isEmpty ? nil : warnings)
        if !operations.isEmpty { response.patch = JSONPatch.json(operations) }
        return response
    }
}
