@testable import CapGuardServer
import FuzzSupport

/// Bytes from a connection, parsed whole and in pieces cut at points derived from the input: real input
/// arrives in TLS records of any size, so the events must not depend on where it was cut. Runs with the
/// server's default limits and with small ones, so that every limit is reached by short inputs too.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzHTTPRequestParser(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let input = UnsafeRawBufferPointer(start: data, count: size)
    var generator = SplitMix64(hashing: input)
    let small = HTTPServerLimits(maxHeaderBytes: 256, maxHeaderCount: 8, maxBodyBytes: 100)
    for limits in [HTTPServerLimits(), small] {
        let whole = ParsedEvents(input, limits: limits, pieceLength: { input.count })
        let bytewise = ParsedEvents(input, limits: limits, pieceLength: { 1 })
        let random = ParsedEvents(input, limits: limits, pieceLength: { Int.random(in: 1...64, using: &generator) })
        invariant(whole.summary == bytewise.summary, "byte by byte: \(bytewise.summary) whole: \(whole.summary)")
        invariant(whole.summary == random.summary, "random pieces: \(random.summary) whole: \(whole.summary)")
    }
    return 0
}

/// Every event a parser produced for one input, fed in pieces, as comparable text; and what the parser
/// holds stays within what a request may hold, however the bytes were cut.
struct ParsedEvents {
    private(set) var summary: [String] = []

    init(_ input: UnsafeRawBufferPointer, limits: HTTPServerLimits, pieceLength: () -> Int) {
        var parser = HTTPRequestParser(limits: limits, memory: RequestMemoryLease(budget: RequestMemoryBudget(limits: limits)))
        var offset = 0
        while offset < input.count {
            let end = min(input.count, offset + pieceLength())
            parser.append(UnsafeRawBufferPointer(rebasing: input[offset..<end]))
            // Unread bytes are at most a head, a chunk-size line or one piece, in a buffer that may have
            // doubled; the body at most its limit or the first allocation.
            let bound = 2 * (limits.maxHeaderBytes + 1024 + end - offset) + max(16 * 1024, limits.maxBodyBytes)
            offset = end
            while let event = parser.nextEvent() {
                summary.append(Self.describe(event, limits: limits))
            }
            invariant(parser.bufferedBytes <= bound, "holds \(parser.bufferedBytes) bytes, more than \(bound)")
        }
    }

    private static func describe(_ event: HTTPRequestParser.Event, limits: HTTPServerLimits) -> String {
        switch event {
        case .continueExpected:
            return "100-continue"
        case .failure(let status, let reason):
            invariant((400...599).contains(status), "failure status \(status)")
            return "\(status) \(reason)"
        case .request(let request):
            invariant(request.body.count <= limits.maxBodyBytes, "body of \(request.body.count) bytes over the limit")
            invariant(Array(request.headers).count <= limits.maxHeaderCount, "more header fields than the limit")
            let headers = request.headers.map { "\($0.name)=\($0.value)" }
            return "\(request.method) \(request.path) \(request.query.sorted { $0.key < $1.key }) \(headers) "
                + "keepAlive=\(request.keepAlive) body=\(request.body)"
        }
    }
}
