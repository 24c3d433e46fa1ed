import Testing
@testable import CapGuardWebhook

@Suite("Memory for reviews being decoded at once")
struct ReviewDecodeBudgetTests {
    let small = ReviewDecodeBudget.smallReviewValues
    let bytes = ReviewDecodeBudget.bytesPerValue

    @Test func largeReviewsStopWhereTheReserveBeginsAndSmallOnesUseIt() throws {
        let budget = ReviewDecodeBudget(limit: 100 * small * bytes, reserve: 10 * small * bytes)
        let large = try #require(budget.acquire(values: 90 * small))
        #expect(budget.acquire(values: small + 1) == nil, "a large review past the reserve's edge")
        var held: [Int] = []
        for _ in 0..<10 { held.append(try #require(budget.acquire(values: small))) }
        #expect(budget.acquire(values: 1) == nil, "the whole budget is held")
        budget.release(large)
        for bytes in held { budget.release(bytes) }
        #expect(budget.usedBytes == 0)
        #expect(budget.acquire(values: 90 * small) != nil)
    }

    @Test func aReviewOverTheWholeBudgetNeverFits() {
        let budget = ReviewDecodeBudget(limit: 1 << 20, reserve: 0)
        #expect(budget.acquire(values: (1 << 20) / bytes + 1) == nil)
        #expect(budget.acquire(values: (1 << 20) / bytes) != nil)
    }

    /// The defaults hold one review at the most values capguard decodes, with the reserve still free.
    @Test func theDefaultsHoldTheLargestReview() {
        let budget = ReviewDecodeBudget()
        #expect(budget.acquire(values: ReviewDecoding.maximumValues) != nil)
        #expect(budget.acquire(values: small) != nil)
    }
}
