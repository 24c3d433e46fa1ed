// The admission pipeline in-process: decode -> evaluate -> encode -> log (the JSON line is formatted as in
// production, then discarded), the work of one POST /validate without the network. Prints one JSON line per body: microseconds per review
// (median, p99) and, when bench/malloc-count.so is preloaded, heap allocations per review.
import CapGuardConfig
import CapGuardServer
import CapGuardWebhook
import FoundationEssentials
import Glibc
import Logging

let arguments = CommandLine.arguments.dropFirst()
let iterations = Int(ProcessInfo.processInfo.environment["PIPELINE_ITERATIONS"] ?? "") ?? 20_000

/// Calls the preloaded counter, when there is one.
let mallocCount: (@convention(c) () -> UInt64)? = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "capguard_bench_malloc_count")
    .map { unsafeBitCast($0, to: (@convention(c) () -> UInt64).self) }

func rounded(_ value: Double, _ digits: Int) -> Double {
    let scale = (0..<digits).reduce(1.0) { value, _ in value * 10 }
    return (value * scale).rounded() / scale
}

let logger = Logger(label: "bench") { JSONLogHandler(label: $0, output: JSONLogOutput { _ in }) }
let endpoint = AdmissionEndpoint(policies: .fixed(.embeddedDefault), metrics: WebhookMetrics(), logger: logger, forceAudit: false)

for path in arguments {
    guard let body = FileManager.default.contents(atPath: path) else {
        print("pipeline: cannot read \(path)")
        exit(2)
    }
    let request = HTTPRequest(method: "POST", path: "/validate", query: [:], headers: HTTPHeaders(), body: Array(body), remoteAddress: "bench")
    let status = endpoint.handle(request).status
    for _ in 0..<(iterations / 10) { _ = endpoint.handle(request) }

    let allocationsBefore = mallocCount?() ?? 0
    for _ in 0..<1000 { _ = endpoint.handle(request) }
    let allocations = mallocCount.map { Double($0() - allocationsBefore) / 1000 }

    var samples: [Double] = []
    samples.reserveCapacity(iterations)
    let clock = ContinuousClock()
    for _ in 0..<iterations {
        let start = clock.now
        _ = endpoint.handle(request)
        samples.append((clock.now - start) / .microseconds(1))
    }
    samples.sort()
    let name = path.split(separator: "/").last.map(String.init) ?? path
    let median = samples[samples.count / 2], p99 = samples[samples.count * 99 / 100]
    let allocationsField = allocations.map { "\(rounded($0, 1))" } ?? "null"
    print(#"{"body":"\#(name)","bytes":\#(body.count),"status":\#(status),"iterations":\#(iterations),"#
        + #""median_us":\#(rounded(median, 2)),"p99_us":\#(rounded(p99, 2)),"allocations":\#(allocationsField)}"#)
}
