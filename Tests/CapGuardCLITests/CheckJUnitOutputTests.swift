import CapGuardTestSupport
import Foundation
import Testing

@Suite("capguard check --output junit")
struct CheckJUnitOutputTests {
    /// What Python's XML parser (expat, which refuses any ill-formed document) reads from the report: the
    /// counts of the root and of each suite, and each case with what it holds.
    static func parse(_ xml: String, in directory: String) throws -> [String: Any] {
        let file = directory + "/report.xml"
        try Data(xml.utf8).write(to: URL(fileURLWithPath: file))
        let script = """
            import json, sys, xml.etree.ElementTree as ET
            root = ET.parse(sys.argv[1]).getroot()
            counts = lambda e: {k: int(e.get(k)) for k in ("tests", "failures", "errors", "skipped")}
            print(json.dumps({"tag": root.tag, "counts": counts(root), "suites": [
                {"name": s.get("name"), "counts": counts(s), "cases": [
                    {"classname": c.get("classname"), "name": c.get("name"), "line": c.get("line"),
                     "children": [ch.tag for ch in c],
                     "message": next((ch.get("message") for ch in c if ch.tag != "system-out"), None),
                     "text": "".join((ch.text or "") for ch in c)}
                    for c in s.findall("testcase")]}
                for s in root.findall("testsuite")]}))
            """
        let result = try ExternalTool("python3").run(["-c", script, file])
        #expect(result.status == 0, "\(result.stderr)")
        return try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
    }

