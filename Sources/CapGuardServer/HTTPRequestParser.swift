import CapGuardJSON

/// Incremental HTTP/1.1 request parser. Bytes go in as they arrive; complete requests (or the status that
/// refuses one) come out. What it holds follows what a request may hold, never the bytes on the wire: unread
/// bytes are bounded by the header limit, a chunk-size line or one append, the body by the body limit, chunked
/// framing by its share of the data; and every allocation is charged to the shared request budget first.
struct HTTPRequestParser {
    struct Request {
        var method: String
        var path: String
        var query: [String: String]
        var headers: HTTPHeaders
        var body: [UInt8]
        var keepAlive: Bool
    }

    enum Event {
        /// The client sent `Expect: 100-continue` and the body is within limits: it may now send it.
        case continueExpected
        case request(Request)
        /// The request cannot be served; the connection answers with `status` and closes.
        case failure(status: Int, reason: String)
    }

    /// The states after the head carry the parsed head with an empty body: the body grows in `body`, outside
    /// the enum, so that appending to it never copies it.
    private enum State {
        /// Scanning for the empty line; positions are offsets from `readIndex`.
        case head(scanned: Int, lineStart: Int)
        case body(Request, remaining: Int)
        case chunkSize(Request)
        case chunkData(Request, remaining: Int)
        case chunkDataEnd(Request)
        case trailers(Request, bytes: Int)
        case failed
    }

    /// What one step of head parsing achieved.
    private enum Step {
        case needMoreData
        /// The head is parsed and the body state is set.
        case proceed
        case emit(Event)
    }

    private static let maxChunkSizeLine = 1024
    /// Chunked framing (size lines, extensions, CRLFs) beyond 16 bytes per chunk plus twice the chunk's data
    /// may add up to this much, as in Go's net/http: one byte per chunk ("1\r\nx\r\n") passes, but extensions
    /// cannot stretch a body over unbounded wire bytes.
    private static let maxExcessFraming = 16 * 1024
    /// The buffer starts at the size of what arrived (an idle connection's next request is often all of it);
    /// a body starts here, so that a typical review grows once or not at all.
    private static let minimumBodyCapacity = 16 * 1024

    let limits: HTTPServerLimits
    private var memory: RequestMemoryLease
    private var buffer: [UInt8] = []
    private var readIndex = 0
    private var state = State.head(scanned: 0, lineStart: 0)
    private var body: [UInt8] = []
    private var excessFraming = 0
    private var pendingContinue = false
    private var overBudget = false

    init(limits: HTTPServerLimits, memory: RequestMemoryLease) {
        self.limits = limits
        self.memory = memory
    }

    /// True once any byte of the next request has arrived, until that request is complete.
    var isMidRequest: Bool {
        if case .head = state {
            return readIndex < buffer.count
        }
        return true
    }

    /// Bytes allocated for the request being received; what the lease holds.
    var bufferedBytes: Int {
        buffer.capacity + body.capacity
    }

    /// Takes bytes that arrived. Once a request has failed, or the budget has refused room for them, they
    /// are dropped: the connection is answering and closing.
    mutating func append(_ bytes: UnsafeRawBufferPointer) {
        guard !overBudget else { return }
        if case .failed = state { return }
        if buffer.count + bytes.count > buffer.capacity {
            dropConsumed()
            let needed = buffer.count + bytes.count
            guard Self.reserve(needed, in: &buffer, from: 0, upTo: .max, besides: body.capacity, memory: &memory) else {
                overBudget = true
                return
            }
        }
        buffer.append(contentsOf: bytes)
    }

