import CapGuardConfig

/// Where the webhook gets the policy for each request: the embedded default, or a file that reloads.
public enum PolicySource: Sendable {
    case fixed(LoadedPolicy)
    case reloading(PolicyReloader)

    public var current: LoadedPolicy {
        switch self {
        case .fixed(let loaded): loaded
        case .reloading(let reloader): reloader.current
        }
    }

    public var reloadStatistics: PolicyReloader.Statistics? {
        switch self {
        case .fixed: nil
        case .reloading(let reloader): reloader.statistics
        }
    }
}
