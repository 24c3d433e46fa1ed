import Foundation
import Testing
import CapGuardTestSupport

/// `capguard fix`, end to end, with kubectl as the oracle: kubectl's reading of the fixed file must be its
/// reading of the original plus exactly what the remedy changes (`RemedyOracle`, written apart from capguard).
@Suite("capguard fix, end to end")
struct FixCommandTests {
    static let mixedStyles = """
        # the web tier
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: web, namespace: shop}   # flow metadata
        spec:
          template:
            spec:
              containers:
              - name: a
                image: nginx  # no securityContext at all
              - name: b
                image: nginx
                securityContext:
                  runAsNonRoot: true
              - name: c
                securityContext: {capabilities: {drop: [NET_RAW, MKNOD], add: ["cap_chown"]}}
              - {name: d, image: 'x'}
              - name: e
                securityContext:
                  capabilities:
                    drop:
                      - all   # lower case
                    add:
                      - CAP_NET_BIND_SERVICE
        ---
        apiVersion: v1
        kind: Pod
        metadata: {name: p}
        spec:
          initContainers:
            - name: i
              securityContext:
          containers:
            - name: m
              securityContext:
                capabilities:
                  drop: ~
          ephemeralContainers:
            - name: debug
              securityContext: {capabilities: {drop: [CAP_ALL]}}

        """

    static let mixedStylesFixed = """
        # the web tier
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: web, namespace: shop}   # flow metadata
        spec:
          template:
            spec:
              containers:
              - name: a
                image: nginx  # no securityContext at all
                securityContext:
                  capabilities:
                    drop:
                    - ALL
              - name: b
                image: nginx
                securityContext:
                  runAsNonRoot: true
                  capabilities:
                    drop:
                    - ALL
              - name: c
                securityContext: {capabilities: {drop: [ALL], add: ["CHOWN"]}}
              - {name: d, image: 'x', securityContext: {capabilities: {drop: [ALL]}}}
              - name: e
                securityContext:
                  capabilities:
                    drop:
                      - ALL   # lower case
                    add:
                      - NET_BIND_SERVICE
        ---
        apiVersion: v1
        kind: Pod
        metadata: {name: p}
        spec:
          initContainers:
            - name: i
              securityContext: {capabilities: {drop: [ALL]}}
          containers:
            - name: m
              securityContext:
                capabilities:
                  drop: [ALL]
          ephemeralContainers:
            - name: debug
              securityContext: {capabilities: {drop: [ALL]}}

        """

    /// Fixes `text` as the file `name`, and checks what every fix must satisfy: kubectl reads the original plus
    /// the remedy, `check` passes the result when nothing needs a decision, and fixing again changes nothing.
    @discardableResult
    func fixChecked(_ text: String, name: String = "manifest.yaml", expectedStatus: Int32 = 0,
                    config: String? = nil, oracle: RemedyOracle = RemedyOracle()) throws -> String {
        let files = try TemporaryFiles([name: text])
        defer { files.remove() }
        let configArguments = config.map { ["--config", $0] } ?? []
        let fixed = try CapGuardProcess.run(["fix"] + configArguments + [files.path(name)])
        #expect(fixed.status == expectedStatus, "\(fixed.stderr)")
        let fixedName = "fixed-" + name
        try Data(fixed.stdout.utf8).write(to: files.root.appendingPathComponent(fixedName))

        let original = try Kubectl.objects(in: files.path(name))
        let reading = try Kubectl.objects(in: files.path(fixedName))
        #expect(reading.count == original.count)
        for (before, after) in zip(original, reading) {
            #expect(String(decoding: after, as: UTF8.self) == String(decoding: try oracle.fixed(before), as: UTF8.self))
        }

        let check = try CapGuardProcess.run(["check"] + configArguments + [files.path(fixedName)])
        #expect(check.status == expectedStatus, "\(check.stdout)")
        let again = try CapGuardProcess.run(["fix"] + configArguments + [files.path(fixedName)])
        #expect(again.stdout == fixed.stdout)
        #expect(again.status == expectedStatus)
        return fixed.stdout
    }

