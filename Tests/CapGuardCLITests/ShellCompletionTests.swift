import CapGuardTestSupport
import Foundation
import Testing

@Suite("shell completions")
struct ShellCompletionTests {
    @Test(arguments: ["bash", "zsh", "fish"])
    func everyShellGetsAScriptThatKnowsTheSubcommands(shell: String) throws {
        let result = try CapGuardProcess.run(["--generate-completion-script", shell])
        #expect(result.status == 0)
        for word in ["serve", "check", "policy", "caps", "output", "filename", "sarif", "junit"] {
            #expect(result.stdout.contains(word), "\(shell) completion lacks \(word)")
        }
    }

    /// The bash script is sourced as the README says, and registers the completion of capguard; asking it
    /// to complete `capguard ch` offers `check`.
    @Test func theBashScriptLoadsAndCompletes() throws {
        let script = """
            set -e
            source <("$CAPGUARD" --generate-completion-script bash)
            complete -p capguard
            COMP_WORDS=(capguard ch); COMP_CWORD=1; COMP_LINE="capguard ch"; COMP_POINT=${#COMP_LINE}
            _capguard capguard ch capguard
            printf '%s\\n' "${COMPREPLY[@]}"
            """
        let result = try ExternalTool("bash").run(["-c", script], environment: ["CAPGUARD": CapGuardProcess.executable.path])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.isEmpty)
        #expect(result.stdout.contains("complete -o filenames -F _capguard capguard"))
        #expect(result.stdout.split(separator: "\n").contains("check"))
    }
}
