import Foundation
import Testing
import CapGuardPolicy

@Suite("Decoding capability masks")
struct CapabilityMaskTests {
    @Test func zeroIsEmpty() throws {
        let mask = try CapabilityMask(parsing: "0000000000000000")
        #expect(mask.capabilities.isEmpty && mask.unknownBits.isEmpty)
    }

    @Test("the runtime default set, however it is written", arguments: ["00000000a80425fb", "a80425fb", "0xa80425fb", "0XA80425FB"])
    func runtimeDefaults(text: String) throws {
        let mask = try CapabilityMask(parsing: text)
        #expect(Set(mask.capabilities) == LinuxCapability.runtimeDefaults)
        #expect(mask.capabilities.first?.name == "CHOWN")
        #expect(mask.hexadecimal == "00000000a80425fb")
    }

    @Test func fullMaskOfFortyOneBits() throws {
        let mask = try CapabilityMask(parsing: "000001ffffffffff")
        #expect(mask.capabilities.count == 41)
        #expect(mask.capabilities.last?.name == "CHECKPOINT_RESTORE")
        #expect(mask.unknownBits.isEmpty)
    }

    @Test func unknownHighBitsAreKept() throws {
        let mask = try CapabilityMask(parsing: "8000020000000001")
        #expect(mask.capabilities.map(\.name) == ["CHOWN"])
        #expect(mask.unknownBits == [41, 63])
    }

    @Test("bad masks", arguments: ["", "0x", "xyz", "12 34", "-1", "10000000000000000", "a80425fb!"])
    func badMasks(text: String) {
        #expect(throws: CapabilityMaskError.self) { try CapabilityMask(parsing: text) }
    }

    @Test func leadingZerosBeyondSixteenDigitsAreFine() throws {
        #expect(try CapabilityMask(parsing: "000000000000000000ff").rawValue == 0xff)
    }

    @Test func maskFromCapabilities() {
        #expect(CapabilityMask(LinuxCapability.runtimeDefaults).rawValue == 0xa80425fb)
    }
}

@Suite("Reading /proc/PID/status")
struct ProcessCapabilitiesTests {
    static let status = """
    Name:\tcat
    Umask:\t0022
    State:\tR (running)
    CapInh:\t0000000000000000
    CapPrm:\t00000000a80425fb
    CapEff:\t00000000a80425fb
    CapBnd:\t00000000a80425fb
    CapAmb:\t0000000000000000
    NoNewPrivs:\t0
    """

    @Test func readsTheFiveSetsInOrder() throws {
        let process = try ProcessCapabilities(parsingStatus: Self.status)
        #expect(process.sets.map(\.name) == ProcessCapabilities.SetName.allCases)
        #expect(process.sets[2].mask.rawValue == 0xa80425fb)
        #expect(process.sets[0].mask.rawValue == 0)
    }

    @Test func readsThisProcessesStatus() throws {
        let text = try String(contentsOfFile: "/proc/self/status", encoding: .utf8)
        let process = try ProcessCapabilities(parsingStatus: text)
        #expect(process.sets.count == 5)
    }

    @Test func noCapabilityLinesIsAnError() {
        #expect(throws: ProcessCapabilitiesError.self) { try ProcessCapabilities(parsingStatus: "Name:\tcat\n") }
    }

    @Test func badValueNamesTheLine() {
        #expect {
            try ProcessCapabilities(parsingStatus: "Name:\tx\nCapEff:\tzz\n")
        } throws: { error in
            (error as? ProcessCapabilitiesError)?.description.hasPrefix("line 2 ") == true
        }
    }
}
