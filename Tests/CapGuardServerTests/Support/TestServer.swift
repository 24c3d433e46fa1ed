import CapGuardServer
import CapGuardTestSupport
import Logging

enum TestServer {
    static let limits = HTTPServerLimits(
        maxHeaderBytes: 8 * 1024,
        maxHeaderCount: 100,
        maxBodyBytes: 1024 * 1024,
        maxConnections: 4096,
        readTimeout: .milliseconds(500),
        idleTimeout: .seconds(1)
    )

    static var router: Router {
        var router = Router()
        router.add("POST", "/echo") { request in
            HTTPResponse(status: 200, contentType: "application/octet-stream", body: request.body)
        }
        router.add("GET", "/hello") { _ in .text("hello") }
        router.add("GET", "/query") { request in
            .text(request.query.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: "&"))
        }
        router.add("POST", "/validate") { request in
            .json("{\"path\":\"\(request.path)\",\"timeout\":\"\(request.query["timeout"] ?? "")\"}")
        }
        return router
    }

    static func tlsFiles(clientCA: Bool = false) -> TLSConfiguration {
        let certificates = TestCertificates.shared
        var configuration = TLSConfiguration.files(
            certificatePath: certificates.serverCertificate, keyPath: certificates.serverKey,
            clientCAPath: clientCA ? certificates.caFile : nil)
        configuration.reloadInterval = .milliseconds(50)
        return configuration
    }

    /// Starts a server on 127.0.0.1 and a free port, runs `body`, then shuts it down.
    static func with<Result>(
        host: String = "127.0.0.1",
        limits: HTTPServerLimits = TestServer.limits,
        tls: TLSConfiguration = TestServer.tlsFiles(),
        gracePeriod: Duration = .seconds(2),
        logs: LogCapture = LogCapture(),
        _ body: (HTTPServer) throws -> Result
    ) throws -> Result {
        var logger = Logger(label: "test") { JSONLogHandler(label: $0, output: JSONLogOutput(write: logs.append)) }
        logger.logLevel = .debug
        let server = try HTTPServer(
            configuration: HTTPServerConfiguration(host: host, port: 0, limits: limits, shutdownGracePeriod: gracePeriod),
            tls: tls, router: router, logger: logger)
        try server.start()
        defer {
            server.shutdown()
            server.waitUntilStopped()
        }
        return try body(server)
    }

    static func curl(_ arguments: [String]) -> Command.Result {
        Command.run("curl", ["--silent", "--show-error", "--max-time", "10", "--cacert", TestCertificates.shared.caFile] + arguments)
    }
}
