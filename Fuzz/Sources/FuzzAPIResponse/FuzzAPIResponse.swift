@testable import CapGuardKubeClient
import CapGuardKube
import FuzzSupport

/// Bytes from a hostile API server, arriving in pieces cut at points derived from the input: the answers
/// the client reads from them (one after another while the connection stays reusable), each body within
/// the response limit, every failure a malformed, cut or too large answer; then those answers as the pages
/// of a list, which ends with the objects, a decoding error or a request error, never anything else.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzAPIResponse(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let input = UnsafeRawBufferPointer(start: data, count: size)
    var generator = SplitMix64(hashing: input)
    let source = PiecewiseSource(Array(input), pieceLength: Int.random(in: 1...4096, using: &generator))
    var reader = HTTPResponseReader(connection: source, server: "fuzz", limit: Answers.limit)
    var answers: [APIResponse] = []
    while answers.count < 4 {
        do throws(APIClientError) {
            let response = try reader.read()
            invariant((200...599).contains(response.status), "status \(response.status)")
            invariant(response.body.count <= Answers.limit, "a body of \(response.body.count) bytes over the limit")
            answers.append(APIResponse(status: response.status, body: response.body))
            if !response.reusable { break }
        } catch {
            switch error {
            case .malformedResponse, .connectionLost, .responseTooLarge: break
            default: invariant(false, "reading bytes in memory failed with \(error)")
            }
            invariant(!error.description.isEmpty, "an error without a description")
            break
        }
    }
    invariant(source.delivered <= Answers.limit + 1024 * 1024 + source.pieceLength, "read \(source.delivered) bytes")
    guard !answers.isEmpty else { return 0 }
    let lister = PaginatedLister(requester: PlayedBackRequester(answers), pageSize: 2)
    var objects = 0
    do {
        try lister.list(Answers.resource, namespace: nil) { page in objects += page.count }
    } catch is APIListDecodingError {
    } catch let error as APIRequestError {
        invariant(!error.description.isEmpty, "a request error without a description")
    } catch is PlayedBackRequester.NoMoreAnswers {
    } catch {
        invariant(false, "listing failed with \(type(of: error)): \(error)")
    }
    invariant(objects <= answers.reduce(0) { $0 + $1.body.count }, "\(objects) objects from fewer bytes")
    return 0
}

private enum Answers {
    /// Above the captured lists wrapped in HTTP, below the longest input (scripts/fuzz's max_len), so that
    /// both sides of it are reached.
    static let limit = 32 * 1024
    static let resource = APIResource(group: "apps", version: "v1", resource: "deployments", kind: "Deployment")
}

/// The input as a connection delivers it: in pieces of one length, then the end.
private final class PiecewiseSource: ResponseByteSource {
    let bytes: [UInt8]
    let pieceLength: Int
    private(set) var delivered = 0

    init(_ bytes: [UInt8], pieceLength: Int) {
        self.bytes = bytes
        self.pieceLength = pieceLength
    }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws(APIClientError) -> Int {
        let count = min(pieceLength, buffer.count, bytes.count - delivered)
        guard count > 0 else { return 0 }
        bytes.withUnsafeBytes { buffer.baseAddress!.copyMemory(from: $0.baseAddress! + delivered, byteCount: count) }
        delivered += count
        return count
    }
}

/// Answers every request with the next answer read, as one server's pages.
private final class PlayedBackRequester: APIRequester, @unchecked Sendable {
    struct NoMoreAnswers: Error {}

    private var answers: ArraySlice<APIResponse>

    init(_ answers: [APIResponse]) { self.answers = answers[...] }

    func send(_ request: APIRequest) throws -> APIResponse {
        guard let answer = answers.popFirst() else { throw NoMoreAnswers() }
        return answer
    }
}
