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
        abstract: "Validate a policy file and print the effective policy.",
        discussion: "Exit status: 0 when the file is valid, 1 when it is not (every error is listed with file:line:column)."
    )

    @Argument(help: "The policy file.")
    var file: String

    func run() throws {
        do {
            let loaded = try LoadedPolicy.load(path: file)
            print("# \(file) is valid (sha256 \(loaded.contentHash)); effective policy:")
            print(EffectivePolicyDocument.yaml(loaded.policies), terminator: "")
        } catch {
            printError(error.description)
            throw ExitCode(1)
        }
    }
}
