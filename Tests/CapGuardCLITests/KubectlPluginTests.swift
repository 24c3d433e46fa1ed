@testable import capguard
import CapGuardTestSupport
import Foundation
import Testing

/// capguard as the kubectl plugin `kubectl-capguard`: a symlink on PATH, run by the real kubectl.
@Suite("kubectl plugin")
struct KubectlPluginTests {
    static func kubectl(_ arguments: [String], in directory: String) throws -> ExternalTool.Result {
        let bin = directory + "/bin"
        try FileManager.default.createDirectory(atPath: bin, withIntermediateDirectories: true)
        if !FileManager.default.fileExists(atPath: bin + "/kubectl-capguard") {
            try FileManager.default.createSymbolicLink(atPath: bin + "/kubectl-capguard", withDestinationPath: CapGuardProcess.executable.path)
        }
        // kubectl must not find a cluster configuration of the machine's: the plugin needs none.
        return try ExternalTool("kubectl").run(arguments, directory: directory, binDirectories: [bin],
                                               environment: ["KUBECONFIG": directory + "/no-kubeconfig"])
    }

    @Test func kubectlListsAndRunsThePlugin() throws {
        let files = try TemporaryFiles(["web.yaml": violatingDeployment, "pod.yaml": compliantPod])
        defer { files.remove() }
        let list = try Self.kubectl(["plugin", "list"], in: files.path())
        #expect(list.stdout.contains(files.path("bin/kubectl-capguard")), "\(list.stdout)\(list.stderr)")

        let check = try Self.kubectl(["capguard", "check", "-f", "web.yaml", "--filename", "pod.yaml"], in: files.path())
        #expect(check.status == 1)
        #expect(check.stdout.hasPrefix(#"web.yaml:12: Deployment shop/web: container "bad""#))
        #expect(check.stdout.hasSuffix("2 checked, 1 violating (2 violations), 0 skipped without a pod spec\n"))

        let commas = try Self.kubectl(["capguard", "check", "-f", "pod.yaml,web.yaml"], in: files.path())
        #expect(commas.status == 1)
        #expect(commas.stdout.hasSuffix("2 checked, 1 violating (2 violations), 0 skipped without a pod spec\n"))
    }

    @Test func helpAndUsageReadAsKubectlCapguard() throws {
        let files = try TemporaryFiles([:])
        defer { files.remove() }
        let help = try Self.kubectl(["capguard", "check", "--help"], in: files.path())
        #expect(help.status == 0)
        #expect(help.stdout.contains("USAGE: kubectl capguard check "))
        #expect(help.stdout.contains("-f, --filename <path>"))
        let usage = try Self.kubectl(["capguard", "check"], in: files.path())
        #expect(usage.status == 2)
        #expect(usage.stderr.contains("Usage: kubectl capguard check "))
        // Run directly, it is capguard again.
        #expect(try CapGuardProcess.run(["check", "--help"]).stdout.contains("USAGE: capguard check "))
    }

    @Test func standardInputWithDashF() throws {
        let result = try CapGuardProcess.run(["check", "-f", "-"], stdin: violatingDeployment)
        #expect(result.status == 1)
        #expect(result.lines.first?.hasPrefix("<stdin>:12: Deployment shop/web") == true)
    }

    /// kubectl's naming: a dash in the file name separates words, an underscore stands for a dash.
    @Test func pluginFileNamesBecomeWhatTheUserTypes() {
        #expect(CapGuardCommand.commandName(program: "/usr/local/bin/kubectl-capguard") == "kubectl capguard")
        #expect(CapGuardCommand.commandName(program: "kubectl-cap_guard-check") == "kubectl cap-guard check")
        #expect(CapGuardCommand.commandName(program: "/opt/bin/capguard") == "capguard")
        #expect(CapGuardCommand.commandName(program: "kubectl-") == "capguard")
    }
}