    @Test func aSuitePerFileACasePerObjectFailuresSkipsAndErrors() throws {
        let windowsPod = "apiVersion: v1\nkind: Pod\nmetadata: {name: win, namespace: w}\nspec:\n  os: {name: windows}\n  containers: [{name: c, image: i}]\n"
        let files = try TemporaryFiles([
            "web.yaml": violatingDeployment + "\n---\napiVersion: v1\nkind: Service\nmetadata: {name: s, namespace: shop}\n",
            "pod.yaml": compliantPod + "\n---\n" + windowsPod,
            "broken.yaml": "apiVersion: v1\nkind: Pod\nspec:\n  containers: [\n",
        ])
        defer { files.remove() }
        let arguments = ["check", "--output", "junit", "web.yaml", "pod.yaml", "broken.yaml"]
        let result = Command.run(CapGuardProcess.executable.path, arguments, directory: files.path())
        #expect(result.status == 2)
        let report = try Self.parse(result.standardOutput, in: files.path())
        #expect(report["tag"] as? String == "testsuites")
        #expect(report["counts"] as? [String: Int] == ["tests": 5, "failures": 1, "errors": 1, "skipped": 2])
        let suites = try #require(report["suites"] as? [[String: Any]])
        #expect(suites.map { $0["name"] as? String } == ["web.yaml", "pod.yaml", "broken.yaml"])
        #expect(suites.map { $0["counts"] as? [String: Int] } == [
            ["tests": 2, "failures": 1, "errors": 0, "skipped": 1],
            ["tests": 2, "failures": 0, "errors": 0, "skipped": 1],
            ["tests": 1, "failures": 0, "errors": 1, "skipped": 0],
        ])
        let web = try #require(suites[0]["cases"] as? [[String: Any]])
        #expect(web.map { $0["name"] as? String } == ["Deployment/shop/web", "Service/shop/s"])
        #expect(web.allSatisfy { $0["classname"] as? String == "web.yaml" })
        #expect(web[0]["children"] as? [String] == ["failure"])
        #expect(web[0]["message"] as? String == "2 violations (drop-all, added-capability)")
        #expect(web[0]["line"] as? String == "2")
        // The failure's text is the text output's lines for the object.
        let textLines = Command.run(CapGuardProcess.executable.path, ["check", "web.yaml"], directory: files.path())
            .standardOutput.split(separator: "\n").dropLast().joined(separator: "\n")
        #expect(web[0]["text"] as? String == textLines)
        #expect(web[1]["children"] as? [String] == ["skipped"])
        let pods = try #require(suites[1]["cases"] as? [[String: Any]])
        #expect(pods.map { $0["name"] as? String } == ["Pod/default/ok", "Pod/w/win"])
        #expect(pods[0]["children"] as? [String] == [])
        #expect(pods[1]["children"] as? [String] == ["skipped"])
        let broken = try #require(suites[2]["cases"] as? [[String: Any]])
        #expect(broken[0]["children"] as? [String] == ["error"])
        #expect((broken[0]["message"] as? String)?.hasPrefix("broken.yaml:5:1: ") == true)
    }

    @Test func exemptObjectsAreSkippedAndAdvisoriesAreOutput() throws {
        let advisory = "apiVersion: v1\nkind: Pod\nmetadata: {name: lower, namespace: default}\nspec:\n  containers: [{name: c, image: i, securityContext: {capabilities: {drop: [all]}}}]\n"
        let files = try TemporaryFiles([
            "policy.yaml": "exemptions:\n  namespaces: [shop]\n",
            "m.yaml": violatingDeployment + "\n---\n" + advisory,
        ])
        defer { files.remove() }
        let result = Command.run(CapGuardProcess.executable.path, ["check", "--output", "junit", "--config", "policy.yaml", "m.yaml"],
                                 directory: files.path())
        #expect(result.status == 0)
        let report = try Self.parse(result.standardOutput, in: files.path())
        #expect(report["counts"] as? [String: Int] == ["tests": 2, "failures": 0, "errors": 0, "skipped": 1])
        let cases = try #require((report["suites"] as? [[String: Any]])?.first?["cases"] as? [[String: Any]])
        #expect(cases[0]["children"] as? [String] == ["skipped"])
        #expect((cases[0]["message"] as? String)?.hasPrefix("exempt: ") == true)
        #expect(cases[1]["children"] as? [String] == ["system-out"])
        #expect((cases[1]["text"] as? String)?.contains("warning: Pod default/lower") == true)
    }

    /// Markup characters, quotes and control characters in names, namespaces and file names: the report
    /// stays well formed, and nothing XML 1.0 forbids reaches it.
    @Test func hostileNamesStayWellFormed() throws {
        let hostile = """
            apiVersion: v1
            kind: Pod
            metadata: {name: "a<b&c\\"d'e]]>", namespace: "n\\u0001\\u001b[2K\\ufffe"}
            spec:
              containers: [{name: "x</failure>\\u0000", image: i, securityContext: {privileged: true}}]
            """
        let files = try TemporaryFiles(["a&b<\"c'\u{1}.yaml": hostile])
        defer { files.remove() }
        let result = Command.run(CapGuardProcess.executable.path, ["check", "--output", "junit", "."], directory: files.path())
        #expect(result.status == 1)
        #expect(!result.standardOutput.unicodeScalars.contains { $0.value < 0x20 && $0 != "\n" })
        #expect(!result.standardOutput.contains("\u{FFFE}"))
        let report = try Self.parse(result.standardOutput, in: files.path())
        #expect(report["counts"] as? [String: Int] == ["tests": 1, "failures": 1, "errors": 0, "skipped": 0])
        let suite = try #require((report["suites"] as? [[String: Any]])?.first)
        #expect((suite["name"] as? String)?.contains("a&b<\\\"c'") == true)
        let testCase = try #require((suite["cases"] as? [[String: Any]])?.first)
        #expect((testCase["name"] as? String)?.contains(#"a<b&c\"d'e]]>"#) == true)
        #expect((testCase["text"] as? String)?.contains("x</failure>") == true)
    }

    /// Violations a report does not list one by one are still counted in the failure.
    @Test func violationsPastTheLimitAreCounted() throws {
        let containers = (0..<60).map { "    - {name: c\($0), image: i}" }.joined(separator: "\n")
        let files = try TemporaryFiles(["many.yaml": "apiVersion: v1\nkind: Pod\nmetadata: {name: many}\nspec:\n  containers:\n" + containers + "\n"])
        defer { files.remove() }
        let result = Command.run(CapGuardProcess.executable.path, ["check", "--output", "junit", "many.yaml"], directory: files.path())
        #expect(result.status == 1)
        let report = try Self.parse(result.standardOutput, in: files.path())
        let testCase = try #require(((report["suites"] as? [[String: Any]])?.first?["cases"] as? [[String: Any]])?.first)
        #expect(testCase["name"] as? String == "Pod/many")
        #expect(testCase["message"] as? String == "60 violations (drop-all)")
        let text = try #require(testCase["text"] as? String)
        #expect(text.split(separator: "\n").count == 51)
        #expect(text.hasSuffix("many.yaml:1: Pod many: and 10 more violations"))
    }
}
