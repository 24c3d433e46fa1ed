import Testing
import CapGuardPolicy
@testable import CapGuardConfig

@Suite("Grants in the policy file")
struct PolicyFileGrantTests {
    static let cilium = """
        grants:
          - name: cilium-agent
            namespaces: [kube-networking]
            serviceAccounts: [cilium]
            images: ["quay.io/cilium/cilium@sha256:*", "quay.io/cilium/cilium:v1.16.*"]
            containers: [cilium-agent]
            allowedCapabilities: [NET_ADMIN, cap_sys_admin, SYS_RESOURCE]
          - name: node-exporter
            images: ["quay.io/prometheus/node-exporter@sha256:*"]
            allowPrivileged: true

        """

    @Test func everyKeyOfAGrant() throws {
        let grants = try PolicyFile.parse(Self.cilium, file: "p").grants
        #expect(grants == [
            Grant(name: "cilium-agent", namespaces: ["kube-networking"], serviceAccounts: ["cilium"],
                  images: [try ImagePattern.parse("quay.io/cilium/cilium@sha256:*").get(), try ImagePattern.parse("quay.io/cilium/cilium:v1.16.*").get()],
                  containers: ["cilium-agent"], allowedCapabilities: capabilities("NET_ADMIN", "SYS_ADMIN", "SYS_RESOURCE")),
            Grant(name: "node-exporter", images: [try ImagePattern.parse("quay.io/prometheus/node-exporter@sha256:*").get()], allowPrivileged: true),
        ])
    }

    @Test func effectiveDocumentShowsGrantsNormalisedAndReadsBack() throws {
        let policies = try PolicyFile.parse("grants:\n  - name: web\n    images: [\"nginx:*\"]\n    allowedCapabilities: [NET_RAW]\n", file: "p")
        let effective = EffectivePolicyDocument.yaml(policies)
        #expect(effective.contains("""
            grants:
              - name: "web"
                namespaces: []
                serviceAccounts: []
                images: ["docker.io/library/nginx:*"]
                containers: []
                allowedCapabilities: ["NET_RAW"]
                allowPrivileged: false
            """))
        #expect(try PolicyFile.parse(effective, file: "effective") == policies)
        #expect(try PolicyFile.parse(EffectivePolicyDocument.yaml(PolicyFile.parse(Self.cilium, file: "p")), file: "e")
            == PolicyFile.parse(Self.cilium, file: "p"))
        #expect(EffectivePolicyDocument.yaml(.default).contains("\ngrants: []\n"))
    }

    struct BadGrant: Sendable, CustomTestStringConvertible {
        let label: String
        let text: String
        let line: Int
        let column: Int
        let fragment: String
        var testDescription: String { label }
    }

    static let badGrants: [BadGrant] = [
        BadGrant(label: "unknown selector key", text: "grants:\n  - name: a\n    namespaces: [n]\n    serviceAccount: [x]\n",
                 line: 4, column: 5, fragment: #"unknown key "serviceAccount" in a grant (did you mean "serviceAccounts"?)"#),
        BadGrant(label: "unknown capability", text: "grants:\n  - name: a\n    namespaces: [n]\n    allowedCapabilities: [NET_ADMN]\n",
                 line: 4, column: 27, fragment: #""NET_ADMN" is not a Linux capability (did you mean NET_ADMIN?)"#),
        BadGrant(label: "ALL is never grantable", text: "grants:\n  - name: a\n    namespaces: [n]\n    allowedCapabilities: [CHOWN, all]\n",
                 line: 4, column: 34, fragment: "ALL cannot be allowed"),
        BadGrant(label: "no namespace and no image", text: "grants:\n  - name: a\n    containers: [agent]\n    allowedCapabilities: [NET_ADMIN]\n",
                 line: 2, column: 5, fragment: "grant a must name at least a namespace or an image"),
        BadGrant(label: "empty selectors count as none", text: "grants:\n  - name: a\n    namespaces: []\n    images: []\n",
                 line: 2, column: 5, fragment: "must name at least a namespace or an image"),
        BadGrant(label: "duplicate names", text: "grants:\n  - name: a\n    namespaces: [n]\n  - name: a\n    images: [nginx]\n",
                 line: 4, column: 11, fragment: #"grant "a" is defined twice (first on line 2)"#),
        BadGrant(label: "empty name", text: "grants:\n  - name: \"\"\n    namespaces: [n]\n",
                 line: 2, column: 11, fragment: "a grant name is 1 to 63 lower-case letters"),
        BadGrant(label: "no name", text: "grants:\n  - namespaces: [n]\n", line: 2, column: 5, fragment: "a grant needs a name"),
        BadGrant(label: "a name that is no label", text: "grants:\n  - name: Cilium Agent\n    namespaces: [n]\n",
                 line: 2, column: 11, fragment: #"found "Cilium Agent""#),
        BadGrant(label: "invalid image pattern", text: "grants:\n  - name: a\n    images: [\"nginx@sha256:xyz\"]\n",
                 line: 3, column: 14, fragment: #""nginx@sha256:xyz" is not an image pattern: the digest must be 64 lower-case hex digits"#),
        BadGrant(label: "grants of the wrong type", text: "grants:\n  name: a\n", line: 2, column: 3, fragment: "grants must be a list of grants, found a mapping"),
        BadGrant(label: "a grant of the wrong type", text: "grants: [a]\n", line: 1, column: 10, fragment: #"a grant must be a mapping, found "a""#),
        BadGrant(label: "allowPrivileged of the wrong type", text: "grants:\n  - name: a\n    namespaces: [n]\n    allowPrivileged: \"yes\"\n",
                 line: 4, column: 22, fragment: "allowPrivileged must be true or false"),
        BadGrant(label: "invalid namespace", text: "grants:\n  - name: a\n    namespaces: [Kube_System]\n",
                 line: 3, column: 18, fragment: #""Kube_System" is not a valid namespace name"#),
        BadGrant(label: "invalid service account", text: "grants:\n  - name: a\n    namespaces: [n]\n    serviceAccounts: [\"system:serviceaccount:n:x\"]\n",
                 line: 4, column: 23, fragment: #""system:serviceaccount:n:x" is not a valid service account name"#),
        BadGrant(label: "invalid container name", text: "grants:\n  - name: a\n    namespaces: [n]\n    containers: [cilium.agent]\n",
                 line: 4, column: 18, fragment: #""cilium.agent" is not a valid container name"#),
        BadGrant(label: "selector of the wrong type", text: "grants:\n  - name: a\n    namespaces: [n]\n    containers: agent\n",
                 line: 4, column: 17, fragment: "grant a: containers must be a list of strings"),
    ]

    @Test(arguments: badGrants)
    func badGrant(_ bad: BadGrant) throws {
        let found = errors(bad.text)
        let error = try #require(found.first, "no error for \(bad.text)")
        #expect(found.count == 1, "\(found)")
        #expect(error.line == bad.line)
        #expect(error.column == bad.column)
        #expect(error.message.contains(bad.fragment), "\(error.message)")
    }

    @Test func warningsForTagsAndImageExemptions() throws {
        let text = """
            exemptions:
              images: ["registry.k8s.io/kube-proxy:*", "registry.k8s.io/pause@sha256:*"]
            grants:
              - name: cilium-agent
                namespaces: [kube-networking]
                images: ["quay.io/cilium/cilium@sha256:*", "quay.io/cilium/cilium:v1.16.*"]

            """
        let (_, warnings) = try PolicyFile.parseWithWarnings(text, file: "p.yaml")
        let positions = warnings.map { "\($0.line):\($0.column)" }
        #expect(positions == ["2:12", "2:12", "2:44", "6:48"])
        #expect(warnings[0].description.hasPrefix("p.yaml:2:12: warning: the image exemption \"registry.k8s.io/kube-proxy:*\" exempts its containers from every rule, privileged"))
        #expect(warnings[0].message.contains("see grants"))
        #expect(warnings[1].message.contains("matches by tag") && warnings[1].message.contains("@sha256:"))
        #expect(!warnings[2].message.contains("matches by tag"))
        #expect(warnings[3].message.hasPrefix("grant cilium-agent: the image pattern \"quay.io/cilium/cilium:v1.16.*\" matches by tag"))
    }

    @Test func aValidFileWithoutExemptionsOrTagsHasNoWarnings() throws {
        #expect(try PolicyFile.parseWithWarnings("grants:\n  - name: a\n    namespaces: [n]\n", file: "p").warnings.isEmpty)
        #expect(try PolicyFile.parseWithWarnings("", file: "p").warnings.isEmpty)
    }
}
