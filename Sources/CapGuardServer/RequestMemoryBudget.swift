import Synchronization

/// The bytes that many requests together may hold. The server keeps one for requests still being received
/// (parser buffers and bodies): each connection is bounded by the header and body limits alone, and this
/// bounds their sum, so that many connections each holding a large request cannot take the process past its
/// memory limit. Layers above keep their own for what they allocate per request (the webhook's decoding).
///
/// The last `reserve` bytes are only for small requests, those holding at most `smallRequestBytes` in all:
/// clients that fill the budget with large bodies still leave room for health probes and ordinary reviews,
/// so that a memory attack does not become an outage through failed probes.
public final class RequestMemoryBudget: Sendable {
    public let limit: Int
    public let reserve: Int
    public let smallRequestBytes: Int
    private let used = Atomic<Int>(0)

    public init(limit: Int, reserve: Int, smallRequestBytes: Int) {
        self.limit = limit
        self.reserve = reserve
        self.smallRequestBytes = smallRequestBytes
    }

    convenience init(limits: HTTPServerLimits) {
        self.init(
            limit: limits.maxBufferedRequestBytes, reserve: limits.smallRequestReserveBytes,
            smallRequestBytes: HTTPServerLimits.smallRequestBytes)
    }

    public var usedBytes: Int {
        used.load(ordering: .relaxed)
    }

    /// Takes `bytes` more for a request that will then hold `total`; false, taking nothing, when that would
    /// go over the limit, or into the reserve for a request that is no longer small.
    public func acquire(_ bytes: Int, toHold total: Int) -> Bool {
        let ceiling = total <= smallRequestBytes ? limit : limit - reserve
        var current = used.load(ordering: .relaxed)
        while true {
            guard bytes <= ceiling - current else { return false }
            let (exchanged, original) = used.compareExchange(
                expected: current, desired: current + bytes, ordering: .relaxed)
            if exchanged { return true }
            current = original
        }
    }

    /// Takes or gives back `delta` bytes whatever the limit.
    public func adjust(by delta: Int) {
        used.add(delta, ordering: .relaxed)
    }
}

/// One connection's share of a `RequestMemoryBudget`: what it holds now, so that it can grow, shrink and be
/// given back whole.
struct RequestMemoryLease {
    let budget: RequestMemoryBudget
    private(set) var held = 0

    init(budget: RequestMemoryBudget) {
        self.budget = budget
    }

    /// Holds `bytes` in all; false, still holding what it held, when growing that far would exceed the budget
    /// (or the part of it open to a request of that size).
    mutating func hold(_ bytes: Int) -> Bool {
        if bytes > held {
            guard budget.acquire(bytes - held, toHold: bytes) else { return false }
        } else {
            budget.adjust(by: bytes - held)
        }
        held = bytes
        return true
    }

    /// Holds `bytes` in all whatever the budget: for shrinking, and for the allocator's rounding of a size
    /// that `hold` granted.
    mutating func settle(_ bytes: Int) {
        budget.adjust(by: bytes - held)
        held = bytes
    }
}
