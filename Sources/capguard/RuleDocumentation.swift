import CapGuardPolicy

/// What a report that describes its rules (SARIF) says about each: code scanning shows it beside every
/// finding, so it says what the rule guards against and how to comply.
struct RuleDocumentation {
    /// Where the project lives; the README's rule table is at `helpURI`.
    static let projectURI = "https://github.com/capguard/capguard"
    static let helpURI = projectURI + "#rules-in-reports"

    let id: RuleID
    /// A PascalCase name, as SARIF viewers show beside the id.
    let name: String
    let shortDescription: String
    let fullDescription: String
    let help: String

    /// The help in Markdown: the fix as YAML.
    var markdownHelp: String {
        "\(help)\n\n```yaml\nsecurityContext:\n  privileged: false\n  capabilities:\n    drop: [\"ALL\"]\n    add: [NET_BIND_SERVICE]  # only what the container needs, from the allowlist\n```"
    }

    init(_ id: RuleID) {
        self.id = id
        switch id {
        case .dropAll:
            name = "DropAllCapabilities"
            shortDescription = "Every container must drop ALL capabilities."
            fullDescription = "securityContext.capabilities.drop must contain ALL. A container that drops nothing keeps "
                + "the runtime's default capabilities (CHOWN, DAC_OVERRIDE, FOWNER, NET_RAW, SETUID, SETGID and more); "
                + "CAP_ALL is not ALL to any runtime."
            help = "Add securityContext.capabilities.drop: [\"ALL\"] to the container, then add back only what it "
                + "needs from the allowlist."
        case .addedCapability:
            name = "CapabilityNotAllowed"
            shortDescription = "A container may add only capabilities on the allowlist."
            fullDescription = "Every entry of securityContext.capabilities.add must be on the policy's allowlist "
                + "(by default NET_BIND_SERVICE, CHOWN, SETUID, SETGID). Names are read as container runtimes read "
                + "them: cap_chown and CAP_CHOWN are CHOWN."
            help = "Remove the capability from securityContext.capabilities.add, or, if the workload truly needs it, "
                + "ask for it to be added to the policy's allowlist (allowedCapabilities)."
        case .addsAll:
            name = "AddsAllCapabilities"
            shortDescription = "A container must never add ALL capabilities."
            fullDescription = "ALL in securityContext.capabilities.add (in any spelling) grants every capability, "
                + "whatever the allowlist says."
            help = "Remove ALL from securityContext.capabilities.add and add only the capabilities the container needs."
        case .unknownCapability:
            name = "UnknownCapability"
            shortDescription = "A container adds something that is not a Linux capability."
            fullDescription = "An entry of securityContext.capabilities.add is not one of the kernel's capabilities "
                + "(a misspelling, or spaces around the name): no runtime trims or guesses, so the container fails "
                + "to start or gets something else than intended."
            help = "Fix the name (see capguard caps list) or remove it from securityContext.capabilities.add."
        case .privileged:
            name = "PrivilegedContainer"
            shortDescription = "A container must not be privileged."
            fullDescription = "securityContext.privileged: true gives the container every capability and access to "
                + "the host's devices, whatever it drops."
            help = "Remove securityContext.privileged: true, and add back only the capabilities the container needs."
        case .dropAllSpelling:
            name = "DropAllSpelling"
            shortDescription = "Drop ALL in exactly that spelling."
            fullDescription = "Container runtimes read all or All in securityContext.capabilities.drop as ALL, but Pod "
                + "Security Admission's restricted profile compares the exact string and refuses the pod."
            help = "Write drop: [\"ALL\"]."
        }
    }
}