    @Test func blockAndFlowStylesKeepEveryOtherByte() throws {
        #expect(try fixChecked(Self.mixedStyles) == Self.mixedStylesFixed)
    }

    @Test func crlfLinesStayCRLF() throws {
        let crlf = Self.mixedStyles.replacingOccurrences(of: "\n", with: "\r\n")
        let fixed = try fixChecked(crlf)
        #expect(fixed == Self.mixedStylesFixed.replacingOccurrences(of: "\n", with: "\r\n"))
        #expect(!fixed.replacingOccurrences(of: "\r\n", with: "").contains("\n"))
    }

    @Test func aFileWithoutAFinalLineBreak() throws {
        let fixed = try fixChecked("apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - name: a\n    image: x")
        #expect(fixed == "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - name: a\n    image: x\n"
                + "    securityContext:\n      capabilities:\n        drop:\n        - ALL")
    }

    /// New keys go after a container's last line, but after the blank lines that a `|+` scalar keeps as its value.
    @Test func blockScalarsKeepTheirValue() throws {
        try fixChecked("""
            apiVersion: v1
            kind: Pod
            metadata: {name: p}
            spec:
              containers:
              - name: a
                args:
                - |+
                  keep


              - name: b
                command: [sh, -c]
                args:
                  - >-
                    folded
                    text  # not a comment
              - name: c
                args: [x]   # a comment stays on its line

            """)
    }

    @Test func aByteOrderMarkStays() throws {
        let fixed = try fixChecked("\u{FEFF}apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec: {containers: [{name: a}]}\n")
        #expect(fixed == "\u{FEFF}apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec: {containers: [{name: a, securityContext: {capabilities: {drop: [ALL]}}}]}\n")
    }

    @Test func everyWorkloadKindAndEveryContainerList() throws {
        var documents: [String] = []
        for (apiVersion, kind, _) in Workloads.kinds {
            let spec = """
                containers:
                - name: app
                  image: nginx
                initContainers:
                - name: init
                  securityContext: {capabilities: {add: [cap_setuid]}}
                ephemeralContainers:
                - name: debug
                  securityContext: {privileged: false}
                """
            let object = Workloads.object(apiVersion: apiVersion, kind: kind, podSpec: ["PLACEHOLDER": 1])
            var text = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]).yamlFromJSON
            let indent = String(repeating: " ", count: text.placeholderIndent)
            text = text.replacingOccurrences(of: indent + "PLACEHOLDER: 1\n",
                                             with: spec.split(separator: "\n").map { indent + $0 + "\n" }.joined())
            documents.append(text)
        }
        let fixed = try fixChecked(documents.joined(separator: "---\n"))
        #expect(fixed.components(separatedBy: "ALL").count - 1 == 3 * Workloads.kinds.count)
        #expect(fixed.components(separatedBy: "add: [SETUID]").count - 1 == Workloads.kinds.count)
    }

    @Test func aYAMLListOfObjects() throws {
        try fixChecked("""
            apiVersion: v1
            kind: List
            items:
            - apiVersion: v1
              kind: Pod
              metadata: {name: one}
              spec: {containers: [{name: a, securityContext: {capabilities: {drop: [NET_RAW]}}}]}
            - kind: Pod
              apiVersion: v1
              metadata:
                name: two
              spec:
                containers:
                - name: b
                  image: x

            """)
    }

    /// The shape `kubectl get -o json` writes: four spaces, one key per line. The fix stays JSON in that layout.
    @Test func aJSONListKeepsItsLayout() throws {
        let json = """
            {
                "apiVersion": "v1",
                "items": [
                    {
                        "apiVersion": "apps/v1",
                        "kind": "Deployment",
                        "metadata": {
                            "name": "web"
                        },
                        "spec": {
                            "template": {
                                "spec": {
                                    "containers": [
                                        {
                                            "image": "nginx",
                                            "name": "app"
                                        },
                                        {
                                            "name": "other",
                                            "securityContext": {
                                                "capabilities": {
                                                    "add": ["cap_chown"],
                                                    "drop": [
                                                        "NET_RAW"
                                                    ]
                                                }
                                            }
                                        }
                                    ]
                                }
                            }
                        }
                    }
                ],
                "kind": "List"
            }

            """
        let fixed = try fixChecked(json, name: "list.json")
        #expect(fixed.contains("""
                                            "image": "nginx",
                                            "name": "app",
                                            "securityContext": {
                                                "capabilities": {
                                                    "drop": [
                                                        "ALL"
                                                    ]
                                                }
                                            }
                                        },
            """))
        #expect(fixed.contains("""
                                                    "add": ["CHOWN"],
                                                    "drop": [
                                                        "ALL"
                                                    ]
            """))
        #expect(try JSONSerialization.jsonObject(with: Data(fixed.utf8)) is [String: Any])
    }

    @Test func aStreamOfCompactJSONObjects() throws {
        let fixed = try fixChecked(#"{"apiVersion":"v1","kind":"Pod","metadata":{"name":"a"},"spec":{"containers":[{"name":"c","securityContext":null}]}}"#
                                   + "\n" + #"{"apiVersion":"v1","kind":"Pod","metadata":{"name":"b"},"spec":{"containers":[{"name":"c"}]}}"# + "\n",
                                   name: "pods.json")
        #expect(fixed == #"{"apiVersion":"v1","kind":"Pod","metadata":{"name":"a"},"spec":{"containers":[{"name":"c","securityContext":{"capabilities": {"drop": ["ALL"]}}}]}}"#
                + "\n" + #"{"apiVersion":"v1","kind":"Pod","metadata":{"name":"b"},"spec":{"containers":[{"name":"c", "securityContext": {"capabilities": {"drop": ["ALL"]}}}]}}"# + "\n")
    }

    @Test func violationsThatNeedADecisionStayAndAreListedAsCheckListsThem() throws {
        let text = """
            apiVersion: v1
            kind: Pod
            metadata: {name: p, namespace: default}
            spec:
              containers:
              - name: a
                securityContext:
                  privileged: true
                  capabilities: {add: [SYS_ADMIN, cap_chown]}

            """
        let fixed = try fixChecked(text, expectedStatus: 1)
        #expect(fixed.contains("capabilities: {add: [SYS_ADMIN, CHOWN], drop: [ALL]}"))
        #expect(fixed.contains("privileged: true"))
        let files = try TemporaryFiles(["pod.yaml": text])
        defer { files.remove() }
        let result = try CapGuardProcess.run(["fix", files.path("pod.yaml")])
        let lines = result.stderr.split(separator: "\n").map(String.init)
        #expect(lines.count == 3)
        #expect(lines[0].hasPrefix(files.path("pod.yaml") + #":6: Pod default/p: container "a" (spec.containers[0]) is privileged"#))
        #expect(lines[1].hasPrefix(files.path("pod.yaml") + #":6: Pod default/p: container "a" (spec.containers[0]) adds SYS_ADMIN, which is not allowed"#))
        #expect(lines[2] == "1 file to fix, 2 violations need a decision")
    }

    /// What needs a decision is reported at its line in the file the user has: the original for a diff or the
    /// printed stream, the written file after --write; `check` reports the same lines.
    @Test func remainingViolationsAreAtTheLinesOfTheFileTheUserHas() throws {
        let text = Self.mixedStyles.replacingOccurrences(of: "- CAP_NET_BIND_SERVICE", with: "- SYS_ADMIN")
        let files = try TemporaryFiles(["web.yaml": text])
        defer { files.remove() }
        let path = files.path("web.yaml")
        func reported(_ output: String) -> [String] { output.split(separator: "\n").filter { $0.contains("SYS_ADMIN") }.map(String.init) }
        let before = reported(try CapGuardProcess.run(["check", path]).stdout)
        #expect(before.count == 1 && before[0].hasPrefix(path + ":18: "))
        #expect(reported(try CapGuardProcess.run(["fix", "--diff", path]).stderr) == before)
        #expect(reported(try CapGuardProcess.run(["fix", path]).stderr) == before)
        let written = try CapGuardProcess.run(["fix", "--write", path])
        #expect(written.status == 1)
        let after = reported(try CapGuardProcess.run(["check", path]).stdout)
        #expect(after.count == 1 && after[0].hasPrefix(path + ":25: "))
        #expect(reported(written.stderr) == after)
    }

    @Test func exemptNamespacesAndWindowsPodsAreLeftAlone() throws {
        let files = try TemporaryFiles(["policy.yaml": "exemptions: {namespaces: [legacy]}\n"])
        defer { files.remove() }
        let text = """
            apiVersion: v1
            kind: Pod
            metadata: {name: a, namespace: legacy}
            spec: {containers: [{name: c}]}
            ---
            apiVersion: v1
            kind: Pod
            metadata: {name: b}
            spec: {os: {name: windows}, containers: [{name: c}]}

            """
        let fixed = try fixChecked(text, config: files.path("policy.yaml"), oracle: RemedyOracle(exemptNamespaces: ["legacy"]))
        #expect(fixed == text)
    }

    /// The securityContext written once with an anchor and used by two containers is not edited through
    /// either: the containers keep their violation, which now needs a decision.
    @Test func anchorsAliasesAndMergesAreNotEditedSilently() throws {
        let text = """
            apiVersion: v1
            kind: Pod
            metadata: {name: p}
            spec:
              containers:
              - name: a
                securityContext: &shared
                  runAsNonRoot: true
              - name: b
                securityContext: *shared
              - name: c
                <<: {securityContext: {runAsNonRoot: true}}
              - name: d

            """
        let files = try TemporaryFiles(["pod.yaml": text])
        defer { files.remove() }
        let result = try CapGuardProcess.run(["fix", files.path("pod.yaml")])
        #expect(result.status == 1)
        #expect(result.stdout == text + "    securityContext:\n      capabilities:\n        drop:\n        - ALL\n")
        let notFixed = result.stderr.split(separator: "\n").filter { $0.contains("not fixed") }
        #expect(notFixed.count == 3)
        #expect(notFixed[0].contains(#"container "a" (spec.containers[0]) not fixed: spec.containers[0].securityContext is written with a YAML anchor"#))
    }

    @Test func diffAppliesWithPatchAndGitApply() throws {
        let files = try TemporaryFiles(["a/web.yaml": Self.mixedStyles, "b/web.yaml": Self.mixedStyles,
                                        "a/ok.yaml": compliantPod + "\n", "b/ok.yaml": compliantPod + "\n"])
        defer { files.remove() }
        let diff = try CapGuardProcess.run(["fix", "--diff"] + ["web.yaml", "ok.yaml"].map { files.path("a/" + $0) })
        #expect(diff.status == 0)
        // Names relative to the directory, as a repository's files are.
        let relative = diff.stdout.replacingOccurrences(of: files.path("a") + "/", with: "")
        #expect(relative.hasPrefix("--- a/web.yaml\n+++ b/web.yaml\n@@ -8,20 +8,27 @@\n"))
        #expect(!relative.contains("ok.yaml"))
        let removed = relative.split(separator: "\n").filter { $0.hasPrefix("-") && !$0.hasPrefix("---") }
        #expect(removed.map(String.init) == [
            #"-        securityContext: {capabilities: {drop: [NET_RAW, MKNOD], add: ["cap_chown"]}}"#,
            "-      - {name: d, image: 'x'}", "-              - all   # lower case", "-              - CAP_NET_BIND_SERVICE",
            "-      securityContext:", "-          drop: ~", "-      securityContext: {capabilities: {drop: [CAP_ALL]}}",
        ])
        let patch = Command.run("patch", ["-p1", "--no-backup-if-mismatch"], directory: files.path("b"), input: Data(relative.utf8))
        #expect(patch.status == 0, "\(patch.standardOutput)\(patch.standardError)")
        #expect(try String(contentsOfFile: files.path("b/web.yaml"), encoding: .utf8) == Self.mixedStylesFixed)

        try Data(Self.mixedStyles.utf8).write(to: files.root.appendingPathComponent("b/web.yaml"))
        let gitApply = Command.run("git", ["apply", "--unsafe-paths", "-p1", "-"], directory: files.path("b"), input: Data(relative.utf8))
        #expect(gitApply.status == 0, "\(gitApply.standardError)")
        #expect(try String(contentsOfFile: files.path("b/web.yaml"), encoding: .utf8) == Self.mixedStylesFixed)
    }

    @Test func diffOfACRLFFileWithoutAFinalLineBreakApplies() throws {
        let text = "apiVersion: v1\r\nkind: Pod\r\nmetadata: {name: p}\r\nspec:\r\n  containers:\r\n  - name: a"
        let files = try TemporaryFiles(["a/p.yaml": text, "b/p.yaml": text])
        defer { files.remove() }
        let diff = try CapGuardProcess.run(["fix", "--diff", files.path("a/p.yaml")])
        let relative = diff.stdout.replacingOccurrences(of: files.path("a") + "/", with: "")
        #expect(relative.contains("\\ No newline at end of file\n"))
        let patch = Command.run("patch", ["-p1", "--no-backup-if-mismatch"], directory: files.path("b"), input: Data(relative.utf8))
        #expect(patch.status == 0, "\(patch.standardOutput)\(patch.standardError)")
        let fixed = try CapGuardProcess.run(["fix", files.path("a/p.yaml")]).stdout
        #expect(try String(contentsOfFile: files.path("b/p.yaml"), encoding: .utf8) == fixed)
    }

    @Test func writeReplacesChangedFilesKeepingTheirMode() throws {
        let files = try TemporaryFiles(["dir/web.yaml": Self.mixedStyles, "dir/ok.yaml": compliantPod + "\n"])
        defer { files.remove() }
        let web = files.path("dir/web.yaml"), ok = files.path("dir/ok.yaml")
        try FileManager.default.setAttributes([.posixPermissions: 0o640], ofItemAtPath: web)
        let okInode = try FileManager.default.attributesOfItem(atPath: ok)[.systemFileNumber] as? Int
        let result = try CapGuardProcess.run(["fix", "--write", files.path("dir")])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr == "1 file fixed, 0 violations need a decision\n")
        #expect(try String(contentsOfFile: web, encoding: .utf8) == Self.mixedStylesFixed)
        #expect(try FileManager.default.attributesOfItem(atPath: web)[.posixPermissions] as? Int == 0o640)
        #expect(try FileManager.default.attributesOfItem(atPath: ok)[.systemFileNumber] as? Int == okInode)
        #expect(try FileManager.default.contentsOfDirectory(atPath: files.path("dir")).sorted() == ["ok.yaml", "web.yaml"])
        let again = try CapGuardProcess.run(["fix", "--write", files.path("dir")])
        #expect(again.stderr == "0 files fixed, 0 violations need a decision\n")
    }

    /// A symlinked manifest (a ConfigMap mount, a monorepo link) keeps its link: the file it names is replaced.
    @Test func writeThroughASymlinkReplacesTheFileItNames() throws {
        let files = try TemporaryFiles(["real/web.yaml": Self.mixedStyles])
        defer { files.remove() }
        try FileManager.default.createSymbolicLink(atPath: files.path("link.yaml"), withDestinationPath: files.path("real/web.yaml"))
        let result = try CapGuardProcess.run(["fix", "--write", files.path("link.yaml")])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: files.path("link.yaml")) == files.path("real/web.yaml"))
        #expect(try String(contentsOfFile: files.path("real/web.yaml"), encoding: .utf8) == Self.mixedStylesFixed)
    }

    @Test func standardInput() throws {
        let result = try CapGuardProcess.run(["fix", "-"], stdin: Self.mixedStyles)
        #expect(result.status == 0)
        #expect(result.stdout == Self.mixedStylesFixed)
    }

    @Test func unreadableInputExitsTwoAndChangesNothing() throws {
        let broken = Self.mixedStyles + "---\nkind: [\n"
        let files = try TemporaryFiles(["broken.yaml": broken])
        defer { files.remove() }
        let result = try CapGuardProcess.run(["fix", "--write", files.path("broken.yaml"), files.path("missing.yaml")])
        #expect(result.status == 2)
        #expect(result.stderr.contains("missing.yaml: no such file or directory"))
        #expect(try String(contentsOfFile: files.path("broken.yaml"), encoding: .utf8) == broken)
        let usage = try CapGuardProcess.run(["fix", files.path("broken.yaml"), files.path("broken.yaml")])
        #expect(usage.status == 2)
        #expect(usage.stderr.contains("name exactly one file"))
    }

    /// Generated layouts (the in-process property test runs a thousand), a sample of them against kubectl.
    @Test(arguments: 0..<16)
    func generatedManifestsAgainstKubectl(seed: Int) throws {
        try fixChecked(GeneratedManifest.text(seed: seed), name: "seed-\(seed).yaml")
    }

    /// Every file of the fixtures that `check` reads: the fix reads as the original plus the remedy, container
    /// by container, except containers it says it did not fix; `check` reads the fixed file; fixing is stable.
    @Test func everyReadableFixture() throws {
        let corpus = Fixtures.repository.appendingPathComponent("Tests/Fixtures/kubectl-differential")
        let policy = corpus.appendingPathComponent("policy.yaml").path
        let oracle = RemedyOracle(allowed: ["NET_BIND_SERVICE"], exemptNamespaces: ["exempt"])
        let cases = try FileManager.default.contentsOfDirectory(atPath: corpus.appendingPathComponent("cases").path).sorted()
        let output = TemporaryDirectory.url(prefix: "capguard-fix-fixtures")
        defer { try? FileManager.default.removeItem(at: output) }
        var fixedCount = 0
        for name in cases {
            let path = corpus.appendingPathComponent("cases/" + name).path
            let check = try CapGuardProcess.run(["check", "--config", policy, path])
            guard check.status != 2 else { continue }
            let fix = try CapGuardProcess.run(["fix", "--config", policy, path])
            guard !name.hasPrefix("utf16-") else {
                #expect(fix.status == 2 && fix.stderr.contains("capguard fix edits UTF-8 text only"), "\(name)")
                continue
            }
            #expect(fix.status == 0 || fix.status == 1, "\(name): \(fix.stderr)")
            let fixedPath = output.appendingPathComponent(name).path
            try Data(fix.stdout.utf8).write(to: URL(fileURLWithPath: fixedPath))
            #expect(try CapGuardProcess.run(["check", "--config", policy, fixedPath]).status == fix.status, "\(name)")
            #expect(try CapGuardProcess.run(["fix", "--config", policy, fixedPath]).stdout == fix.stdout, "\(name)")

            let original = try Kubectl.objects(in: path), reading = try Kubectl.objects(in: fixedPath)
            #expect(original.count == reading.count, "\(name)")
            let refused = fix.stderr.contains("not fixed")
            for (before, after) in zip(original, reading) {
                let expected = try oracle.fixed(before)
                if after == expected { continue }
                // Only containers the fix named as not fixed may differ from the oracle, and only by being unchanged.
                #expect(refused, "\(name): \(String(decoding: after, as: UTF8.self))")
                let expectedContainers = try RemedyOracle.containers(expected)
                let originalContainers = try RemedyOracle.containers(before)
                for (index, container) in try RemedyOracle.containers(after).enumerated() {
                    #expect(container == expectedContainers[index] || container == originalContainers[index], "\(name)")
                }
            }
            if fix.stdout.utf8.elementsEqual(try Data(contentsOf: URL(fileURLWithPath: path))) == false { fixedCount += 1 }
        }
        #expect(fixedCount > 20)
    }
}

private extension Data {
    /// A JSON object written as block YAML, two spaces a level (JSON scalars are YAML scalars).
    var yamlFromJSON: String {
        func render(_ value: Any, indent: Int) -> String {
            let spaces = String(repeating: " ", count: indent)
            if let dictionary = value as? [String: Any] {
                return dictionary.keys.sorted().map { key in
                    let child = dictionary[key]!
                    if child is [String: Any] { return spaces + key + ":\n" + render(child, indent: indent + 2) }
                    return spaces + key + ": " + scalar(child) + "\n"
                }.joined()
            }
            return spaces + scalar(value) + "\n"
        }
        func scalar(_ value: Any) -> String {
            if let string = value as? String { return "\"" + string + "\"" }
            return "\(value)"
        }
        return render(try! JSONSerialization.jsonObject(with: self), indent: 0)
    }
}

private extension String {
    var placeholderIndent: Int {
        let line = split(separator: "\n").first { $0.contains("PLACEHOLDER") }!
        return line.prefix { $0 == " " }.count
    }
}
