import Glibc

/// The server could not start.
public struct ServerError: Error, CustomStringConvertible, Equatable {
    public let description: String

    init(_ description: String) {
        self.description = description
    }

    static func system(_ call: String) -> ServerError {
        ServerError("\(call): \(String(cString: strerror(errno)))")
    }
}
