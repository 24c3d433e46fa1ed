import Foundation
import Logging
import Testing
import CapGuardTestSupport
import CapGuardPolicy
@testable import CapGuardConfig

let quietLogger = Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }

@Suite("Live reload as the kubelet updates a ConfigMap")
struct PolicyReloaderTests {
    @Test func symlinkSwapIsPickedUp() throws {
        let directory = try KubeletConfigMapDirectory("mode: enforce\n")
        let reloader = try PolicyReloader(path: directory.path, logger: quietLogger)
        #expect(reloader.current.generation == 1)
        #expect(reloader.checkNow() == .unchanged)
        try directory.update("mode: audit\nallowedCapabilities: [NET_RAW]\n")
        #expect(reloader.checkNow() == .reloaded(generation: 2))
        #expect(reloader.current.policies.base == Policy(mode: .audit, allowedCapabilities: capabilities("NET_RAW")))
        #expect(reloader.statistics.succeeded == 1)
    }

    /// An interval longer than Dispatch counts in nanoseconds once overflowed the conversion and trapped.
    @Test func anIntervalTooLongForDispatchMeansNeverRatherThanATrap() throws {
        let directory = try KubeletConfigMapDirectory("mode: enforce\n")
        let reloader = try PolicyReloader(path: directory.path, interval: .seconds(Int64.max), logger: quietLogger)
        reloader.start()
        try directory.update("mode: audit\n")
        #expect(reloader.checkNow() == .reloaded(generation: 2))
        reloader.stop()
    }

    @Test func badEditKeepsTheLastGoodPolicyAndIsReportedOnce() throws {
        let directory = try KubeletConfigMapDirectory("mode: audit\n")
        let reloader = try PolicyReloader(path: directory.path, logger: quietLogger)
        let good = reloader.current
        try directory.update("mode: audit\nallowedCapabilities: [ALL]\n")
        guard case .rejected(let errors) = reloader.checkNow() else {
            Issue.record("a bad edit was not rejected")
            return
        }
        #expect(errors.first?.contains("policy.yaml:2:23: ALL cannot be allowed") == true)
        #expect(reloader.current == good)
        #expect(reloader.checkNow() == .unchanged)
        #expect(reloader.statistics.failed == 1)
        #expect(reloader.statistics.lastErrors == errors)

        try directory.update("mode: enforce\n")
        #expect(reloader.checkNow() == .reloaded(generation: 2))
        #expect(reloader.current.policies.base.mode == .enforce)
        #expect(reloader.statistics.lastErrors.isEmpty)
    }

    @Test func aVanishedFileKeepsTheLastGoodPolicy() throws {
        let directory = try KubeletConfigMapDirectory("mode: audit\n")
        let reloader = try PolicyReloader(path: directory.path, logger: quietLogger)
        try FileManager.default.removeItem(atPath: directory.root.appendingPathComponent("..data").path)
        guard case .rejected(let errors) = reloader.checkNow() else {
            Issue.record("a missing file was not reported")
            return
        }
        #expect(errors.first?.contains("no such file") == true)
        #expect(reloader.current.policies.base.mode == .audit)
    }

    /// An edit that makes the file larger than a ConfigMap can hold is refused before it is read whole.
    @Test func anOversizedEditKeepsTheLastGoodPolicy() throws {
        let directory = try KubeletConfigMapDirectory("mode: audit\n")
        let reloader = try PolicyReloader(path: directory.path, logger: quietLogger)
        try directory.update("mode: enforce\n" + String(repeating: "# padding\n", count: 120_000))
        guard case .rejected(let errors) = reloader.checkNow() else {
            Issue.record("an oversized file was not refused")
            return
        }
        #expect(errors.first?.contains("larger than 1 MiB") == true)
        #expect(reloader.current.policies.base.mode == .audit)
    }

    @Test func aBadFileAtStartIsAnError() throws {
        let directory = try KubeletConfigMapDirectory("mode: sometimes\n")
        #expect(throws: PolicyLoadError.self) { try PolicyReloader(path: directory.path, logger: quietLogger) }
    }

    @Test func theHashIsTheFilesSHA256() throws {
        let directory = try KubeletConfigMapDirectory("mode: audit\n")
        let loaded = try LoadedPolicy.load(path: directory.path)
        // printf 'mode: audit\n' | sha256sum
        #expect(loaded.contentHash == "e1c9ef096ce9ddb23112951dd4d264c40196bb3ce21c9eb8a1565c71a243f313")
        #expect(LoadedPolicy.embeddedDefault.contentHash == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    }

    @Test func theTimerPicksUpChanges() async throws {
        let directory = try KubeletConfigMapDirectory("mode: enforce\n")
        let reloader = try PolicyReloader(path: directory.path, interval: .milliseconds(20), logger: quietLogger)
        reloader.start()
        defer { reloader.stop() }
        try directory.update("mode: audit\n")
        for _ in 0..<500 where reloader.current.generation == 1 {
            try await Task.sleep(for: .milliseconds(10))
        }
        #expect(reloader.current.generation == 2)
        #expect(reloader.current.policies.base.mode == .audit)
    }

    @Test func readersNeverSeeHalfAPolicy() async throws {
        let first = "mode: audit\nallowedCapabilities: [CHOWN]\ndenyPrivileged: false\n"
        let second = "mode: enforce\nallowedCapabilities: [NET_RAW, SETUID]\ndenyPrivileged: true\n"
        let directory = try KubeletConfigMapDirectory(first)
        let reloader = try PolicyReloader(path: directory.path, logger: quietLogger)
        let valid = [try PolicyFile.parse(first, file: "a"), try PolicyFile.parse(second, file: "b")]
        let mixed = await withTaskGroup(of: Int.self) { group in
            for _ in 0..<4 {
                group.addTask {
                    var mixed = 0
                    for _ in 0..<20_000 where !valid.contains(reloader.current.policies) { mixed += 1 }
                    return mixed
                }
            }
            for index in 0..<100 {
                try? directory.update(index.isMultiple(of: 2) ? second : first)
                reloader.checkNow()
            }
            return await group.reduce(0, +)
        }
        #expect(mixed == 0)
        #expect(reloader.statistics.succeeded == 100)
    }
}
