/// A failure reported by OpenSSL or by the checks made around it.
public struct TLSError: Error, CustomStringConvertible, Equatable {
    public let description: String

    init(_ description: String) {
        self.description = description
    }

    /// `context` followed by what OpenSSL queued on this thread, which is consumed.
    static func openSSL(_ context: String) -> TLSError {
        let reasons = OpenSSLErrorQueue.drain()
        return TLSError(reasons.isEmpty ? context : "\(context): \(reasons)")
    }
}
