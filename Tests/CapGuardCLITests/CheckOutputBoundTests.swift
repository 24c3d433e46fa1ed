import Foundation
import Testing
import CapGuardTestSupport

@Suite("capguard check: what one object prints is bounded")
struct CheckOutputBoundTests {
    /// A Deployment whose three containers each add 5,000 junk names, and a small Pod after it.
    static let manifest: String = {
        let names = (0..<5000).map { "JUNK\($0)" }.joined(separator: ", ")
        let containers = (0..<3).map { "        - name: c\($0)\n          securityContext: {capabilities: {drop: [ALL], add: [\(names)]}}\n" }.joined()
        return "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: junk, namespace: ns}\nspec:\n  template:\n    spec:\n      containers:\n"
            + containers + "---\n" + violatingPodAfterJunk
    }()

    static let violatingPodAfterJunk = "apiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: ns}\nspec:\n  containers: [{name: a, securityContext: {privileged: true, capabilities: {drop: [ALL]}}}]\n"

    @Test func textShowsTheFirstViolationsAndOneLineForTheRest() throws {
        let files = try TemporaryFiles(["junk.yaml": Self.manifest])
        defer { files.remove() }
        let result = try CapGuardProcess.run(["check", files.path("junk.yaml")])
        #expect(result.status == 1)
        let junkLines = result.lines.filter { $0.contains("Deployment ns/junk") }
        #expect(junkLines.count == 51)
        #expect(junkLines.last == "\(files.path("junk.yaml")):1: Deployment ns/junk: and 14950 more violations")
        // Every container shows some of its violations; the next object still gets its own.
        for name in ["c0", "c1", "c2"] { #expect(junkLines.contains { $0.contains("container \"\(name)\"") }) }
        #expect(result.lines.contains { $0.contains("Pod ns/p: container \"a\"") && $0.contains("is privileged") })
        #expect(result.lines.last == "2 checked, 2 violating (15001 violations), 0 skipped without a pod spec")
        #expect(result.stdout.utf8.count < 64 * 1024)
    }

    @Test func jsonShowsTheFirstViolationsAndTheCountOfTheRest() throws {
        let files = try TemporaryFiles(["junk.yaml": Self.manifest])
        defer { files.remove() }
        let result = try CapGuardProcess.run(["check", "--output", "json", files.path("junk.yaml")])
        #expect(result.status == 1)
        #expect(result.stdout.utf8.count < 64 * 1024)
        let report = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let results = try #require(report["results"] as? [[String: Any]])
        #expect((results.first?["violations"] as? [Any])?.count == 50)
        #expect(results.first?["omittedViolations"] as? Int == 14_950)
        #expect(results.last?["omittedViolations"] == nil)
        #expect((report["summary"] as? [String: Any])?["violations"] as? Int == 15_001)
    }

    @Test func advisoriesAreBoundedTheSameWay() throws {
        let containers = (0..<60).map { "    - {name: c\($0), securityContext: {capabilities: {drop: [all]}}}\n" }.joined()
        let files = try TemporaryFiles(["all.yaml": "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n" + containers])
        defer { files.remove() }
        let text = try CapGuardProcess.run(["check", files.path("all.yaml")])
        #expect(text.status == 0)
        #expect(text.lines.filter { $0.contains("warning: Pod p: container") }.count == 50)
        #expect(text.lines.contains("\(files.path("all.yaml")):1: warning: Pod p: and 10 more warnings"))
        let json = try CapGuardProcess.run(["check", "--output", "json", files.path("all.yaml")])
        let report = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        let result = try #require((report["results"] as? [[String: Any]])?.first)
        #expect((result["advisories"] as? [Any])?.count == 50)
        #expect(result["omittedAdvisories"] as? Int == 10)
    }
}
