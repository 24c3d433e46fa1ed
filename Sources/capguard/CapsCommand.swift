import ArgumentParser
import CapGuardPolicy
import FoundationEssentials

struct CapsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "caps",
        abstract: "List Linux capabilities and decode capability masks.",
        subcommands: [CapsListCommand.self, CapsDecodeCommand.self]
    )
}

struct CapsListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List the kernel's capabilities, marking the allowlist and the container runtimes' default set."
    )

    @Option(help: "Policy file whose allowlist is marked (default: the embedded policy).")
    var config: String?

    @Option(help: "Namespace whose allowlist is marked, when the policy file overrides it.")
    var namespace: String?

    @Option(help: "text or json.")
    var output: OutputFormat = .text

    func run() throws {
        let policy = try PolicyLoading.load(config).policy(forNamespace: namespace)
        let rows = LinuxCapability.all.map { capability in
            (capability, policy.allows(capability), LinuxCapability.runtimeDefaults.contains(capability))
        }
        switch output {
        case .json:
            let objects = rows.map { capability, allowed, runtimeDefault in
                CapabilityListing(name: capability.name, bit: capability.bit, description: capability.summary,
                                  allowed: allowed, runtimeDefault: runtimeDefault)
            }
            print(try JSONOutput.string(objects))
        case .text:
            let width = LinuxCapability.all.map(\.name.count).max() ?? 0
            print("BIT  \("NAME".padded(to: width))  ALLOWED  RUNTIME  DESCRIPTION")
            for (capability, allowed, runtimeDefault) in rows {
                let bit = String(capability.bit).padded(to: 3)
                let name = capability.name.padded(to: width)
                print("\(bit)  \(name)  \(allowed ? "yes    " : "-      ")  \(runtimeDefault ? "default" : "-      ")  \(capability.summary)")
            }
            print("")
            print("ALLOWED: may be added under the policy (after drop ALL). RUNTIME: granted by containerd and CRI-O to a container that drops nothing.")
        }
    }
}

struct CapabilityListing: Encodable {
    let name: String
    let bit: Int
    let description: String
    let allowed: Bool
    let runtimeDefault: Bool
}

struct CapsDecodeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "decode",
        abstract: "Decode capability masks into names, like capsh --decode.",
        discussion: """
            Give masks as /proc/PID/status prints them (00000000a80425fb, a80425fb or 0xa80425fb), \
            or --status FILE (or -) to read the Cap* lines of a whole /proc/PID/status.
            """
    )

    @Argument(help: "Hexadecimal masks.")
    var masks: [String] = []

    @Option(name: .long, help: "A /proc/PID/status file to read, or - for standard input.")
    var status: String?

    @Option(help: "text or json.")
    var output: OutputFormat = .text

    func validate() throws {
        if masks.isEmpty == (status == nil) {
            throw ValidationError("give either masks or --status FILE, not both and not neither")
        }
    }

    func run() throws {
        var decoded: [(label: String, mask: CapabilityMask)] = []
        do {
            if let status {
                let text = try InputFile.readText(status)
                decoded = try ProcessCapabilities(parsingStatus: text).sets.map { ($0.name.rawValue, $0.mask) }
            } else {
                decoded = try masks.map { ("", try CapabilityMask(parsing: $0)) }
            }
        } catch {
            printError("capguard caps decode: \(error)")
            throw ExitCode(2)
        }
        switch output {
        case .json:
            let objects = decoded.map { label, mask in
                DecodedMask(set: label.isEmpty ? nil : label, mask: mask.hexadecimal, capabilities: mask.capabilities.map(\.name), unknownBits: mask.unknownBits)
            }
            print(try JSONOutput.string(objects))
        case .text:
            for (label, mask) in decoded {
                var names = mask.capabilities.map(\.name)
                names += mask.unknownBits.map { "bit \($0) (unknown)" }
                let prefix = label.isEmpty ? "" : label + " "
                print("\(prefix)\(mask.hexadecimal): \(names.isEmpty ? "(none)" : names.joined(separator: ", "))")
            }
        }
    }
}

struct DecodedMask: Encodable {
    /// The `/proc` set name (`CapEff`), absent for a mask given on the command line.
    let set: String?
    let mask: String
    let capabilities: [String]
    let unknownBits: [Int]
}

extension String {
    /// The string followed by spaces up to `width` characters, for aligned columns.
    func padded(to width: Int) -> String {
        count >= width ? self : self + String(repeating: " ", count: width - count)
    }
}
