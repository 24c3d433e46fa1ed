import Foundation
import Testing
import CapGuardTestSupport

let compliantPod = """
    apiVersion: v1
    kind: Pod
    metadata: {name: ok, namespace: default}
    spec:
      containers:
        - name: app
          image: nginx
          securityContext:
            capabilities: {drop: [ALL], add: [NET_BIND_SERVICE]}
    """

let violatingDeployment = """
    # a comment first
    apiVersion: apps/v1
    kind: Deployment
    metadata: {name: web, namespace: shop}
    spec:
      template:
        spec:
          containers:
            - name: ok
              image: nginx
              securityContext: {capabilities: {drop: [ALL]}}
            - name: bad
              image: nginx
              securityContext:
                capabilities:
                  add: [SYS_ADMIN]
    """

@Suite("capguard check, end to end")
struct CheckCommandTests {
    @Test func compliantManifestsExitZero() throws {
        let files = try TemporaryFiles(["pod.yaml": compliantPod + "\n---\napiVersion: v1\nkind: Service\nmetadata: {name: s}\n"])
        defer { files.remove() }
        let result = try CapGuardProcess.run(["check", files.path("pod.yaml")])
        #expect(result.status == 0)
        #expect(result.lines == ["1 checked, 0 violating (0 violations), 1 skipped without a pod spec"])
    }

    @Test func violationsExitOneWithFileLineAndFix() throws {
        let files = try TemporaryFiles(["web.yaml": violatingDeployment])
        defer { files.remove() }
        let result = try CapGuardProcess.run(["check", files.path("web.yaml")])
        #expect(result.status == 1)
        let path = files.path("web.yaml")
        #expect(result.lines.count == 3)
        #expect(result.lines[0] == #"\#(path):12: Deployment shop/web: container "bad" (spec.template.spec.containers[1]) must drop ALL capabilities: add securityContext.capabilities.drop: ["ALL"]"#)
        #expect(result.lines[1].hasPrefix(#"\#(path):12: Deployment shop/web: container "bad" (spec.template.spec.containers[1]) adds SYS_ADMIN, which is not allowed"#))
        #expect(result.lines[2] == "1 checked, 1 violating (2 violations), 0 skipped without a pod spec")
    }

    @Test func brokenYAMLExitsTwoWithLineAndColumn() throws {
        let files = try TemporaryFiles(["bad.yaml": "apiVersion: v1\nkind: Pod\nspec:\n  containers: [\n", "good.yaml": compliantPod])
        defer { files.remove() }
        let result = try CapGuardProcess.run(["check", files.path()])
        #expect(result.status == 2)
        #expect(result.stderr.contains("\(files.path("bad.yaml")):5:1: "))
        #expect(result.stdout.contains("1 checked"))
        #expect(result.stdout.contains("1 unreadable"))
    }

    @Test func wrongTypesAreUnreadableInput() throws {
        let files = try TemporaryFiles(["p.yaml": "apiVersion: v1\nkind: Pod\nspec:\n  containers:\n    - name: a\n      securityContext:\n        privileged: maybe\n"])
        defer { files.remove() }
        let result = try CapGuardProcess.run(["check", files.path("p.yaml")])
        #expect(result.status == 2)
        #expect(result.stderr.contains("privileged"))
    }

    @Test func kubectlJSONListFromStandardInput() throws {
        let list = """
            {
                "apiVersion": "v1",
                "items": [
                    {
                        "apiVersion": "v1",
                        "kind": "Pod",
                        "metadata": {"name": "a", "namespace": "default"},
                        "spec": {"containers": [{"name": "c", "image": "busybox"}]}
                    },
                    {
                        "apiVersion": "apps/v1",
                        "kind": "Deployment",
                        "metadata": {"name": "d", "namespace": "default"},
                        "spec": {"template": {"spec": {"containers": [
                            {"name": "c", "image": "busybox", "securityContext": {"capabilities": {"drop": ["ALL"]}}}
                        ]}}}
                    }
                ],
                "kind": "List",
                "metadata": {"resourceVersion": ""}
            }
            """
        let result = try CapGuardProcess.run(["check", "-"], stdin: list)
        #expect(result.status == 1)
        #expect(result.lines.first?.hasPrefix(#"<stdin>:8: Pod default/a: container "c" (spec.containers[0]) must drop ALL"#) == true)
        #expect(result.lines.last == "2 checked, 1 violating (1 violation), 0 skipped without a pod spec")
    }

