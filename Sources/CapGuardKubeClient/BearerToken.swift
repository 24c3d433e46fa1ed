/// Checks on a bearer token before it goes into a header.
enum BearerToken {
    /// The token, unless it is empty or holds characters a header cannot carry (a line break would let the
    /// token's source write headers of its own).
    static func checked(_ token: String, source: String) throws(KubeConfigurationError) -> String {
        guard !token.isEmpty else { throw KubeConfigurationError("\(source) holds an empty token") }
        guard token.unicodeScalars.allSatisfy({ $0.value >= 0x21 && $0.value < 0x7F }) else {
            throw KubeConfigurationError("\(source) holds a token with spaces or characters other than printable ASCII")
        }
        return token
    }
}
