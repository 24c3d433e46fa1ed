import Foundation
import Testing
import CapGuardTestSupport

@Suite("capguard policy check")
struct PolicyCheckCommandTests {
    @Test("the example policies are valid", arguments: ["default.yaml", "restricted.yaml", "gradual-rollout.yaml"])
    func examples(name: String) throws {
        let result = try CapGuardProcess.run(["policy", "check", "examples/policies/\(name)"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("is valid"))
        #expect(result.stdout.contains("mode: enforce"))
    }

    @Test func deployedPolicyIsValid() throws {
        #expect(try CapGuardProcess.run(["policy", "check", "deploy/base/policy.yaml"]).status == 0)
    }

    @Test func everyErrorWithItsPlace() throws {
        let files = try TemporaryFiles(["p.yaml": "mode: warn\nallowedCapabilities: [ALL, SYS_ADMINN]\n"])
        defer { files.remove() }
        let result = try CapGuardProcess.run(["policy", "check", files.path("p.yaml")])
        #expect(result.status == 1)
        let lines = result.stderr.split(separator: "\n")
        #expect(lines.count == 3)
        #expect(lines[0].hasPrefix("\(files.path("p.yaml")):1:7: mode must be enforce or audit"))
        #expect(lines[2].contains("did you mean SYS_ADMIN?"))
    }

    @Test func printsTheEffectivePolicy() throws {
        let result = try CapGuardProcess.run(["policy", "check", "examples/policies/gradual-rollout.yaml"])
        #expect(result.stdout.contains("  legacy-billing:\n    mode: audit\n"))
        #expect(result.stdout.contains(#"images: ["registry.k8s.io/kube-proxy:*", "docker.io/cilium/cilium:*"]"#))
    }
}

@Suite("capguard caps")
struct CapsCommandTests {
    @Test func listShowsFortyOneCapabilities() throws {
        let result = try CapGuardProcess.run(["caps", "list"])
        #expect(result.status == 0)
        let rows = result.lines.filter { $0.first?.isNumber == true }
        #expect(rows.count == 41)
        #expect(rows[10].hasPrefix("10   NET_BIND_SERVICE"))
        #expect(rows[10].contains("yes") && rows[10].contains("default"))
        #expect(rows[21].contains("SYS_ADMIN") && !rows[21].contains("yes"))
    }

    @Test func listAsJSONWithAConfig() throws {
        let files = try TemporaryFiles(["p.yaml": "allowedCapabilities: [NET_RAW]\n"])
        defer { files.remove() }
        let result = try CapGuardProcess.run(["caps", "list", "--output", "json", "--config", files.path("p.yaml")])
        let rows = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]])
        #expect(rows.count == 41)
        #expect(rows.filter { $0["allowed"] as? Bool == true }.map { $0["name"] as? String } == ["NET_RAW"])
        #expect(rows.filter { $0["runtimeDefault"] as? Bool == true }.count == 14)
    }

    @Test func decodeMasks() throws {
        let result = try CapGuardProcess.run(["caps", "decode", "0", "a80425fb", "0x8000020000000001"])
        #expect(result.status == 0)
        #expect(result.lines == [
            "0000000000000000: (none)",
            "00000000a80425fb: CHOWN, DAC_OVERRIDE, FOWNER, FSETID, KILL, SETGID, SETUID, SETPCAP, NET_BIND_SERVICE, NET_RAW, SYS_CHROOT, MKNOD, AUDIT_WRITE, SETFCAP",
            "8000020000000001: CHOWN, bit 41 (unknown), bit 63 (unknown)",
        ])
    }

    @Test func decodeProcStatusFromStandardInput() throws {
        let status = try String(contentsOfFile: "/proc/self/status", encoding: .utf8)
        let result = try CapGuardProcess.run(["caps", "decode", "--status", "-"], stdin: status)
        #expect(result.status == 0)
        #expect(result.lines.map { String($0.prefix(6)) } == ["CapInh", "CapPrm", "CapEff", "CapBnd", "CapAmb"])
    }

    @Test func endlessStatusFileIsRefusedAtItsLimit() throws {
        let result = try CapGuardProcess.run(["caps", "decode", "--status", "/dev/zero"])
        #expect(result.status == 2)
        #expect(result.stderr.contains("larger than 64 MiB"))
    }

    @Test("bad input exits two", arguments: [["caps", "decode", "xyz"], ["caps", "decode"], ["caps", "decode", "--status", "/nonexistent"]])
    func badInput(arguments: [String]) throws {
        let result = try CapGuardProcess.run(arguments)
        #expect(result.status == 2)
        #expect(!result.stderr.isEmpty)
    }

    @Test func decodeStatusWithoutCapabilityLines() throws {
        let result = try CapGuardProcess.run(["caps", "decode", "--status", "-"], stdin: "Name:\tbash\n")
        #expect(result.status == 2)
        #expect(result.stderr.contains("no CapInh/CapPrm/CapEff/CapBnd/CapAmb lines"))
    }
}
