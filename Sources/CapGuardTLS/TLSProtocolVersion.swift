/// A TLS protocol version capguard offers; there are none below 1.2. Raw values are the versions' wire
/// codes, which OpenSSL takes as they are.
public enum TLSProtocolVersion: Int32, Sendable, Comparable {
    case tls1_2 = 0x0303
    case tls1_3 = 0x0304

    public static func < (lhs: TLSProtocolVersion, rhs: TLSProtocolVersion) -> Bool {
        lhs.rawValue < rhs.rawValue
    }
}
