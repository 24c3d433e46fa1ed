/// The capability rules for one scope (the whole cluster, or one namespace's override).
public struct Policy: Sendable, Hashable {
    public var mode: EnforcementMode
    /// Capabilities a container may add after dropping ALL, in the order the policy lists them (messages
    /// repeat that order). Never contains `ALL`: `ALL` is not a capability.
    public private(set) var allowedCapabilities: [LinuxCapability]
    /// A privileged container gets every capability whatever it drops; refuse it.
    public var denyPrivileged: Bool

    public init(
        mode: EnforcementMode = .enforce,
        allowedCapabilities: [LinuxCapability] = Policy.defaultAllowedCapabilities,
        denyPrivileged: Bool = true
    ) {
        self.mode = mode
        self.allowedCapabilities = []
        self.denyPrivileged = denyPrivileged
        self.setAllowedCapabilities(allowedCapabilities)
    }

    /// Enforce, drop ALL, the default allowlist, privileged refused.
    public static let `default` = Policy()

    public static let defaultAllowedCapabilities: [LinuxCapability] =
        ["NET_BIND_SERVICE", "CHOWN", "SETUID", "SETGID"].map { LinuxCapability.named($0)! }

    /// Replaces the allowlist, keeping the first of any repeated capability.
    public mutating func setAllowedCapabilities(_ capabilities: [LinuxCapability]) {
        var seen = Set<LinuxCapability>()
        allowedCapabilities = capabilities.filter { seen.insert($0).inserted }
    }

    public func allows(_ capability: LinuxCapability) -> Bool { allowedCapabilities.contains(capability) }
}
