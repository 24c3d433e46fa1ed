/// An error of the API client that can say, in a word, why a request failed (`Forbidden`, `Unauthorized`,
/// `Expired`, `unreachable`, ...): the label the audit counts its API errors by. Errors that do not conform
/// are counted as `other`, so the label set stays bounded whatever is thrown.
public protocol APIFailureReason: Error {
    /// A short, fixed word; never text from a response.
    var reason: String { get }
}
