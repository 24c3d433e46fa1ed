import CapGuardTestSupport
import Foundation
import Testing

/// The hook of .pre-commit-hooks.yaml, run by pre-commit itself from this checkout (`try-repo`, which
/// reads the committed hook file) in a new repository, with the built capguard first on PATH as the hook's
/// `language: system` expects.
@Suite("pre-commit hook")
struct PreCommitHookTests {
    static func runHook(on files: [String: String]) throws -> ExternalTool.Result {
        let repository = try TemporaryFiles(files)
        defer { repository.remove() }
        let git = try ExternalTool("git")
        #expect(try git.run(["init", "--quiet"], directory: repository.path()).status == 0)
        #expect(try git.run(["add", "."], directory: repository.path()).status == 0)
        let cache = TemporaryDirectory.make(prefix: "capguard-pre-commit")
        defer { try? FileManager.default.removeItem(atPath: cache) }
        return try ExternalTool("pre-commit").run(
            ["try-repo", Fixtures.repository.path, "capguard-check", "--all-files"], directory: repository.path(),
            binDirectories: [CapGuardProcess.executable.deletingLastPathComponent().path],
            environment: ["PRE_COMMIT_HOME": cache, "NO_COLOR": "1"])
    }

    @Test func failsOnAViolatingManifest() throws {
        let result = try Self.runHook(on: ["deploy/web.yaml": violatingDeployment, "deploy/pod.yaml": compliantPod])
        #expect(result.status == 1, "\(result.stdout)\(result.stderr)")
        #expect(result.stdout.contains("capguard check...."))
        #expect(result.stdout.contains("Failed"))
        #expect(result.stdout.contains(#"deploy/web.yaml:12: Deployment shop/web: container "bad" (spec.template.spec.containers[1]) must drop ALL capabilities"#))
    }

    @Test func passesOnCompliantManifestsAndIgnoresOtherFiles() throws {
        let result = try Self.runHook(on: ["deploy/pod.yaml": compliantPod, "README.txt": "not a manifest: ["])
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        #expect(result.stdout.contains("Passed"))
    }
}
