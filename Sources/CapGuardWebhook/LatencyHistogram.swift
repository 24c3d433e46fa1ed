/// A Prometheus histogram of seconds with fixed buckets, from 50 µs to 1 s: admission calls are expected
/// well under a millisecond, and the apiserver gives up after the webhook's timeout of a few seconds.
struct LatencyHistogram: Sendable {
    static let bounds: [Double] = [0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1]

    private(set) var counts = [Int](repeating: 0, count: bounds.count)
    private(set) var count = 0
    private(set) var sum = 0.0

    mutating func observe(_ seconds: Double) {
        if let index = Self.bounds.firstIndex(where: { seconds <= $0 }) { counts[index] += 1 }
        count += 1
        sum += seconds
    }

    /// The `_bucket`, `_sum` and `_count` lines, buckets cumulative as Prometheus expects.
    func lines(name: String, labels: String) -> [String] {
        var lines: [String] = []
        var cumulative = 0
        let prefix = labels.isEmpty ? "" : labels + ","
        for (bound, bucketCount) in zip(Self.bounds, counts) {
            cumulative += bucketCount
            lines.append("\(name)_bucket{\(prefix)le=\"\(bound)\"} \(cumulative)")
        }
        lines.append("\(name)_bucket{\(prefix)le=\"+Inf\"} \(count)")
        let suffix = labels.isEmpty ? "" : "{\(labels)}"
        lines.append("\(name)_sum\(suffix) \(sum)")
        lines.append("\(name)_count\(suffix) \(count)")
        return lines
    }
}
