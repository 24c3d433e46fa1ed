/// Why no connection to an API server could be configured: a kubeconfig, an in-cluster file or a credential
/// plugin that is missing or wrong. The description says what and how to fix it.
public struct KubeConfigurationError: Error, Sendable, Equatable, CustomStringConvertible {
    public let description: String

    public init(_ description: String) {
        self.description = description
    }
}
