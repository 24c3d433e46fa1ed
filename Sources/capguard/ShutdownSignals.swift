import Dispatch
import Glibc
import Logging

/// SIGTERM and SIGINT, taken from their default action (ending the process at once) and handed to
/// `shutdown`, so that a command stops what it serves gracefully. Signals are the process's to handle,
/// so the commands take them rather than the server.
final class ShutdownSignals {
    private let sources: [any DispatchSourceSignal]

    init(logger: Logger, shutdown: @escaping @Sendable () -> Void) {
        sources = [SIGTERM, SIGINT].map { number in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler {
                logger.info("received signal; shutting down", metadata: ["signal": .stringConvertible(number)])
                shutdown()
            }
            source.resume()
            return source
        }
    }

    deinit {
        for source in sources { source.cancel() }
    }
}
