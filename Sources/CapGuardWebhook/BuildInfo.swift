import CCapGuardBuildInfo

/// Which capguard this is: the version `--version` prints and the commit it was built from, both reported by
/// `capguard_build_info`.
public enum BuildInfo {
    public static let version = "0.1.0"
    /// The git commit, or "unknown" for a build from sources outside a checkout with no CAPGUARD_REVISION set.
    public static let revision = String(cString: capguard_build_revision())
}