    @Test func directoriesAreReadRecursively() throws {
        let files = try TemporaryFiles([
            "a/pod.yaml": compliantPod,
            "a/b/web.yml": violatingDeployment,
            "a/b/c/list.json": #"{"kind": "List", "apiVersion": "v1", "items": []}"#,
            "a/notes.txt": "not a manifest: [",
        ])
        defer { files.remove() }
        let result = try CapGuardProcess.run(["check", files.path("a")])
        #expect(result.status == 1)
        #expect(result.lines.last == "2 checked, 1 violating (2 violations), 0 skipped without a pod spec")
    }

    @Test func endlessInputIsRefusedAtItsLimit() throws {
        let result = try CapGuardProcess.run(["check", "/dev/zero"])
        #expect(result.status == 2)
        #expect(result.stderr.contains("error: /dev/zero: larger than 64 MiB, the most capguard reads of one input"))
    }

    @Test func endlessStandardInputIsRefusedAtItsLimit() throws {
        let process = Process()
        process.executableURL = CapGuardProcess.executable
        process.arguments = ["check", "-"]
        process.standardInput = try FileHandle(forReadingFrom: URL(fileURLWithPath: "/dev/zero"))
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let stderr = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 2)
        #expect(stderr.contains("error: <stdin>: larger than 64 MiB"))
    }

    /// One object of the wrong type once turned a whole file into "0 checked" and hid its violations.
    @Test func anUnreadableDocumentDoesNotHideTheViolationsOfTheOthers() throws {
        let files = try TemporaryFiles(["m.yaml": "apiVersion: v1\nkind: Pod\nspec: {containers: 5}\n---\n" + violatingDeployment])
        defer { files.remove() }
        let result = try CapGuardProcess.run(["check", files.path("m.yaml")])
        #expect(result.status == 2)
        #expect(result.stdout.contains("Deployment shop/web: container \"bad\""))
        #expect(result.lines.last == "1 checked, 1 violating (2 violations), 0 skipped without a pod spec, 1 unreadable")
    }

    @Test func fileNamesThatCouldForgeOutputAreEscaped() throws {
        let files = try TemporaryFiles(["x\nforged.yaml:1: ok\u{1B}[2K.yaml": violatingDeployment])
        defer { files.remove() }
        let result = try CapGuardProcess.run(["check", files.path()])
        #expect(result.status == 1)
        #expect(result.stdout.contains(#"x\nforged.yaml:1: ok\u{1b}[2K.yaml""#))
        #expect(!result.stdout.contains("\u{1B}"))
        #expect(result.lines.count == 3)
    }

    /// A bidi override, a line separator or an escape sequence in a name must not reorder or forge output,
    /// in text or in JSON; ordinary names stay as they are.
    @Test func namesThatCouldForgeOutputAreEscapedInTextAndJSON() throws {
        let pod = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: \"evil\\u202Eedoc\\e[31m\"\n  namespace: \"ns\\nX\"\n"
            + "spec:\n  containers:\n  - name: \"c\\u2028x\"\n    image: nginx\n  - name: plain\n    image: nginx\n"
        let text = try CapGuardProcess.run(["check", "-"], stdin: pod)
        #expect(text.status == 1)
        #expect(text.stdout.contains(#"Pod "ns\nX"/"evil\u{202e}edoc\u{1b}[31m": container "c\u{2028}x""#))
        #expect(text.stdout.contains(#"container "plain""#))
        for raw in ["\u{202E}", "\u{2028}", "\u{1B}"] {
            #expect(!text.stdout.contains(raw))
        }
        let json = try CapGuardProcess.run(["check", "--output", "json", "-"], stdin: pod)
        let results = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])["results"] as? [[String: Any]]
        let object = try #require(results?.first)
        #expect(object["name"] as? String == #""evil\u{202e}edoc\u{1b}[31m""#)
        #expect(object["namespace"] as? String == #""ns\nX""#)
        let containers = (object["violations"] as? [[String: Any]])?.compactMap { $0["container"] as? String }
        #expect(containers == [#""c\u{2028}x""#, "plain"])
    }

    /// kubectl apply -f DIR applies DIR/.x.yaml, and -R descends into .d/: neither may hide a violation.
    @Test func hiddenFilesAndDirectoriesAreRead() throws {
        let files = try TemporaryFiles([
            "a/.evil.yaml": violatingDeployment,
            "a/.hidden/pod.json": #"{"apiVersion": "v1", "kind": "Pod", "spec": {"containers": [{"name": "c", "securityContext": {"privileged": true}}]}}"#,
        ])
        defer { files.remove() }
        let result = try CapGuardProcess.run(["check", files.path("a")])
        #expect(result.status == 1)
        #expect(result.stdout.contains(".evil.yaml:"))
        #expect(result.stdout.contains(".hidden/pod.json:1: Pod (unnamed): container \"c\" (spec.containers[0]) is privileged"))
        #expect(result.lines.last == "2 checked, 2 violating (4 violations), 0 skipped without a pod spec")
    }

    @Test func jsonOutput() throws {
        let files = try TemporaryFiles(["web.yaml": violatingDeployment + "\n---\n" + compliantPod])
        defer { files.remove() }
        let result = try CapGuardProcess.run(["check", "--output", "json", files.path("web.yaml")])
        #expect(result.status == 1)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let summary = try #require(json["summary"] as? [String: Int])
        #expect(summary["checked"] == 2 && summary["violating"] == 1 && summary["violations"] == 2)
        let results = try #require(json["results"] as? [[String: Any]])
        #expect(results.map { $0["status"] as? String } == ["violating", "compliant"])
        let violations = try #require(results[0]["violations"] as? [[String: Any]])
        #expect(violations.map { $0["field"] as? String } == [
            "spec.template.spec.containers[1].securityContext.capabilities.drop",
            "spec.template.spec.containers[1].securityContext.capabilities.add[0]",
        ])
        #expect(violations.map { $0["line"] as? Int } == [12, 12])
    }

    @Test func configFileChangesTheAllowlist() throws {
        let files = try TemporaryFiles([
            "pod.yaml": compliantPod.replacingOccurrences(of: "NET_BIND_SERVICE", with: "CHOWN"),
            "policy.yaml": "allowedCapabilities: [NET_BIND_SERVICE]\n",
            "bad-policy.yaml": "allowedCapabilities: [NET_BIND_SERVICE]\nmodes: audit\n",
        ])
        defer { files.remove() }
        #expect(try CapGuardProcess.run(["check", files.path("pod.yaml")]).status == 0)
        let strict = try CapGuardProcess.run(["check", "--config", files.path("policy.yaml"), files.path("pod.yaml")])
        #expect(strict.status == 1)
        #expect(strict.stdout.contains("adds CHOWN, which is not allowed (allowed: NET_BIND_SERVICE)"))
        let bad = try CapGuardProcess.run(["check", "--config", files.path("bad-policy.yaml"), files.path("pod.yaml")])
        #expect(bad.status == 2)
        #expect(bad.stderr.contains(#"bad-policy.yaml:2:1: unknown key "modes""#))
    }

    @Test func namespaceExemptionsApplyOffline() throws {
        let files = try TemporaryFiles([
            "web.yaml": violatingDeployment,
            "policy.yaml": "exemptions:\n  namespaces: [shop]\n",
        ])
        defer { files.remove() }
        let result = try CapGuardProcess.run(["check", "--config", files.path("policy.yaml"), files.path("web.yaml")])
        #expect(result.status == 0)
        #expect(result.lines.last == "0 checked, 0 violating (0 violations), 0 skipped without a pod spec, 1 exempt")
    }

    @Test("bad usage exits two", arguments: [["check"], ["check", "--output", "xml", "x"], ["check", "--bogus", "x"], ["nope"]])
    func badUsage(arguments: [String]) throws {
        let result = try CapGuardProcess.run(arguments)
        #expect(result.status == 2)
        #expect(!result.stderr.isEmpty)
    }

    @Test func missingFileExitsTwo() throws {
        let result = try CapGuardProcess.run(["check", "/nonexistent/manifest.yaml"])
        #expect(result.status == 2)
        #expect(result.stderr.contains("/nonexistent/manifest.yaml: no such file or directory"))
    }

    @Test func theRepositoryExampleFindsItsViolations() throws {
        let result = try CapGuardProcess.run(["check", "examples/manifests/web.yaml"])
        #expect(result.status == 1)
        #expect(result.lines.last == "3 checked, 2 violating (3 violations), 1 skipped without a pod spec")
    }
}
