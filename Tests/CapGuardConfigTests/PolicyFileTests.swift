import Testing
import CapGuardPolicy
@testable import CapGuardConfig

func capabilities(_ names: String...) -> [LinuxCapability] { names.map { LinuxCapability.named($0)! } }

func errors(_ text: String) -> [PolicyFileError] {
    do {
        _ = try PolicyFile.parse(text, file: "policy.yaml")
        return []
    } catch {
        return error.errors
    }
}

@Suite("The policy file")
struct PolicyFileTests {
    @Test func emptyFileIsTheDefault() throws {
        #expect(try PolicyFile.parse("", file: "p") == .default)
        #expect(try PolicyFile.parse("# only a comment\n", file: "p") == .default)
        #expect(try PolicyFile.parse("---\n", file: "p") == .default)
    }

    @Test func everyKey() throws {
        let set = try PolicyFile.parse("""
            mode: audit
            allowedCapabilities: [NET_BIND_SERVICE, cap_net_raw, CAP_CHOWN]
            denyPrivileged: false
            exemptions:
              namespaces: [monitoring]
              users: ["system:serviceaccount:ci:deployer"]
              groups: [platform-admins]
              images: ["registry.k8s.io/kube-proxy:*"]
            namespaces:
              legacy-billing:
                mode: enforce
                allowedCapabilities: [NET_BIND_SERVICE]
              data:
                denyPrivileged: true
            """, file: "p")
        #expect(set.base == Policy(mode: .audit, allowedCapabilities: capabilities("NET_BIND_SERVICE", "NET_RAW", "CHOWN"), denyPrivileged: false))
        #expect(set.exemptions == Exemptions(namespaces: ["monitoring"], users: ["system:serviceaccount:ci:deployer"],
                                             groups: ["platform-admins"], images: ["registry.k8s.io/kube-proxy:*"]))
        #expect(set.namespaceOverrides["legacy-billing"] == Policy(mode: .enforce, allowedCapabilities: capabilities("NET_BIND_SERVICE"), denyPrivileged: false))
        // Keys an override leaves out come from the top level, not from the embedded default.
        #expect(set.namespaceOverrides["data"] == Policy(mode: .audit, allowedCapabilities: capabilities("NET_BIND_SERVICE", "NET_RAW", "CHOWN"), denyPrivileged: true))
    }

    @Test func keysLeftOutTakeTheDefault() throws {
        let set = try PolicyFile.parse("mode: audit\n", file: "p")
        #expect(set.base.allowedCapabilities == Policy.defaultAllowedCapabilities)
        #expect(set.base.denyPrivileged)
        #expect(set.exemptions.isEmpty)
    }

    @Test func emptyAllowlistAllowsNothing() throws {
        #expect(try PolicyFile.parse("allowedCapabilities: []\n", file: "p").base.allowedCapabilities.isEmpty)
    }

    struct BadFile: Sendable, CustomTestStringConvertible {
        let label: String
        let text: String
        let line: Int
        let column: Int
        let fragment: String
        var testDescription: String { label }
    }

    static let badFiles: [BadFile] = [
        BadFile(label: "unknown key with a suggestion", text: "mode: enforce\nallowedCapabilites: [CHOWN]\n", line: 2, column: 1,
                fragment: #"unknown key "allowedCapabilites" in the policy file (did you mean "allowedCapabilities"?)"#),
        BadFile(label: "unknown capability", text: "allowedCapabilities:\n  - CHOWN\n  - SYS_ADMINN\n", line: 3, column: 5,
                fragment: #""SYS_ADMINN" is not a Linux capability (did you mean SYS_ADMIN?)"#),
        BadFile(label: "ALL on the allowlist", text: "allowedCapabilities: [CHOWN, ALL]\n", line: 1, column: 30,
                fragment: "ALL cannot be allowed"),
        BadFile(label: "CAP_ALL on the allowlist", text: "allowedCapabilities: [cap_all]\n", line: 1, column: 23,
                fragment: "ALL cannot be allowed"),
        BadFile(label: "bad mode", text: "mode: warn\n", line: 1, column: 7, fragment: #"mode must be enforce or audit, found "warn""#),
        BadFile(label: "mode of the wrong type", text: "mode: [enforce]\n", line: 1, column: 7, fragment: "mode must be enforce or audit, found a list"),
        BadFile(label: "allowlist of the wrong type", text: "allowedCapabilities: CHOWN\n", line: 1, column: 22,
                fragment: #"allowedCapabilities must be a list of capability names, found "CHOWN""#),
        BadFile(label: "quoted boolean", text: "denyPrivileged: \"false\"\n", line: 1, column: 17, fragment: "denyPrivileged must be true or false"),
        BadFile(label: "yes is not a boolean here", text: "denyPrivileged: yes\n", line: 1, column: 17, fragment: "denyPrivileged must be true or false"),
        BadFile(label: "duplicate key", text: "mode: enforce\nmode: audit\n", line: 2, column: 1, fragment: #"duplicate key "mode" in the policy file"#),
        BadFile(label: "root is a list", text: "- mode: enforce\n", line: 1, column: 1, fragment: "the policy file must be a mapping, found a list"),
        BadFile(label: "unknown exemption key", text: "exemptions:\n  namespace: [a]\n", line: 2, column: 3,
                fragment: #"unknown key "namespace" in exemptions (did you mean "namespaces"?)"#),
        BadFile(label: "exemption list of the wrong type", text: "exemptions:\n  images: \"nginx:*\"\n", line: 2, column: 11,
                fragment: "exemptions.images must be a list of strings"),
        BadFile(label: "a byte order mark before an exempt image", text: "exemptions:\n  images: [\u{FEFF}\"registry.k8s.io/kube-proxy:*\"]\n",
                line: 2, column: 12, fragment: #"entries of exemptions.images must not hold control or invisible characters, found "\u{feff}\"registry.k8s.io/kube-proxy:*\"""#),
        BadFile(label: "a bidi override in an exempt user", text: "exemptions:\n  users: [\"admin\u{202E}nimda\"]\n", line: 2, column: 11,
                fragment: #"entries of exemptions.users must not hold control or invisible characters, found "admin\u{202e}nimda""#),
        BadFile(label: "bad namespace name", text: "namespaces:\n  Legacy_Billing:\n    mode: audit\n", line: 2, column: 3,
                fragment: #""Legacy_Billing" is not a valid namespace name"#),
        BadFile(label: "unknown key in an override", text: "namespaces:\n  billing:\n    exemptions: {}\n", line: 3, column: 5,
                fragment: #"unknown key "exemptions" in the overrides of namespace "billing""#),
        BadFile(label: "duplicate namespace", text: "namespaces:\n  a:\n    mode: audit\n  a:\n    mode: enforce\n", line: 4, column: 3,
                fragment: #"namespace "a" is listed twice"#),
        BadFile(label: "duplicate capability", text: "allowedCapabilities: [CHOWN, cap_chown]\n", line: 1, column: 30, fragment: "CHOWN is listed twice"),
        BadFile(label: "two documents", text: "mode: audit\n---\nmode: enforce\n", line: 2, column: 1, fragment: "holds one YAML document"),
        BadFile(label: "broken YAML", text: "mode: audit\nallowedCapabilities: [CHOWN\n", line: 3, column: 1, fragment: "not valid YAML"),
    ]

    @Test("each error names line, column and the fix", arguments: badFiles)
    func badFile(_ bad: BadFile) throws {
        let found = errors(bad.text)
        let error = try #require(found.first, "no error for \(bad.label)")
        #expect(found.count == 1, "\(found)")
        #expect(error.file == "policy.yaml")
        #expect(error.line == bad.line, "\(error)")
        #expect(error.column == bad.column, "\(error)")
        #expect(error.message.contains(bad.fragment), "\(error.message)")
        #expect(error.description.hasPrefix("policy.yaml:\(bad.line):\(bad.column): "))
    }

    @Test func theEffectivePolicyReadsBackAsTheSamePolicyWhateverItsEntriesHold() throws {
        let long = String(repeating: "u", count: 300)
        let policies = try PolicyFile.parse(#"""
            exemptions:
              users: ["\#(long)", 'quote " and backslash \ and é']
              groups: ["system:masters"]
            """#, file: "p")
        #expect(policies.exemptions.users == [long, #"quote " and backslash \ and é"#])
        let effective = EffectivePolicyDocument.yaml(policies)
        #expect(effective.contains(#"users: ["\#(long)", "quote \" and backslash \\ and é"]"#))
        #expect(try PolicyFile.parse(effective, file: "e") == policies)
    }

    @Test func everyErrorIsReported() {
        let found = errors("""
            mode: warn
            allowedCapabilities: [CHOWN, ALL, BOGUS]
            denyPrivilegd: true
            exemptions:
              images: 3
            """)
        #expect(found.map(\.line) == [1, 2, 2, 3, 5])
    }
}
