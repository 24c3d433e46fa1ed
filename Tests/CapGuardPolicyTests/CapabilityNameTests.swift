import Testing
@testable import CapGuardPolicy

@Suite("Capability names as runtimes read them")
struct CapabilityNameTests {
    @Test("add entries are upper-cased and lose one leading CAP_", arguments: [
        ("CHOWN", "CHOWN"), ("chown", "CHOWN"), ("cap_chown", "CHOWN"), ("CAP_CHOWN", "CHOWN"),
        ("Cap_Sys_Admin", "SYS_ADMIN"), ("CAP_SYS_ADMIN", "SYS_ADMIN"), ("net_bind_service", "NET_BIND_SERVICE"),
    ])
    func addedKnown(raw: String, expected: String) {
        #expect(CapabilityName.added(raw) == .known(LinuxCapability.named(expected)!))
    }

    @Test("ALL in add, in any spelling, means every capability", arguments: ["ALL", "all", "All", "CAP_ALL", "cap_all"])
    func addedAll(raw: String) {
        #expect(CapabilityName.added(raw) == .all)
    }

    @Test("names that are no Linux capability stay unknown, untrimmed", arguments: [
        "SYS_ADMINN", " CHOWN", "CHOWN ", "", "CAP_", "CAP_CAP_CHOWN", "NET-ADMIN", "ALL_CAPS",
    ])
    func addedUnknown(raw: String) {
        #expect(CapabilityName.added(raw) == .unknown(raw))
    }

    @Test("drop entries", arguments: [
        ("ALL", CapabilityName.Dropped.all),
        ("all", .allOtherCase("all")),
        ("All", .allOtherCase("All")),
        ("CAP_ALL", .capPrefixedAll("CAP_ALL")),
        ("cap_all", .capPrefixedAll("cap_all")),
        ("NET_RAW", .other("NET_RAW")),
        (" ALL", .other(" ALL")),
        ("", .other("")),
    ])
    func dropped(raw: String, expected: CapabilityName.Dropped) {
        #expect(CapabilityName.dropped(raw) == expected)
    }

    @Test("typos get the nearest known name", arguments: [
        ("SYS_ADMINN", "SYS_ADMIN"), ("NET_BIND_SERVIC", "NET_BIND_SERVICE"), ("cap_chwon", "CHOWN"),
    ])
    func suggestion(raw: String, expected: String) {
        #expect(CapabilityName.closestKnown(to: raw)?.name == expected)
    }

    @Test func noSuggestionForFarNames() {
        #expect(CapabilityName.closestKnown(to: "HELLO_WORLD") == nil)
        #expect(CapabilityName.closestKnown(to: "") == nil)
    }
}

@Suite("The kernel's capability table")
struct LinuxCapabilityTests {
    @Test func fortyOneCapabilitiesInBitOrder() {
        #expect(LinuxCapability.all.count == 41)
        #expect(LinuxCapability.all.map(\.bit) == Array(0...40))
        #expect(Set(LinuxCapability.all.map(\.name)).count == 41)
    }

    @Test("bit numbers match linux/capability.h", arguments: [
        ("CHOWN", 0), ("KILL", 5), ("SETPCAP", 8), ("NET_BIND_SERVICE", 10), ("NET_RAW", 13), ("SYS_MODULE", 16),
        ("SYS_PTRACE", 19), ("SYS_ADMIN", 21), ("MKNOD", 27), ("AUDIT_WRITE", 29), ("SETFCAP", 31), ("SYSLOG", 34),
        ("AUDIT_READ", 37), ("PERFMON", 38), ("BPF", 39), ("CHECKPOINT_RESTORE", 40),
    ])
    func bits(name: String, bit: Int) {
        #expect(LinuxCapability.named(name)?.bit == bit)
        #expect(LinuxCapability.withBit(bit)?.name == name)
    }

    @Test func runtimeDefaultsAreTheFourteenOfContainerdAndCRIO() {
        #expect(LinuxCapability.runtimeDefaults.count == 14)
        let mask = LinuxCapability.runtimeDefaults.reduce(UInt64(0)) { $0 | (1 << UInt64($1.bit)) }
        #expect(mask == 0xa80425fb)
    }

    @Test func everyCapabilityIsDescribed() {
        for capability in LinuxCapability.all {
            #expect(!capability.summary.isEmpty)
            #expect(!capability.brief.isEmpty && capability.brief.count <= 24, "\(capability.name): \(capability.brief)")
        }
    }
}
