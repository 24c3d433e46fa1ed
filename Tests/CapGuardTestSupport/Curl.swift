import Foundation
import Testing

/// curl: an HTTP/TLS client that shares no code with the server.
public enum Curl {
    public struct Response {
        public let status: Int
        public let body: Data
        public var json: [String: Any]? { try? JSONSerialization.jsonObject(with: body) as? [String: Any] }
        public var text: String { String(decoding: body, as: UTF8.self) }
        public var review: [String: Any]? { json?["response"] as? [String: Any] }
    }

    /// Sends each request (path and body) and returns the responses in order; `parallel` > 1 sends them
    /// concurrently over reused connections.
    public static func send(port: Int, _ requests: [(path: String, body: Data?)], parallel: Int = 1) throws -> [Response] {
        let directory = TemporaryDirectory.url(prefix: "capguard-curl")
        defer { try? FileManager.default.removeItem(at: directory) }
        var config = ""
        for (index, request) in requests.enumerated() {
            config += "next\n"
            config += "insecure\nsilent\nmax-time = 20\n"
            config += "url = \"https://127.0.0.1:\(port)\(request.path)\"\n"
            config += "output = \"\(directory.path)/\(index).body\"\n"
            if let body = request.body {
                let file = directory.appendingPathComponent("\(index).request")
                try body.write(to: file)
                config += "data-binary = \"@\(file.path)\"\n"
                config += "header = \"Content-Type: application/json\"\n"
            }
            config += "write-out = \"\(index) %{http_code}\\n\"\n"
        }
        let configFile = directory.appendingPathComponent("curl.config")
        try Data(config.dropFirst("next\n".count).utf8).write(to: configFile)
        var arguments = ["--config", configFile.path]
        if parallel > 1 { arguments = ["--parallel", "--parallel-max", "\(parallel)"] + arguments }
        let output = Command.run("/usr/bin/curl", arguments).standardOutput
        var statuses: [Int: Int] = [:]
        for line in output.split(separator: "\n") {
            let parts = line.split(separator: " ")
            if parts.count == 2, let index = Int(parts[0]), let status = Int(parts[1]) { statuses[index] = status }
        }
        return requests.indices.map { index in
            let body = (try? Data(contentsOf: directory.appendingPathComponent("\(index).body"))) ?? Data()
            return Response(status: statuses[index] ?? 0, body: body)
        }
    }

    public static func post(port: Int, _ path: String, _ body: Data) throws -> Response {
        try #require(try send(port: port, [(path, body)]).first)
    }

    public static func get(port: Int, _ path: String) throws -> Response {
        try #require(try send(port: port, [(path, nil)]).first)
    }
}
