import ArgumentParser
import CapGuardConfig

struct PolicyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "policy",
        abstract: "Work with policy files.",
        subcommands: [PolicyCheckCommand.self]
    )
}

struct PolicyCheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Validate a policy file and print the effective policy, grants included.",
        discussion: """
            Warnings (on standard error, file:line:column: warning: ...) point at what a valid file likely does not \
            mean: an image exemption, which also exempts privileged and every capability, and an image pattern of an \
            exemption or a grant that matches by tag, which can be pushed again.
            Exit status: 0 when the file is valid, warnings or not; 1 when it is not (every error is listed with \
            file:line:column).
            """
    )

    @Argument(help: "The policy file.")
    var file: String

    func run() throws {
        do {
            let loaded = try LoadedPolicy.load(path: file)
            // Read again for the warnings, which loading does not keep: the file is valid, so this parse is too.
            let warnings = (try? PolicyFile.parseWithWarnings(try InputFile.readText(file), file: file).warnings) ?? []
            for warning in warnings { printError(warning.description) }
            print("# \(file) is valid (sha256 \(loaded.contentHash)); effective policy:")
            print(EffectivePolicyDocument.yaml(loaded.policies), terminator: "")
        } catch {
            printError(error.description)
            throw ExitCode(1)
        }
    }
}