    /// The next complete event, or nil when more bytes are needed.
    mutating func nextEvent() -> Event? {
        while true {
            if overBudget {
                overBudget = false
                return fail(.failure(status: 503, reason: "buffered request bytes over the server's budget"))
            }
            if pendingContinue {
                pendingContinue = false
                return .continueExpected
            }
            switch state {
            case .failed:
                return nil
            case .head(let scanned, let lineStart):
                switch parseHead(scanned: scanned, lineStart: lineStart) {
                case .needMoreData:
                    return needMoreData()
                case .proceed:
                    continue
                case .emit(let event):
                    if case .failure = event {
                        return fail(event)
                    }
                    return event
                }
            case .body(let request, let remaining):
                let count = min(remaining, available)
                guard appendToBody(count, upTo: body.count + remaining) else { continue }
                if count == remaining {
                    return finish(request)
                }
                state = .body(request, remaining: remaining - count)
                return needMoreData()
            case .chunkSize(let request):
                guard let line = nextLine(limit: Self.maxChunkSizeLine) else {
                    if available > Self.maxChunkSizeLine {
                        return fail(.failure(status: 400, reason: "chunk size line too long"))
                    }
                    return needMoreData()
                }
                guard let size = Self.chunkSize(line) else {
                    return fail(.failure(status: 400, reason: "malformed chunk size"))
                }
                if size > limits.maxBodyBytes - body.count {
                    return fail(.failure(status: 413, reason: "body too large"))
                }
                // The line and the CRLF after the chunk's data.
                excessFraming = max(0, excessFraming + line.count + 2 - 16 - 2 * size)
                if excessFraming > Self.maxExcessFraming {
                    return fail(.failure(status: 413, reason: "chunked framing too large for its data"))
                }
                state = size == 0 ? .trailers(request, bytes: 0) : .chunkData(request, remaining: size)
            case .chunkData(let request, let remaining):
                let count = min(remaining, available)
                guard appendToBody(count, upTo: limits.maxBodyBytes) else { continue }
                if count < remaining {
                    state = .chunkData(request, remaining: remaining - count)
                    return needMoreData()
                }
                state = .chunkDataEnd(request)
            case .chunkDataEnd(let request):
                guard let line = nextLine(limit: 2) else {
                    return available >= 2 ? fail(.failure(status: 400, reason: "chunk not followed by CRLF")) : needMoreData()
                }
                guard line.isEmpty else {
                    return fail(.failure(status: 400, reason: "chunk not followed by CRLF"))
                }
                state = .chunkSize(request)
            case .trailers(let request, let bytes):
                let budget = max(0, limits.maxHeaderBytes - bytes)
                guard let line = nextLine(limit: budget) else {
                    return available > budget ? fail(.failure(status: 431, reason: "trailers too large")) : needMoreData()
                }
                if line.isEmpty {
                    return finish(request)
                }
                state = .trailers(request, bytes: bytes + line.count + 2)
            }
        }
    }

    /// Gives back everything held, for a connection that will parse no more.
    mutating func releaseMemory() {
        state = .failed
        buffer = []
        readIndex = 0
        body = []
        memory.settle(0)
    }

    private var available: Int { buffer.count - readIndex }

    private mutating func fail(_ event: Event) -> Event {
        releaseMemory()
        return event
    }

    private mutating func finish(_ request: Request) -> Event {
        var complete = request
        swap(&complete.body, &body)
        state = .head(scanned: 0, lineStart: 0)
        excessFraming = 0
        memory.settle(bufferedBytes)
        return .request(complete)
    }

    /// Every return for more data drops what was consumed, so that unread bytes are all the buffer holds.
    private mutating func needMoreData() -> Event? {
        dropConsumed()
        return nil
    }

    /// Lets the buffer go entirely once it is empty, so an idle keep-alive connection holds nothing.
    private mutating func dropConsumed() {
        if readIndex == buffer.count {
            buffer = []
        } else if readIndex > 0 {
            buffer.removeFirst(readIndex)
        }
        readIndex = 0
        memory.settle(bufferedBytes)
    }

    /// Moves `count` unread bytes to the body, growing it (never past `limit`) within the budget.
    private mutating func appendToBody(_ count: Int, upTo limit: Int) -> Bool {
        let needed = body.count + count
        guard Self.reserve(needed, in: &body, from: Self.minimumBodyCapacity, upTo: limit, besides: buffer.capacity, memory: &memory)
        else {
            overBudget = true
            return false
        }
        body.append(contentsOf: buffer[readIndex..<readIndex + count])
        readIndex += count
        return true
    }

