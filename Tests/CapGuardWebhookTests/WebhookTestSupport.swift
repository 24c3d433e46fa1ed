import CapGuardConfig
import CapGuardServer
import CapGuardWebhook
import Foundation
import Logging
import Synchronization
import Testing

/// AdmissionReviews captured from a kube-apiserver (Tests/Fixtures/apiserver).
enum Fixtures {
    static let directory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Fixtures/apiserver")

    static func review(_ name: String) throws -> [String: Any] {
        let data = try Data(contentsOf: directory.appendingPathComponent(name))
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    static func body(_ name: String) throws -> Data { try Data(contentsOf: directory.appendingPathComponent(name)) }

    /// A fixture with its request edited.
    static func edited(_ name: String, _ edit: (inout [String: Any]) -> Void) throws -> Data {
        var review = try review(name)
        var request = review["request"] as! [String: Any]
        edit(&request)
        review["request"] = request
        return try JSONSerialization.data(withJSONObject: review)
    }
}

/// Log lines the webhook wrote, for assertions.
final class CapturedLog: Sendable {
    private let lines = Mutex<[String]>([])

    var output: JSONLogOutput { JSONLogOutput { [self] line in lines.withLock { $0.append(line) } } }

    var entries: [[String: Any]] {
        lines.withLock { $0 }.compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
    }
}

/// A webhook on 127.0.0.1, a free port and the development certificate, stopped when the test ends.
struct RunningWebhook {
    let webhook: Webhook
    let log: CapturedLog
    var port: Int { webhook.server.boundPort }

    static func with<T>(_ policies: PolicySource = .fixed(.embeddedDefault), _ body: (RunningWebhook) throws -> T) throws -> T {
        let log = CapturedLog()
        let logger = Logger(label: "capguard") { JSONLogHandler(label: $0, output: log.output) }
        var limits = HTTPServerLimits()
        limits.readTimeout = .seconds(5)
        let configuration = HTTPServerConfiguration(host: "127.0.0.1", port: 0, limits: limits, shutdownGracePeriod: .seconds(2))
        let webhook = try Webhook(configuration: configuration, tls: .development, policies: policies, logger: logger)
        try webhook.server.start()
        defer {
            webhook.server.shutdown()
            webhook.server.waitUntilStopped()
        }
        return try body(RunningWebhook(webhook: webhook, log: log))
    }
}

/// curl: an HTTP/TLS client that shares no code with the server.
enum Curl {
    struct Response {
        let status: Int
        let body: Data
        var json: [String: Any]? { try? JSONSerialization.jsonObject(with: body) as? [String: Any] }
        var text: String { String(decoding: body, as: UTF8.self) }
        var review: [String: Any]? { json?["response"] as? [String: Any] }
    }

    /// Sends each request (path and body) and returns the responses in order; `parallel` > 1 sends them
    /// concurrently over reused connections.
    static func send(port: Int, _ requests: [(path: String, body: Data?)], parallel: Int = 1) throws -> [Response] {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("capguard-curl-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
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
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/curl")
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        var statuses: [Int: Int] = [:]
        for line in String(decoding: output, as: UTF8.self).split(separator: "\n") {
            let parts = line.split(separator: " ")
            if parts.count == 2, let index = Int(parts[0]), let status = Int(parts[1]) { statuses[index] = status }
        }
        return requests.indices.map { index in
            let body = (try? Data(contentsOf: directory.appendingPathComponent("\(index).body"))) ?? Data()
            return Response(status: statuses[index] ?? 0, body: body)
        }
    }

    static func post(port: Int, _ path: String, _ body: Data) throws -> Response {
        try #require(try send(port: port, [(path, body)]).first)
    }

    static func get(port: Int, _ path: String) throws -> Response {
        try #require(try send(port: port, [(path, nil)]).first)
    }
}
