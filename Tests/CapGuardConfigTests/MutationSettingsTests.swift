import Testing
import CapGuardPolicy
@testable import CapGuardConfig

@Suite("The policy file's mutation section")
struct MutationSettingsTests {
    @Test func defaultsAndEveryKey() throws {
        #expect(try PolicyFile.parse("", file: "p").mutation == MutationSettings(dropAll: true, defaultAddCapabilities: []))
        let set = try PolicyFile.parse("""
            allowedCapabilities: [NET_BIND_SERVICE, CHOWN]
            mutation:
              dropAll: false
              defaultAddCapabilities: [cap_net_bind_service, CHOWN]
            """, file: "p")
        #expect(set.mutation == MutationSettings(dropAll: false, defaultAddCapabilities: capabilities("NET_BIND_SERVICE", "CHOWN")))
    }

    /// `capguard policy check` prints the section, and what it prints reads back as the same policy.
    @Test func theEffectivePolicyShowsIt() throws {
        let set = try PolicyFile.parse("mutation: {dropAll: false, defaultAddCapabilities: [CHOWN]}\n", file: "p")
        let document = EffectivePolicyDocument.yaml(set)
        #expect(document.hasSuffix("mutation:\n  dropAll: false\n  defaultAddCapabilities: [\"CHOWN\"]\n"))
        #expect(try PolicyFile.parse(document, file: "effective") == set)
    }

    /// A default that validation would refuse in some namespace is an error at the entry, naming the namespace.
    @Test func eachDefaultMustBeOnEveryEffectiveAllowlist() {
        let found = errors("""
            allowedCapabilities: [NET_BIND_SERVICE, CHOWN]
            namespaces:
              legacy:
                allowedCapabilities: [NET_BIND_SERVICE]
            mutation:
              defaultAddCapabilities:
                - NET_BIND_SERVICE
                - CHOWN
                - SETUID
            """)
        #expect(found.map(\.description) == [
            #"policy.yaml:8:7: mutation.defaultAddCapabilities: CHOWN is not on the allowedCapabilities of namespace "legacy", so validation would refuse what /mutate adds there"#,
            "policy.yaml:9:7: mutation.defaultAddCapabilities: SETUID is not on allowedCapabilities, so validation would refuse what /mutate adds; allow it or remove it here",
            #"policy.yaml:9:7: mutation.defaultAddCapabilities: SETUID is not on the allowedCapabilities of namespace "legacy", so validation would refuse what /mutate adds there"#,
        ])
    }

    @Test(arguments: [
        ("mutation: {dropAll: yes}\n", "policy.yaml:1:21: mutation.dropAll must be true or false"),
        ("mutation: {dropALL: true}\n", #"policy.yaml:1:12: unknown key "dropALL" in mutation"#),
        ("mutation: {defaultAddCapabilities: CHOWN}\n", "policy.yaml:1:36: mutation.defaultAddCapabilities must be a list"),
        ("mutation: {defaultAddCapabilities: [SYS_ADMINN]}\n", #"policy.yaml:1:37: "SYS_ADMINN" is not a Linux capability"#),
        ("mutation: [dropAll]\n", "policy.yaml:1:11: mutation must be a mapping"),
    ])
    func badSections(text: String, expected: String) {
        let found = errors(text)
        #expect(found.count == 1)
        #expect(found.first?.description.hasPrefix(expected) == true, "\(found)")
    }
}
