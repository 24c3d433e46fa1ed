import CapGuardSystem
import CapGuardTLS
import FoundationEssentials
import Synchronization
import Glibc

/// Credentials from an exec plugin (`client.authentication.k8s.io/v1` or `v1beta1`), as EKS, GKE and AKS
/// kubeconfigs use: the command prints an ExecCredential whose status holds a token or a client certificate.
/// The answer is kept until its `expirationTimestamp`, or, without one, until the server refuses it.
public final class ExecCredentialProvider: CredentialProvider {
    public struct Plugin: Sendable, Equatable {
        /// As the kubeconfig writes it: a name looked up in PATH, or a path.
        public var command: String
        public var arguments: [String]
        public var environment: [String: String]
        public var apiVersion: String
        public var installHint: String?
        /// `Never`, `IfAvailable` or `Always`.
        public var interactiveMode: String
        /// The cluster as given to the plugin when it asks for it (`provideClusterInfo`).
        public var cluster: [String: String]?
        /// The kubeconfig's directory, against which a relative command path is resolved.
        public var directory: String

        public init(
            command: String, arguments: [String] = [], environment: [String: String] = [:],
            apiVersion: String = "client.authentication.k8s.io/v1", installHint: String? = nil, interactiveMode: String = "IfAvailable",
            cluster: [String: String]? = nil, directory: String = ""
        ) {
            self.command = command
            self.arguments = arguments
            self.environment = environment
            self.apiVersion = apiVersion
            self.installHint = installHint
            self.interactiveMode = interactiveMode
            self.cluster = cluster
            self.directory = directory
        }
    }

    public static let apiVersions = ["client.authentication.k8s.io/v1", "client.authentication.k8s.io/v1beta1"]

    public let plugin: Plugin
    /// The environment the plugin starts from, and whose PATH finds it.
    private let baseEnvironment: [String: String]
    private let cached: Mutex<(credentials: ClientCredentials, expiry: Date?)?> = Mutex(nil)

    public init(plugin: Plugin, environment: [String: String]) {
        self.plugin = plugin
        self.baseEnvironment = environment
    }

    public func credentials() throws -> ClientCredentials {
        try cached.withLock { cached in
            if let cached, cached.expiry.map({ $0 > Date() }) ?? true { return cached.credentials }
            let fresh = try run()
            cached = fresh
            return fresh.credentials
        }
    }

    /// A refused credential is dropped, so that the plugin runs again, as client-go does after a 401.
    public func refused(_ credentials: ClientCredentials) -> Bool {
        cached.withLock { cached in
            if cached?.credentials == credentials { cached = nil }
        }
        return true
    }

    private func run() throws(KubeConfigurationError) -> (credentials: ClientCredentials, expiry: Date?) {
        let executable = try locate()
        let interactive = try isInteractive()
        var environment = baseEnvironment.merging(plugin.environment) { $1 }
        environment["KUBERNETES_EXEC_INFO"] = execInfo(interactive: interactive)
        let outcome: PluginProcess
        do {
            outcome = try PluginProcess.run(
                executable: executable, arguments: plugin.arguments, environment: environment,
                inheritStandardInput: interactive, outputLimit: 1024 * 1024)
        } catch {
            switch error {
            case .cannotStart(let reason):
                throw KubeConfigurationError("cannot run the credential plugin \(executable): \(reason)")
            case .unusableOutput(let failure):
                throw KubeConfigurationError("the credential plugin \(plugin.command) wrote an unusable answer: \(failure.explanation)")
            }
        }
        guard outcome.status == 0 else {
            throw KubeConfigurationError(
                "the credential plugin \(plugin.command) failed with exit status \(outcome.status); run it by hand "
                    + "(\(([plugin.command] + plugin.arguments).joined(separator: " "))) to see why, and log in again if it asks")
        }
        return try parse(outcome.output)
    }

