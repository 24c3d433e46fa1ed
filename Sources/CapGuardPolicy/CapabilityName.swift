/// How the names written in `securityContext.capabilities` are read.
///
/// What counts is what the container runtime will do with a name: the policy must never be looser than
/// the runtime (a capability slips through) and should not be stricter than it needs to be (a user is
/// refused for a spelling the runtime accepts).
public enum CapabilityName {
    /// What an entry of `capabilities.add` asks for.
    public enum Added: Sendable, Hashable {
        /// `ALL` in any spelling: every capability.
        case all
        case known(LinuxCapability)
        /// Not a Linux capability at all; carries the name as written.
        case unknown(String)
    }

    /// What an entry of `capabilities.drop` means for the drop-ALL rule.
    public enum Dropped: Sendable, Hashable {
        /// Exactly `ALL`, the spelling every runtime and Pod Security Admission accept.
        case all
        /// `all`, `All`, ...: containerd and CRI-O compare `ALL` case-insensitively, so every capability is
        /// dropped, but Pod Security Admission's restricted profile compares the exact string and refuses it.
        case allOtherCase(String)
        /// `CAP_ALL` in any case: no runtime reads it as `ALL`. containerd turns it into the capability
        /// `CAP_CAP_ALL` and CRI-O into `CAP_ALL`, neither of which exists, so nothing is dropped.
        case capPrefixedAll(String)
        /// Any other entry: drops one capability (or nothing), never all of them.
        case other(String)
    }

    /// Reads an `add` entry.
    ///
    /// CRI-O upper-cases the name and adds `CAP_` only when it is missing, so `cap_chown` and `CAP_CHOWN` both
    /// grant `CAP_CHOWN`. containerd upper-cases and always prefixes `CAP_`, and compares `ALL`
    /// case-insensitively. Reading the name the CRI-O way is therefore never looser than any runtime:
    /// upper-case, remove one leading `CAP_`, then look it up. Spaces are not trimmed: no runtime trims them,
    /// and `" CHOWN"` names no capability.
    public static func added(_ raw: String) -> Added {
        var name = raw.uppercased()
        if name.hasPrefix("CAP_") { name.removeFirst(4) }
        if name == "ALL" { return .all }
        if let capability = LinuxCapability.named(name) { return .known(capability) }
        return .unknown(raw)
    }

    /// Reads a `drop` entry.
    public static func dropped(_ raw: String) -> Dropped {
        if raw == "ALL" { return .all }
        let upper = raw.uppercased()
        if upper == "ALL" { return .allOtherCase(raw) }
        if upper == "CAP_ALL" { return .capPrefixedAll(raw) }
        return .other(raw)
    }

    /// The known capability whose name is within two edits of `raw` (after reading it as `added` does), for a
    /// "did you mean" hint on a typo such as `SYS_ADMINN`.
    public static func closestKnown(to raw: String) -> LinuxCapability? {
        var name = raw.uppercased()
        if name.hasPrefix("CAP_") { name.removeFirst(4) }
        return NearestName.closest(to: name, among: LinuxCapability.all.map(\.name)).flatMap(LinuxCapability.named)
    }
}
