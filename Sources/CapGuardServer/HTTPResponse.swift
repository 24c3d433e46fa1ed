/// What a handler answers. The server adds Date, Content-Length and Connection itself.
public struct HTTPResponse: Sendable, Equatable {
    public var status: Int
    public var headers: HTTPHeaders
    public var body: [UInt8]

    public init(status: Int, headers: HTTPHeaders = HTTPHeaders(), body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    public init(status: Int, contentType: String, body: [UInt8]) {
        self.init(status: status, headers: ["Content-Type": contentType], body: body)
    }

    public static func text(_ text: String, status: Int = 200) -> HTTPResponse {
        HTTPResponse(status: status, contentType: "text/plain; charset=utf-8", body: Array(text.utf8))
    }

    public static func json(_ body: [UInt8], status: Int = 200) -> HTTPResponse {
        HTTPResponse(status: status, contentType: "application/json", body: body)
    }

    public static func json(_ body: String, status: Int = 200) -> HTTPResponse {
        json(Array(body.utf8), status: status)
    }

    /// A short plain-text response carrying the status's own reason phrase.
    public static func status(_ status: Int) -> HTTPResponse {
        text(HTTPStatus.reasonPhrase(status) + "\n", status: status)
    }
}

enum HTTPStatus {
    static func reasonPhrase(_ status: Int) -> String {
        switch status {
        case 100: "Continue"
        case 200: "OK"
        case 201: "Created"
        case 202: "Accepted"
        case 204: "No Content"
        case 301: "Moved Permanently"
        case 302: "Found"
        case 304: "Not Modified"
        case 400: "Bad Request"
        case 401: "Unauthorized"
        case 403: "Forbidden"
        case 404: "Not Found"
        case 405: "Method Not Allowed"
        case 408: "Request Timeout"
        case 411: "Length Required"
        case 413: "Content Too Large"
        case 415: "Unsupported Media Type"
        case 422: "Unprocessable Content"
        case 429: "Too Many Requests"
        case 431: "Request Header Fields Too Large"
        case 500: "Internal Server Error"
        case 501: "Not Implemented"
        case 503: "Service Unavailable"
        case 505: "HTTP Version Not Supported"
        default: "Status \(status)"
        }
    }

    /// Statuses that must not carry a body (RFC 9110 section 6.4.1).
    static func forbidsBody(_ status: Int) -> Bool {
        status == 204 || status == 304 || (100..<200).contains(status)
    }
}

/// Turns a response into the bytes sent on the wire.
enum HTTPResponseEncoder {
    /// Header names the server writes itself; a handler's own values for them would contradict the framing.
    private static let serverOwnedHeaders = ["content-length", "date", "connection", "transfer-encoding"]

    /// A handler's status outside 200...599 cannot be sent as a final response; it is a server error.
    static func effectiveStatus(_ response: HTTPResponse) -> Int {
        (200...599).contains(response.status) ? response.status : 500
    }

    /// Appends the response to `bytes`, the connection's output: head and body go out in one write, and
    /// nothing is built in between.
    static func encode(_ response: HTTPResponse, date: String, closeConnection: Bool, omitBody: Bool, into bytes: inout [UInt8]) {
        let status = effectiveStatus(response)
        let isHandlers = status == response.status
        let bodyCount = isHandlers ? response.body.count : 0
        let sendsBody = !omitBody && !HTTPStatus.forbidsBody(status)
        bytes.reserveCapacity(bytes.count + 256 + (sendsBody ? bodyCount : 0))
        bytes.append(contentsOf: "HTTP/1.1 ".utf8)
        ASCII.appendDecimal(status, to: &bytes)
        bytes.append(ASCII.space)
        bytes.append(contentsOf: HTTPStatus.reasonPhrase(status).utf8)
        bytes.append(contentsOf: "\r\nDate: ".utf8)
        bytes.append(contentsOf: date.utf8)
        bytes.append(contentsOf: "\r\n".utf8)
        if !HTTPStatus.forbidsBody(status) {
            bytes.append(contentsOf: "Content-Length: ".utf8)
            ASCII.appendDecimal(bodyCount, to: &bytes)
            bytes.append(contentsOf: "\r\n".utf8)
        }
        if isHandlers {
            for (name, value) in response.headers {
                guard isSafe(name), isSafe(value), !serverOwnedHeaders.contains(where: { ASCII.equalIgnoringCase(name, $0) })
                else { continue }
                bytes.append(contentsOf: name.utf8)
                bytes.append(contentsOf: ": ".utf8)
                bytes.append(contentsOf: value.utf8)
                bytes.append(contentsOf: "\r\n".utf8)
            }
        }
        if closeConnection {
            bytes.append(contentsOf: "Connection: close\r\n".utf8)
        }
        bytes.append(contentsOf: "\r\n".utf8)
        if sendsBody && isHandlers {
            bytes.append(contentsOf: response.body)
        }
    }

    static let continueResponse: [UInt8] = Array("HTTP/1.1 100 Continue\r\n\r\n".utf8)

    /// A field that could end the header line early would let a handler split the response.
    private static func isSafe(_ text: String) -> Bool {
        !text.utf8.contains { $0 == 0x0D || $0 == 0x0A || $0 == 0 }
    }
}
