import CapGuardServer

/// Memory for reviews being decoded at once, estimated from the number of values their bodies hold.
///
/// The request budget of the server bounds bodies while they arrive; once a body is complete it is decoded,
/// and decoding takes about 50 bytes for each value the scan counts (`ReviewDecoding.maximumValues` caps one
/// review at about 15 MiB of estimate). Without a bound across requests, a few large reviews decoded on several threads
/// at once would still exceed the Deployment's memory limit. Like the request budget, the last part is kept
/// for small reviews, so that an attacker decoding large ones does not refuse the apiserver's ordinary ones.
public final class ReviewDecodeBudget: Sendable {
    /// A counted value's share of the decoder's memory, rounded up from the 48-50 bytes measured.
    static let bytesPerValue = 64
    /// Reviews of at most this many values (a Pod with a thousand environment variables) may use the reserve.
    static let smallReviewValues = 16 * 1024

    private let budget: RequestMemoryBudget

    public init(limit: Int = 20 << 20, reserve: Int = 4 << 20) {
        budget = RequestMemoryBudget(limit: limit, reserve: reserve, smallRequestBytes: Self.smallReviewValues * Self.bytesPerValue)
    }

    /// Takes the estimate for a review of `values` values and returns it, to be given back with `release` once
    /// the review is answered and its decoded objects are gone; nil when it does not fit now.
    func acquire(values: Int) -> Int? {
        let bytes = values * Self.bytesPerValue
        return budget.acquire(bytes, toHold: bytes) ? bytes : nil
    }

    func release(_ bytes: Int) {
        budget.adjust(by: -bytes)
    }

    var usedBytes: Int { budget.usedBytes }
}