    /// Makes room for `needed` elements in `array`, doubling it (but not past `limit`) so that growth costs
    /// amortized constant time, and charges the lease before allocating. False when the budget refuses.
    private static func reserve(
        _ needed: Int, in array: inout [UInt8], from minimum: Int, upTo limit: Int, besides other: Int,
        memory: inout RequestMemoryLease
    ) -> Bool {
        guard needed > array.capacity else { return true }
        let capacity = max(needed, min(limit, max(array.capacity * 2, minimum)))
        guard memory.hold(other + capacity) else { return false }
        array.reserveCapacity(capacity)
        memory.settle(other + array.capacity)
        return true
    }

    /// The next line without its CR LF (or bare LF), if one ends within `limit` bytes.
    private mutating func nextLine(limit: Int) -> ArraySlice<UInt8>? {
        let end = min(buffer.count, readIndex + limit)
        guard let newline = buffer[readIndex..<end].firstIndex(of: ASCII.lf) else { return nil }
        var line = buffer[readIndex..<newline]
        if line.last == ASCII.cr {
            line = line.dropLast()
        }
        readIndex = newline + 1
        return line
    }

    private mutating func parseHead(scanned: Int, lineStart: Int) -> Step {
        var position = readIndex + scanned
        var start = readIndex + lineStart
        while position < buffer.count {
            if buffer[position] == ASCII.lf {
                let lineLength = position - start
                let isEmptyLine = lineLength == 0 || (lineLength == 1 && buffer[start] == ASCII.cr)
                if isEmptyLine && start == readIndex {
                    // Robustness (RFC 9112 section 2.2): empty lines before a request line are skipped.
                    readIndex = position + 1
                    start = readIndex
                } else if isEmptyLine {
                    let head = buffer[readIndex..<start]
                    readIndex = position + 1
                    return parseHead(head)
                } else {
                    start = position + 1
                }
            }
            position += 1
            if position - readIndex > limits.maxHeaderBytes {
                return .emit(.failure(status: 431, reason: "header bytes over the limit"))
            }
        }
        state = .head(scanned: position - readIndex, lineStart: start - readIndex)
        return .needMoreData
    }

    private mutating func parseHead(_ head: ArraySlice<UInt8>) -> Step {
        // Each line of the head ends in LF and keeps its CR until it is read. Lines are taken one at a time from
        // the buffer: splitting the head into arrays of lines and words cost 9k instructions per request.
        var lines = HeadLines(rest: head)
        guard let requestLine = lines.next() else {
            return .emit(.failure(status: 400, reason: "missing request line"))
        }
        let fieldCount = head.count(where: { $0 == ASCII.lf }) - 1
        if fieldCount > limits.maxHeaderCount {
            return .emit(.failure(status: 431, reason: "too many header fields"))
        }
        // Exactly three words, separated by single spaces.
        guard let firstSpace = requestLine.firstIndex(of: ASCII.space),
            let secondSpace = requestLine[(firstSpace + 1)...].firstIndex(of: ASCII.space),
            !requestLine[(secondSpace + 1)...].contains(ASCII.space)
        else {
            return .emit(.failure(status: 400, reason: "malformed request line"))
        }
        let methodBytes = requestLine[..<firstSpace]
        guard !methodBytes.isEmpty, methodBytes.allSatisfy(ASCII.isTokenByte) else {
            return .emit(.failure(status: 400, reason: "malformed request line"))
        }
        let target = requestLine[(firstSpace + 1)..<secondSpace]
        guard target.first == ASCII.slash, target.allSatisfy(ASCII.isVisible) else {
            return .emit(.failure(status: 400, reason: "malformed request target"))
        }
        let version = String(decoding: requestLine[(secondSpace + 1)...], as: UTF8.self)
        guard version == "HTTP/1.1" || version == "HTTP/1.0" else {
            let looksLikeHTTP = version.hasPrefix("HTTP/") && version.utf8.count == 8
            return .emit(.failure(status: looksLikeHTTP ? 505 : 400, reason: "unsupported version"))
        }
        var headers = HTTPHeaders(capacity: fieldCount)
        while let line = lines.next() {
            guard let colon = line.firstIndex(of: ASCII.colon) else {
                return .emit(.failure(status: 400, reason: "header line without a colon"))
            }
            let name = line[line.startIndex..<colon]
            guard !name.isEmpty, name.allSatisfy(ASCII.isTokenByte) else {
                return .emit(.failure(status: 400, reason: "malformed header name"))
            }
            let value = ASCII.trimmingWhitespace(line[(colon + 1)...])
            guard value.allSatisfy(ASCII.isFieldValueByte) else {
                return .emit(.failure(status: 400, reason: "malformed header value"))
            }
            headers.add(String(decoding: name, as: UTF8.self), String(decoding: value, as: UTF8.self))
        }
        let (path, query) = RequestTarget.split(target)
        let method = String(decoding: methodBytes, as: UTF8.self)
        let connectionTokens = headers.values(for: "Connection").flatMap(ASCII.tokenList)
        let keepAlive = version == "HTTP/1.1" ? !connectionTokens.contains("close") : connectionTokens.contains("keep-alive")
        let request = Request(method: method, path: path, query: query, headers: headers, body: [], keepAlive: keepAlive)
        return frameBody(request, version: version)
    }

