/// What `/mutate` may change, from the policy file's `mutation:` section (SPEC section 7a).
public struct MutationSettings: Sendable, Hashable {
    /// Give containers `drop: [ALL]` (PodSecurityPolicy's `requiredDropCapabilities: [ALL]`). When false,
    /// only the spelling of `add` entries is fixed.
    public var dropAll: Bool
    /// PodSecurityPolicy's `defaultAddCapabilities`: added to every container the patch gives `drop: [ALL]`,
    /// so that a workload that needed one of them keeps running. The policy file checks that each is on the
    /// effective allowlist of every namespace.
    public var defaultAddCapabilities: [LinuxCapability]

    public init(dropAll: Bool = true, defaultAddCapabilities: [LinuxCapability] = []) {
        self.dropAll = dropAll
        self.defaultAddCapabilities = defaultAddCapabilities
    }
}
