/// Where an answer's bytes come from: the TLS connection, or, when fuzzing the reader, bytes in memory.
protocol ResponseByteSource {
    /// Some bytes into `buffer`; 0 once the server has closed the connection.
    func read(into buffer: UnsafeMutableRawBufferPointer) throws(APIClientError) -> Int
}

/// Reads one HTTP/1.1 answer from a connection: the status line and headers, then a body framed by
/// Content-Length, by chunks (kube-apiserver sends lists chunked), or by the end of the connection.
struct HTTPResponseReader {
    struct Response {
        var status: Int
        /// Header names in lower case; a repeated header keeps its last value.
        var headers: [String: String]
        var body: [UInt8]
        /// Whether the connection may carry another request.
        var reusable: Bool
    }

    private let connection: any ResponseByteSource
    private let server: String
    private let limit: Int
    private var buffer: [UInt8] = []
    private var position = 0
    private var received = 0
    private var ended = false

    init(connection: any ResponseByteSource, server: String, limit: Int) {
        self.connection = connection
        self.server = server
        self.limit = limit
    }

    mutating func read() throws(APIClientError) -> Response {
        var status = 100
        var headers: [String: String] = [:]
        // 1xx answers come before the real one and are skipped.
        while (100 ..< 200).contains(status) {
            (status, headers) = try readHead()
        }
        var reusable = headers["connection"]?.lowercased() != "close"
        let body: [UInt8]
        if headers["transfer-encoding"].map({ $0.lowercased().contains("chunked") }) == true {
            body = try readChunkedBody()
        } else if let lengthText = headers["content-length"] {
            guard let length = Int(lengthText), length >= 0 else { throw malformed("Content-Length \(lengthText)") }
            guard length <= limit else { throw .responseTooLarge(server: server, limit: limit) }
            body = try readExactly(length)
        } else if status == 204 || status == 304 {
            body = []
        } else {
            body = try readToEnd()
            reusable = false
        }
        return Response(status: status, headers: headers, body: body, reusable: reusable && position == buffer.count)
    }

    private mutating func readHead() throws(APIClientError) -> (Int, [String: String]) {
        let statusLine = try readLine()
        let parts = statusLine.split(separator: " ", maxSplits: 2)
        guard parts.count >= 2, parts[0].hasPrefix("HTTP/1."), let status = Int(parts[1]), (100 ... 599).contains(status) else {
            throw malformed("status line \"\(statusLine.prefix(80))\"")
        }
        var headers: [String: String] = [:]
        while true {
            let line = try readLine()
            if line.isEmpty { return (status, headers) }
            guard let colon = line.firstIndex(of: ":") else { throw malformed("header line \"\(line.prefix(80))\"") }
            let name = line[..<colon].lowercased()
            headers[name] = line[line.index(after: colon)...].trimmingSpaces
        }
    }

    private mutating func readChunkedBody() throws(APIClientError) -> [UInt8] {
        var body: [UInt8] = []
        while true {
            let sizeLine = try readLine()
            let sizeText = sizeLine.split(separator: ";", maxSplits: 1).first.map { $0.trimmingSpaces } ?? ""
            guard let size = Int(sizeText, radix: 16), size >= 0 else { throw malformed("chunk size \"\(sizeLine.prefix(40))\"") }
            if size == 0 {
                // Trailers, if any, end with an empty line like headers.
                while try !readLine().isEmpty {}
                return body
            }
            guard body.count + size <= limit else { throw .responseTooLarge(server: server, limit: limit) }
            body += try readExactly(size)
            guard try readLine().isEmpty else { throw malformed("a chunk longer than its size") }
        }
    }

    private mutating func readToEnd() throws(APIClientError) -> [UInt8] {
        while try fill() {}
        defer { position = buffer.count }
        return Array(buffer[position...])
    }

    private mutating func readExactly(_ count: Int) throws(APIClientError) -> [UInt8] {
        while buffer.count - position < count {
            guard try fill() else { throw .connectionLost(server: server, reason: "the answer ended early") }
        }
        defer { position += count }
        return Array(buffer[position ..< position + count])
    }

    /// A line without its CRLF (a bare LF is accepted too).
    private mutating func readLine() throws(APIClientError) -> String {
        // Counted from `position`, which moves when `fill` drops consumed bytes.
        var searched = 0
        while true {
            if let newline = buffer[(position + searched)...].firstIndex(of: UInt8(ascii: "\n")) {
                var end = newline
                if end > position && buffer[end - 1] == UInt8(ascii: "\r") { end -= 1 }
                defer { position = newline + 1 }
                return String(decoding: buffer[position ..< end], as: UTF8.self)
            }
            searched = buffer.count - position
            guard buffer.count - position < 64 * 1024 else { throw malformed("a header line longer than 64 KiB") }
            guard try fill() else { throw .connectionLost(server: server, reason: "the answer ended early") }
        }
    }

    /// Reads more bytes into the buffer, dropping what was consumed; false at the end of the connection.
    private mutating func fill() throws(APIClientError) -> Bool {
        if ended { return false }
        if position > 0 && position >= buffer.count / 2 {
            buffer.removeFirst(position)
            position = 0
        }
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        let count = try chunk.withUnsafeMutableBytes { raw in Result { () throws(APIClientError) in try connection.read(into: raw) } }.get()
        if count == 0 {
            ended = true
            return false
        }
        received += count
        // Framing and headers count too, with room for them beyond the body's limit.
        guard received <= limit + 1024 * 1024 else { throw .responseTooLarge(server: server, limit: limit) }
        buffer += chunk[..<count]
        return true
    }

    private func malformed(_ what: String) -> APIClientError {
        .malformedResponse(server: server, reason: "unexpected \(what)")
    }
}
