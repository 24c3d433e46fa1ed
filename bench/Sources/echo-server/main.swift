import CapGuardServer
import Dispatch
import Glibc
import Logging

// Usage: echo-server PORT CERTIFICATE KEY
// Serves POST /echo (the body back as JSON) until SIGTERM or SIGINT.
let arguments = CommandLine.arguments
guard arguments.count == 4, let port = Int(arguments[1]) else {
    print("usage: echo-server PORT CERTIFICATE KEY")
    exit(2)
}

LoggingSystem.bootstrap { JSONLogHandler(label: $0) }
var logger = Logger(label: "echo-server")
logger.logLevel = .info

var router = Router()
router.add("POST", "/echo") { request in .json(request.body) }
router.add("GET", "/healthz") { _ in .text("ok") }

var limits = HTTPServerLimits()
limits.maxConnections = 16 * 1024
let server = try HTTPServer(
    configuration: HTTPServerConfiguration(host: "127.0.0.1", port: port, limits: limits),
    tls: .files(certificatePath: arguments[2], keyPath: arguments[3]),
    router: router,
    logger: logger)
let signalSources = [SIGTERM, SIGINT].map { number in
    signal(number, SIG_IGN)
    let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
    // Sendable: top-level code is main-actor isolated, and the handler runs on a global queue.
    source.setEventHandler { @Sendable in server.shutdown() }
    source.resume()
    return source
}
try server.start()
withExtendedLifetime(signalSources) { server.waitUntilStopped() }