    /// Decides how the body is delimited (RFC 9112 section 6.3), refusing anything ambiguous.
    private mutating func frameBody(_ request: Request, version: String) -> Step {
        let transferEncodings = request.headers.values(for: "Transfer-Encoding").flatMap(ASCII.tokenList)
        let contentLengths = request.headers.values(for: "Content-Length")
        let wantsContinue = version == "HTTP/1.1"
            && request.headers["Expect"].map { ASCII.equalIgnoringCase($0, "100-continue") } == true
        if !transferEncodings.isEmpty {
            guard contentLengths.isEmpty else {
                return .emit(.failure(status: 400, reason: "both Content-Length and Transfer-Encoding"))
            }
            guard transferEncodings == ["chunked"] else {
                return .emit(.failure(status: 501, reason: "unsupported transfer coding"))
            }
            pendingContinue = wantsContinue
            state = .chunkSize(request)
            return .proceed
        }
        guard let first = contentLengths.first else {
            if ["POST", "PUT", "PATCH"].contains(request.method) {
                return .emit(.failure(status: 411, reason: "body without a length"))
            }
            return .emit(finish(request))
        }
        guard contentLengths.allSatisfy({ $0 == first }), let length = ASCII.decimal(first) else {
            return .emit(.failure(status: 400, reason: "invalid Content-Length"))
        }
        if length > limits.maxBodyBytes {
            return .emit(.failure(status: 413, reason: "body too large"))
        }
        if length == 0 {
            return .emit(finish(request))
        }
        pendingContinue = wantsContinue
        state = .body(request, remaining: length)
        return .proceed
    }

    /// The lines of a head, each without its LF and CR.
    private struct HeadLines: IteratorProtocol {
        var rest: ArraySlice<UInt8>

        mutating func next() -> ArraySlice<UInt8>? {
            guard !rest.isEmpty else { return nil }
            let end = rest.firstIndex(of: ASCII.lf) ?? rest.endIndex
            let line = rest[..<end]
            rest = end < rest.endIndex ? rest[(end + 1)...] : rest[end...]
            return HTTPRequestParser.withoutCR(line)
        }
    }

    private static func withoutCR(_ line: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        line.last == ASCII.cr ? line.dropLast() : line
    }

    private static func chunkSize(_ line: ArraySlice<UInt8>) -> Int? {
        let digits = ASCII.trimmingWhitespace(line.prefix { $0 != ASCII.semicolon })
        guard !digits.isEmpty, digits.count <= 15 else { return nil }
        var size = 0
        for byte in digits {
            guard let value = HexDigit.value(byte) else { return nil }
            size = size * 16 + Int(value)
        }
        return size
    }
}
