/// A capability set as the kernel prints it in `/proc/PID/status` (`CapEff: 00000000a80425fb`).
public struct CapabilityMask: Sendable, Hashable {
    public let rawValue: UInt64

    public init(rawValue: UInt64) { self.rawValue = rawValue }

    /// Parses a hexadecimal mask, with or without leading zeros or `0x`.
    public init(parsing text: String) throws(CapabilityMaskError) {
        var digits = Substring(text)
        if digits.hasPrefix("0x") || digits.hasPrefix("0X") { digits = digits.dropFirst(2) }
        guard !digits.isEmpty else { throw .notHexadecimal(text) }
        guard digits.allSatisfy(\.isHexDigit) else { throw .notHexadecimal(text) }
        let significant = digits.drop { $0 == "0" }
        guard significant.count <= 16, let value = UInt64(significant.isEmpty ? "0" : significant, radix: 16) else {
            throw .tooWide(text)
        }
        rawValue = value
    }

    public init(_ capabilities: some Sequence<LinuxCapability>) {
        rawValue = capabilities.reduce(0) { $0 | (1 << UInt64($1.bit)) }
    }

    /// The known capabilities in the mask, in bit order.
    public var capabilities: [LinuxCapability] {
        LinuxCapability.all.filter { rawValue & (1 << UInt64($0.bit)) != 0 }
    }

    /// Bits set beyond the kernel's known list (a newer kernel's capabilities): shown, never dropped.
    public var unknownBits: [Int] {
        (LinuxCapability.all.count..<64).filter { rawValue & (1 << UInt64($0)) != 0 }
    }

    /// The mask as `/proc` prints it: 16 hexadecimal digits.
    public var hexadecimal: String {
        let digits = String(rawValue, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }
}

public enum CapabilityMaskError: Error, Sendable, Hashable, CustomStringConvertible {
    case notHexadecimal(String)
    case tooWide(String)

    public var description: String {
        switch self {
        case .notHexadecimal(let text): "\(text.quotedForMessage) is not a hexadecimal capability mask (like 00000000a80425fb)"
        case .tooWide(let text): "\(text.quotedForMessage) has more than 64 bits; a capability mask has 64"
        }
    }
}
