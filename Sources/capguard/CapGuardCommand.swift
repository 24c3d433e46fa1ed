import ArgumentParser
import CapGuardWebhook
import Glibc

@main
struct CapGuardCommand: ParsableCommand {
    static var configuration: CommandConfiguration {
        CommandConfiguration(
            commandName: commandName(program: CommandLine.arguments.first ?? "capguard"),
            abstract: "Keeps Linux capabilities of Kubernetes containers to what they need.",
            discussion: """
                Every container must drop ALL capabilities and may add back only capabilities on an allowlist \
                (by default NET_BIND_SERVICE, CHOWN, SETUID, SETGID); privileged containers are refused.
                """,
            version: BuildInfo.version,
            subcommands: [ServeCommand.self, CheckCommand.self, FixCommand.self, AuditCommand.self, PolicyCommand.self, CapsCommand.self]
        )
    }

    /// The name help and usage show: `kubectl capguard` when kubectl runs the binary as its plugin
    /// `kubectl-capguard` (kubectl passes the plugin's path as argv[0]), so that they read as the user typed
    /// them; in a plugin's file name a dash separates words and an underscore stands for a dash.
    static func commandName(program: String) -> String {
        let file = program.split(separator: "/").last.map(String.init) ?? program
        guard file.hasPrefix("kubectl-"), file.count > "kubectl-".count else { return "capguard" }
        return "kubectl " + file.dropFirst("kubectl-".count).replacing("-", with: " ").replacing("_", with: "-")
    }

    /// Exit status 2 for every usage error, as `capguard check` documents (ArgumentParser would use 64).
    static func main() {
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch let code as ExitCode {
            Glibc.exit(code.rawValue)
        } catch {
            if exitCode(for: error) == .success { exit(withError: error) }
            printError(fullMessage(for: error))
            Glibc.exit(2)
        }
    }
}

/// Output formats shared by the subcommands that report.
enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
    case text
    case json
}

/// Prints to standard error.
func printError(_ message: String) {
    var line = message + "\n"
    line.withUTF8 { bytes in
        var offset = 0
        while offset < bytes.count {
            let written = write(STDERR_FILENO, bytes.baseAddress! + offset, bytes.count - offset)
            if written < 0 && errno == EINTR { continue }
            guard written > 0 else { return }
            offset += written
        }
    }
}
