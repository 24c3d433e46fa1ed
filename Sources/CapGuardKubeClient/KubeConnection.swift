import CapGuardSystem
import CapGuardTLS
import FoundationEssentials

/// Everything needed to talk to one API server: its address, how to trust it, and where credentials come
/// from. Made from kubeconfig files as kubectl reads them, or from a pod's ServiceAccount.
public struct KubeConnection: Sendable {
    public var server: APIServerAddress
    public var trust: TLSConfiguration.Trust
    /// The name or address the server's certificate must hold, and the name sent in SNI; the server's host
    /// when nil (a kubeconfig's `tls-server-name` sets another one).
    public var serverName: String?
    public var credentials: any CredentialProvider
    /// The namespace of the kubeconfig context or of the ServiceAccount, if any.
    public var namespace: String?
    /// Who connects, for messages: the context and user, or the ServiceAccount token file.
    public var identity: String
    /// Things the user should know, for stderr: `insecure-skip-tls-verify`, for one.
    public var warnings: [String]

    public init(
        server: APIServerAddress, trust: TLSConfiguration.Trust, serverName: String? = nil, credentials: any CredentialProvider,
        namespace: String? = nil, identity: String, warnings: [String] = []
    ) {
        self.server = server
        self.trust = trust
        self.serverName = serverName
        self.credentials = credentials
        self.namespace = namespace
        self.identity = identity
        self.warnings = warnings
    }

    /// Where a pod finds its ServiceAccount's token, CA and namespace.
    public static let serviceAccountDirectory = "/var/run/secrets/kubernetes.io/serviceaccount"

    /// The connection of a pod to its cluster's API: `KUBERNETES_SERVICE_HOST` and `_PORT`, and the
    /// ServiceAccount's token (re-read as the kubelet rotates it), CA and namespace in `directory`.
    public static func inCluster(
        environment: [String: String] = ProcessInfo.processInfo.environment, directory: String = serviceAccountDirectory
    ) throws(KubeConfigurationError) -> KubeConnection {
        guard let host = environment["KUBERNETES_SERVICE_HOST"], !host.isEmpty,
            let portText = environment["KUBERNETES_SERVICE_PORT"], !portText.isEmpty
        else {
            throw KubeConfigurationError(
                "not running in a Kubernetes pod: KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT are not set; "
                    + "pass --kubeconfig, set KUBECONFIG, or create ~/.kube/config")
        }
        guard let port = Int(portText), (1 ... 65535).contains(port) else {
            throw KubeConfigurationError("KUBERNETES_SERVICE_PORT \"\(portText)\" is not a port number")
        }
        let tokenPath = directory + "/token"
        let caPath = directory + "/ca.crt"
        guard FileManager.default.fileExists(atPath: tokenPath) else {
            throw KubeConfigurationError(
                "the ServiceAccount token \(tokenPath) does not exist: give the pod's ServiceAccount a token "
                    + "(automountServiceAccountToken: true on the pod or its ServiceAccount)")
        }
        guard FileManager.default.fileExists(atPath: caPath) else {
            throw KubeConfigurationError("the cluster CA \(caPath) does not exist")
        }
        let namespace = (try? BoundedInput.read(path: directory + "/namespace", limit: 1024))
            .map { String(String(decoding: $0, as: UTF8.self).trimming { $0.isWhitespace }) }
        return KubeConnection(
            server: APIServerAddress(host: String(host.trimming { $0 == "[" || $0 == "]" }), port: port),
            trust: .roots(caPath: caPath),
            credentials: TokenFileCredentials(path: tokenPath),
            namespace: namespace?.isEmpty == false ? namespace : nil,
            identity: "the pod's ServiceAccount (token \(tokenPath))")
    }

    /// The connection of a kubeconfig context, found as kubectl finds it: `kubeconfig` (`--kubeconfig`) when
    /// given, else the files of `KUBECONFIG` (separated by ':', merged), else `~/.kube/config`; `context`
    /// (`--context`) when given, else the current context. Without any kubeconfig and inside a pod, the
    /// pod's ServiceAccount is used, as client-go does.
    public static func load(
        kubeconfig: String? = nil, context: String? = nil, environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws(KubeConfigurationError) -> KubeConnection {
        let files: KubeconfigFiles
        if let kubeconfig {
            files = try KubeconfigFiles(paths: [kubeconfig], required: true)
        } else if let variable = environment["KUBECONFIG"], !variable.isEmpty {
            files = try KubeconfigFiles(paths: variable.split(separator: ":").map(String.init), required: false)
        } else {
            let home = environment["HOME"] ?? ProcessInfo.processInfo.environment["HOME"] ?? "/"
            let path = home + "/.kube/config"
            if !FileManager.default.fileExists(atPath: path), context == nil, environment["KUBERNETES_SERVICE_HOST"] != nil {
                return try inCluster(environment: environment)
            }
            files = try KubeconfigFiles(paths: [path], required: true)
        }
        return try KubeconfigConnection(files: files, environment: environment).connection(context: context)
    }
}