    /// The command's path: a path with a slash as it is (relative to the kubeconfig), a name from PATH.
    private func locate() throws(KubeConfigurationError) -> String {
        let fileManager = FileManager.default
        if plugin.command.contains("/") {
            let path = KubeconfigFiles.resolve(plugin.command, in: plugin.directory)
            if fileManager.isExecutableFile(atPath: path) { return path }
        } else {
            let searchPath = (baseEnvironment.merging(plugin.environment) { $1 })["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
            for directory in searchPath.split(separator: ":") {
                let path = "\(directory)/\(plugin.command)"
                if fileManager.isExecutableFile(atPath: path) { return path }
            }
        }
        var message = "the credential plugin \(plugin.command) of the kubeconfig's user was not found"
        if let hint = plugin.installHint, !hint.isEmpty {
            message += "\n" + hint
        } else {
            message += "; install it, or put its directory in PATH"
        }
        throw KubeConfigurationError(message)
    }

    private func isInteractive() throws(KubeConfigurationError) -> Bool {
        let terminal = isatty(0) == 1
        switch plugin.interactiveMode {
        case "Never": return false
        case "Always":
            guard terminal else {
                throw KubeConfigurationError(
                    "the credential plugin \(plugin.command) needs a terminal (interactiveMode: Always) and standard input is not one; "
                        + "log in with it by hand first, or use a kubeconfig user that needs no interaction")
            }
            return true
        default: return terminal
        }
    }

    private func execInfo(interactive: Bool) -> String {
        let cluster = plugin.cluster.map { ExecInfo.Cluster(fields: $0) }
        let info = ExecInfo(apiVersion: plugin.apiVersion, spec: .init(interactive: interactive, cluster: cluster))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? encoder.encode(info)).map { String(decoding: $0, as: UTF8.self) } ?? ""
    }

    /// `KUBERNETES_EXEC_INFO`, as client-go sets it for the plugin.
    private struct ExecInfo: Encodable {
        struct Spec: Encodable {
            var interactive: Bool
            var cluster: Cluster?
        }

        /// The kubeconfig's cluster fields as strings, but for the one client-go's Cluster has as a boolean.
        struct Cluster: Encodable {
            var fields: [String: String]

            private struct Key: CodingKey {
                var stringValue: String
                var intValue: Int? { nil }
                init(stringValue: String) { self.stringValue = stringValue }
                init?(intValue: Int) { nil }
            }

            func encode(to encoder: any Encoder) throws {
                var container = encoder.container(keyedBy: Key.self)
                for (name, value) in fields {
                    if name == "insecure-skip-tls-verify" {
                        try container.encode(value == "true", forKey: Key(stringValue: name))
                    } else {
                        try container.encode(value, forKey: Key(stringValue: name))
                    }
                }
            }
        }

        var apiVersion: String
        var kind = "ExecCredential"
        var spec: Spec

        init(apiVersion: String, spec: Spec) {
            self.apiVersion = apiVersion
            self.spec = spec
        }
    }

    private struct ExecCredential: Decodable {
        struct Status: Decodable {
            var token: String?
            var clientCertificateData: String?
            var clientKeyData: String?
            var expirationTimestamp: String?
        }

        var apiVersion: String?
        var kind: String?
        var status: Status?
    }

    private func parse(_ bytes: [UInt8]) throws(KubeConfigurationError) -> (credentials: ClientCredentials, expiry: Date?) {
        let unusable = { (why: String) in
            KubeConfigurationError("the credential plugin \(self.plugin.command) printed no usable ExecCredential: \(why)")
        }
        let credential: ExecCredential
        do {
            credential = try JSONDecoder().decode(ExecCredential.self, from: Data(bytes))
        } catch {
            throw unusable("\(error)")
        }
        guard credential.kind == "ExecCredential" else { throw unusable("kind is \(credential.kind ?? "missing")") }
        guard credential.apiVersion == plugin.apiVersion else {
            throw unusable("apiVersion \(credential.apiVersion ?? "missing") differs from the kubeconfig's \(plugin.apiVersion)")
        }
        guard let status = credential.status else { throw unusable("no status") }
        var result = ClientCredentials()
        if let token = status.token, !token.isEmpty {
            result.bearerToken = try BearerToken.checked(token, source: "the credential plugin \(plugin.command)")
        }
        switch (status.clientCertificateData, status.clientKeyData) {
        case (let certificate?, let key?):
            result.certificate = .pem(certificate: Array(certificate.utf8), key: Array(key.utf8))
        case (nil, nil):
            break
        default:
            throw unusable("clientCertificateData and clientKeyData come together")
        }
        guard result.bearerToken != nil || result.certificate != nil else { throw unusable("neither a token nor a client certificate") }
        var expiry: Date?
        if let timestamp = status.expirationTimestamp {
            guard let date = Self.date(rfc3339: timestamp) else { throw unusable("expirationTimestamp \(timestamp) is not RFC 3339") }
            expiry = date
        }
        return (result, expiry)
    }

    private static func date(rfc3339 text: String) -> Date? {
        if let date = try? Date(text, strategy: Date.ISO8601FormatStyle()) { return date }
        return try? Date(text, strategy: Date.ISO8601FormatStyle(includingFractionalSeconds: true))
    }
}
