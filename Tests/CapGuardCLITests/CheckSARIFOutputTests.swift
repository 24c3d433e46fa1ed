import CapGuardTestSupport
import Foundation
import Testing

/// Manifests that break every rule once, and one advisory.
private let everyRule = """
    apiVersion: v1
    kind: Pod
    metadata: {name: all-rules, namespace: team}
    spec:
      containers:
        - name: no-drop
          image: nginx
        - name: adds
          image: nginx
          securityContext:
            capabilities: {drop: [ALL], add: [SYS_ADMIN, ALL, SYS_ADMINN]}
        - name: privileged
          image: nginx
          securityContext: {privileged: true, capabilities: {drop: [ALL]}}
        - name: spelling
          image: nginx
          securityContext: {capabilities: {drop: [all]}}
    """

/// The stable rule ids: users filter and suppress findings by them, so a renamed one is a broken promise.
private let ruleIDs = ["drop-all", "added-capability", "adds-all", "unknown-capability", "privileged", "drop-all-spelling"]

@Suite("capguard check --output sarif")
struct CheckSARIFOutputTests {
    static let schema = Fixtures.repository.appendingPathComponent("Tests/Fixtures/sarif/sarif-schema-2.1.0.json").path

    /// Runs check in `directory` (so that relative paths stay relative) and returns the exit status and output.
    static func check(_ arguments: [String], in directory: String) -> (status: Int32, stdout: String) {
        let result = Command.run(CapGuardProcess.executable.path, ["check"] + arguments, directory: directory)
        return (result.status, result.standardOutput)
    }

    /// Validates a SARIF log with check-jsonschema against the SARIF 2.1.0 schema kept in the fixtures.
    static func validate(_ sarif: String, in directory: String) throws {
        let file = directory + "/report.sarif"
        try Data(sarif.utf8).write(to: URL(fileURLWithPath: file))
        let validation = try ExternalTool("check-jsonschema").run(["--schemafile", schema, file])
        #expect(validation.status == 0, "\(validation.stdout)\(validation.stderr)")
    }

