/// A finding about one container: a violation or an advisory.
public protocol ContainerFinding: Sendable, Hashable {
    var container: ContainerReference { get }
}

extension Violation: ContainerFinding {}
extension Advisory: ContainerFinding {}

/// How many findings of one pod spec are kept in full; the rest are only counted.
///
/// A container may list any number of names (a 0.3 MB review can add 75,000), and every message, warning,
/// log line and `capguard check` report grows with each kept finding, so what one object can produce is
/// bounded here, once, for the webhook and `check` alike. The cap per container keeps one container's
/// junk from hiding every other container's findings.
public struct FindingLimits: Sendable, Hashable {
    public var perContainer: Int
    public var total: Int

    /// At least one of each, so that a list with findings is never empty.
    public init(perContainer: Int = 20, total: Int = 50) {
        self.perContainer = max(1, perContainer)
        self.total = max(1, total)
    }

    public static let `default` = FindingLimits()
}

/// The findings of one pod spec, bounded: the first ones in full, within `FindingLimits`, and how many
/// more there were. Iterating it gives the kept findings.
public struct FindingList<Finding: ContainerFinding>: Sendable, Hashable, RandomAccessCollection {
    public private(set) var kept: [Finding] = []
    /// Findings counted but not kept.
    public private(set) var omittedCount = 0
    public let limits: FindingLimits
    private var keptPerContainer: [ContainerKey: Int] = [:]

    private struct ContainerKey: Sendable, Hashable {
        let list: ContainerList
        let index: Int
    }

    public init(limits: FindingLimits = .default) {
        self.limits = limits
    }

    /// Every finding appended, kept or not.
    public var totalCount: Int { kept.count + omittedCount }

    /// Keeps `finding` if its container and the list are under their limits, and counts it either way.
    public mutating func append(_ finding: Finding) {
        let key = ContainerKey(list: finding.container.list, index: finding.container.index)
        let inContainer = keptPerContainer[key, default: 0]
        guard kept.count < limits.total, inContainer < limits.perContainer else {
            omittedCount += 1
            return
        }
        keptPerContainer[key] = inContainer + 1
        kept.append(finding)
    }

    public var startIndex: Int { kept.startIndex }
    public var endIndex: Int { kept.endIndex }
    public subscript(position: Int) -> Finding { kept[position] }
}
