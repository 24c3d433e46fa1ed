import CapGuardPolicy
import CapGuardTestSupport
import Testing
@testable import CapGuardConfig

@Suite("Reading the policy file")
struct LoadedPolicyReadingTests {
    /// The reloader reads the file every interval and an empty file is a valid policy; `Data(contentsOf:)`
    /// leaked 4 KiB per read of an empty file, which under `scripts/sanitize address` fails this test's run.
    @Test("an empty file reads as the default, again and again")
    func emptyFileRepeatedly() throws {
        let files = try TemporaryFiles(["policy.yaml": ""])
        defer { files.remove() }
        for _ in 0..<64 {
            #expect(try PolicyLoadError.reading(files.path("policy.yaml")).isEmpty)
        }
        #expect(try LoadedPolicy.load(path: files.path("policy.yaml")).policies == .default)
    }

    @Test("a file larger than one read arrives whole")
    func largeFile() throws {
        let text = "mode: audit\n" + String(repeating: "# padding\n", count: 20_000)
        let files = try TemporaryFiles(["policy.yaml": text])
        defer { files.remove() }
        #expect(try PolicyLoadError.reading(files.path("policy.yaml")) == Array(text.utf8))
        #expect(try LoadedPolicy.load(path: files.path("policy.yaml")).policies.base.mode == .audit)
    }

    @Test("a missing file or a directory is unreadable, with the reason")
    func unreadable() throws {
        #expect(throws: PolicyLoadError.unreadable(path: "/nonexistent/policy.yaml", reason: "no such file or directory")) {
            try PolicyLoadError.reading("/nonexistent/policy.yaml")
        }
        #expect(throws: PolicyLoadError.unreadable(path: "/", reason: "is a directory")) {
            try PolicyLoadError.reading("/")
        }
    }

    /// /dev/zero never ends: a policy file is refused past what a ConfigMap can hold, not read until memory runs out.
    @Test func aFileThatNeverEndsIsRefused() {
        #expect(throws: PolicyLoadError.unreadable(path: "/dev/zero", reason: "larger than 1 MiB, the most a ConfigMap can hold")) {
            try LoadedPolicy.load(path: "/dev/zero")
        }
    }
}