    static func log(_ sarif: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(sarif.utf8)) as? [String: Any])
    }

    @Test func everyViolationIsAResultWhereTheTextOutputPutsIt() throws {
        let files = try TemporaryFiles(["deploy/web.yaml": violatingDeployment, "deploy/rules.yaml": everyRule, "pod.yaml": compliantPod])
        defer { files.remove() }
        let paths = ["deploy", "pod.yaml"]
        let text = Self.check(paths, in: files.path())
        let sarif = Self.check(["--output", "sarif"] + paths, in: files.path())
        #expect(text.status == 1)
        #expect(sarif.status == text.status)
        try Self.validate(sarif.stdout, in: files.path())

        let run = try #require((try Self.log(sarif.stdout)["runs"] as? [[String: Any]])?.first)
        let driver = try #require((run["tool"] as? [String: Any])?["driver"] as? [String: Any])
        let rules = try #require(driver["rules"] as? [[String: Any]])
        #expect(rules.compactMap { $0["id"] as? String } == ruleIDs)
        let results = try #require(run["results"] as? [[String: Any]])
        // Each text line `file:line: [warning: ]message` has exactly one result with that file, line and message.
        var fromText = text.stdout.split(separator: "\n").dropLast().map(String.init)
        var fromSARIF: [String] = []
        for result in results {
            let ruleID = try #require(result["ruleId"] as? String)
            let index = try #require(result["ruleIndex"] as? Int)
            #expect(rules[index]["id"] as? String == ruleID)
            let location = try #require((result["locations"] as? [[String: Any]])?.first?["physicalLocation"] as? [String: Any])
            let artifact = try #require(location["artifactLocation"] as? [String: Any])
            #expect(artifact["uriBaseId"] as? String == "%SRCROOT%")
            let line = try #require((location["region"] as? [String: Any])?["startLine"] as? Int)
            let message = try #require((result["message"] as? [String: Any])?["text"] as? String)
            let warning = result["level"] as? String == "warning" ? "warning: " : ""
            #expect(result["level"] as? String == (ruleID == "drop-all-spelling" ? "warning" : "error"))
            fromSARIF.append("\(try #require(artifact["uri"] as? String)):\(line): \(warning)\(message)")
        }
        fromText.sort()
        fromSARIF.sort()
        #expect(fromSARIF == fromText)
        #expect(Set(results.compactMap { $0["ruleId"] as? String }) == Set(ruleIDs))
        // 2 in web.yaml, 5 in rules.yaml; the fixes are in the messages.
        #expect(results.filter { $0["level"] as? String == "error" }.count == 7)
        #expect(fromSARIF.contains { $0.contains("remove it from securityContext.capabilities.add") })
    }

    @Test func regionsAreTheContainersLineAndColumnAsTheJSONOutputGivesThem() throws {
        let files = try TemporaryFiles(["web.yaml": violatingDeployment])
        defer { files.remove() }
        let sarif = Self.check(["--output", "sarif", "web.yaml"], in: files.path())
        let json = Self.check(["--output", "json", "web.yaml"], in: files.path())
        let run = try #require((try Self.log(sarif.stdout)["runs"] as? [[String: Any]])?.first)
        let regions = try #require(run["results"] as? [[String: Any]]).map { result in
            let location = (result["locations"] as? [[String: Any]])?.first?["physicalLocation"] as? [String: Any]
            let region = location?["region"] as? [String: Any]
            return [region?["startLine"] as? Int ?? 0, region?["startColumn"] as? Int ?? 0]
        }
        let objects = try #require(try Self.log(json.stdout)["results"] as? [[String: Any]])
        let violations = try #require(objects.first?["violations"] as? [[String: Any]])
        #expect(regions == violations.map { [$0["line"] as? Int ?? -1, $0["column"] as? Int ?? -1] })
        // `        - name: bad` in the file: the container's mapping starts at `name`.
        #expect(regions == [[12, 11], [12, 11]])
    }

    @Test func unreadableInputIsAFailedExecutionWithTheSameExitStatus() throws {
        let files = try TemporaryFiles(["broken.yaml": "apiVersion: v1\nkind: Pod\nspec:\n  containers: [\n", "web.yaml": violatingDeployment])
        defer { files.remove() }
        let arguments = ["broken.yaml", "missing.yaml", "web.yaml"]
        let text = Self.check(arguments, in: files.path())
        let sarif = Self.check(["--output", "sarif"] + arguments, in: files.path())
        #expect(text.status == 2)
        #expect(sarif.status == 2)
        try Self.validate(sarif.stdout, in: files.path())
        let run = try #require((try Self.log(sarif.stdout)["runs"] as? [[String: Any]])?.first)
        let invocation = try #require((run["invocations"] as? [[String: Any]])?.first)
        #expect(invocation["executionSuccessful"] as? Bool == false)
        #expect(invocation["exitCode"] as? Int == 2)
        let notifications = try #require(invocation["toolExecutionNotifications"] as? [[String: Any]])
        #expect(notifications.count == 2)
        #expect(notifications.allSatisfy { $0["level"] as? String == "error" })
        let broken = try #require(notifications.first {
            (($0["message"] as? [String: Any])?["text"] as? String)?.hasPrefix("broken.yaml:5:1: ") == true
        })
        let region = ((broken["locations"] as? [[String: Any]])?.first?["physicalLocation"] as? [String: Any])?["region"] as? [String: Any]
        #expect(region?["startLine"] as? Int == 5)
        #expect(region?["startColumn"] as? Int == 1)
        // The readable file's violations are still reported.
        #expect((run["results"] as? [[String: Any]])?.count == 2)
    }

    @Test func pathsBecomeURIReferencesAndStandardInputHasNoFile() throws {
        let files = try TemporaryFiles(["odd dir/a#b?c:d.yaml": violatingDeployment])
        defer { files.remove() }
        func uris(_ arguments: [String], stdin: String? = nil) throws -> [String?] {
            let result = Command.run(CapGuardProcess.executable.path, ["check", "--output", "sarif"] + arguments,
                                     directory: files.path(), input: stdin.map { Data($0.utf8) })
            try Self.validate(result.standardOutput, in: files.path())
            let run = try #require((try Self.log(result.standardOutput)["runs"] as? [[String: Any]])?.first)
            return try #require(run["results"] as? [[String: Any]]).map { result in
                let location = (result["locations"] as? [[String: Any]])?.first
                #expect(location?["logicalLocations"] != nil)
                return ((location?["physicalLocation"] as? [String: Any])?["artifactLocation"] as? [String: Any])?["uri"] as? String
            }
        }
        #expect(try uris(["odd dir"]).first == "odd%20dir/a%23b%3Fc%3Ad.yaml")
        #expect(try uris([files.path("odd dir/a#b?c:d.yaml")]).first == "file://" + files.path().replacing(" ", with: "%20") + "/odd%20dir/a%23b%3Fc%3Ad.yaml")
        #expect(try uris(["-"], stdin: violatingDeployment) == [nil, nil])
    }

    @Test func sarifToolsReadsTheLog() throws {
        let files = try TemporaryFiles(["rules.yaml": everyRule])
        defer { files.remove() }
        let sarif = Self.check(["--output", "sarif", "rules.yaml"], in: files.path())
        try Data(sarif.stdout.utf8).write(to: URL(fileURLWithPath: files.path("report.sarif")))
        let summary = try ExternalTool("sarif").run(["summary", files.path("report.sarif")])
        #expect(summary.status == 0, "\(summary.stderr)")
        #expect(summary.stdout.contains("error: 5"))
        #expect(summary.stdout.contains("warning: 1"))
    }

    /// Code scanning links each rule to its help: the README must have the section the link names.
    @Test func everyHelpURIPointsToAREADMEHeading() throws {
        let files = try TemporaryFiles(["pod.yaml": compliantPod])
        defer { files.remove() }
        let sarif = Self.check(["--output", "sarif", "pod.yaml"], in: files.path())
        let run = try #require((try Self.log(sarif.stdout)["runs"] as? [[String: Any]])?.first)
        let driver = try #require((run["tool"] as? [String: Any])?["driver"] as? [String: Any])
        #expect(driver["name"] as? String == "capguard")
        let readme = try String(contentsOf: Fixtures.repository.appendingPathComponent("README.md"), encoding: .utf8)
        let anchors = Set(readme.split(separator: "\n").filter { $0.hasPrefix("#") }.map { heading in
            // GitHub's anchors: lower case, punctuation other than - and _ dropped, spaces as dashes.
            String(heading.drop { $0 == "#" }.dropFirst().lowercased()
                .filter { $0.isLetter || $0.isNumber || $0 == " " || $0 == "-" || $0 == "_" }
                .map { $0 == " " ? "-" : $0 })
        })
        for rule in try #require(driver["rules"] as? [[String: Any]]) {
            let uri = try #require(rule["helpUri"] as? String)
            let fragment = try #require(uri.split(separator: "#", maxSplits: 1).last.map(String.init))
            #expect(anchors.contains(fragment), "\(uri)")
            let help = rule["help"] as? [String: Any]
            #expect((help?["text"] as? String)?.isEmpty == false)
            #expect((help?["markdown"] as? String)?.isEmpty == false)
        }
    }

    /// An object with more violations than a report lists (50) has its first 50 as results, and the rest
    /// counted in a notification, as the text output counts them in one line.
    @Test func violationsPastTheLimitAreCounted() throws {
        let containers = (0..<60).map { "    - {name: c\($0), image: i}" }.joined(separator: "\n")
        let files = try TemporaryFiles(["many.yaml": "apiVersion: v1\nkind: Pod\nmetadata: {name: many}\nspec:\n  containers:\n" + containers + "\n"])
        defer { files.remove() }
        let text = Self.check(["many.yaml"], in: files.path())
        let sarif = Self.check(["--output", "sarif", "many.yaml"], in: files.path())
        #expect(sarif.status == 1)
        try Self.validate(sarif.stdout, in: files.path())
        #expect(text.stdout.contains("many.yaml:1: Pod many: and 10 more violations"))
        let run = try #require((try Self.log(sarif.stdout)["runs"] as? [[String: Any]])?.first)
        #expect((run["results"] as? [[String: Any]])?.count == 50)
        let invocation = try #require((run["invocations"] as? [[String: Any]])?.first)
        #expect(invocation["executionSuccessful"] as? Bool == true)
        let notifications = try #require(invocation["toolExecutionNotifications"] as? [[String: Any]])
        #expect(notifications.map { ($0["message"] as? [String: Any])?["text"] as? String } == ["Pod many: and 10 more violations"])
    }
}
