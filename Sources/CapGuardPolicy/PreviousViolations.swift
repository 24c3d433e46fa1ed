/// The violations an UPDATE's old object had, none left out, kept compact: what decides whether a violation
/// of the new object is new.
///
/// Two violations are the same across an UPDATE when they have the same container (list and name), the same
/// rule and the same capability name, whatever their positions, which shift when an unrelated entry is added
/// or removed. An old object can name hundreds of thousands of capabilities, so this keeps, per container,
/// flags, a bit mask of refused capabilities and the set of unknown names, rather than a violation for each.
public struct PreviousViolations: Sendable {
    private struct ContainerKey: Sendable, Hashable {
        let list: ContainerList
        let name: String
    }

    private struct Found: Sendable {
        var mustDropAll = false
        var privileged = false
        var addsAll = false
        /// Bits of the known capabilities that were refused, as in `CapabilityMask`.
        var refused: UInt64 = 0
        var unknownNames: Set<String> = []
    }

    private var containers: [ContainerKey: Found] = [:]

    public init() {}

    public var isEmpty: Bool { containers.isEmpty }

    /// True if the old object had the same violation (see the type's description).
    public func contains(_ violation: Violation) -> Bool {
        guard let found = containers[ContainerKey(list: violation.container.list, name: violation.container.name)] else { return false }
        return switch violation.rule {
        case .mustDropAll: found.mustDropAll
        case .privileged: found.privileged
        case .addsAll: found.addsAll
        case .capabilityNotAllowed(let capability, _): found.refused & (1 << UInt64(capability.bit)) != 0
        case .unknownCapability(let raw): found.unknownNames.contains(raw)
        }
    }
}

extension PreviousViolations: FindingSink {
    /// Makes room for every name a container adds at once: growing the set by doubling would briefly hold
    /// one and a half times as much.
    mutating func willCheck(_ container: Container, at reference: ContainerReference) {
        guard let added = container.securityContext?.capabilities?.add, !added.isEmpty else { return }
        containers[ContainerKey(list: reference.list, name: reference.name), default: Found()].unknownNames.reserveCapacity(added.count)
    }

    mutating func report(_ violation: Violation) {
        let key = ContainerKey(list: violation.container.list, name: violation.container.name)
        switch violation.rule {
        case .mustDropAll: containers[key, default: Found()].mustDropAll = true
        case .privileged: containers[key, default: Found()].privileged = true
        case .addsAll: containers[key, default: Found()].addsAll = true
        case .capabilityNotAllowed(let capability, _): containers[key, default: Found()].refused |= 1 << UInt64(capability.bit)
        case .unknownCapability(let raw): containers[key, default: Found()].unknownNames.insert(raw)
        }
    }

    mutating func report(_ advisory: Advisory) {}
}
