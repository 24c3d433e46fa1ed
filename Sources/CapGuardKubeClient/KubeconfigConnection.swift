import CapGuardSystem
import CapGuardTLS
import FoundationEssentials

/// Turns one context of merged kubeconfig files into a `KubeConnection`, with kubectl's precedence: data
/// fields over file fields, a token file over a token.
struct KubeconfigConnection {
    let files: KubeconfigFiles
    let environment: [String: String]

    private var filesDescription: String { files.paths.joined(separator: ":") }

    func connection(context requested: String?) throws(KubeConfigurationError) -> KubeConnection {
        guard let contextName = requested ?? files.currentContext else {
            throw KubeConfigurationError(
                "the kubeconfig \(filesDescription) sets no current-context; pass --context (kubectl config get-contexts lists them)")
        }
        guard let context = files.contexts[contextName] else {
            let known = files.contexts.keys.sorted().joined(separator: ", ")
            throw KubeConfigurationError(
                "the kubeconfig \(filesDescription) has no context \"\(contextName)\""
                    + (known.isEmpty ? "" : " (it has: \(known))") + "; kubectl config get-contexts lists them")
        }
        guard let clusterName = context.value.cluster, let cluster = files.clusters[clusterName] else {
            throw KubeConfigurationError(
                "the context \"\(contextName)\" names cluster \"\(context.value.cluster ?? "")\", which no kubeconfig file of \(filesDescription) defines")
        }
        var warnings: [String] = []
        let server = try serverAddress(cluster, named: clusterName)
        let trust = try trust(cluster, named: clusterName, server: server, warnings: &warnings)
        if cluster.value.proxyURL?.isEmpty == false {
            throw KubeConfigurationError(
                "the cluster \"\(clusterName)\" goes through proxy-url, which capguard does not support; use a context that reaches the server directly")
        }
        let userName = context.value.user ?? ""
        let user = userName.isEmpty ? nil : files.users[userName]
        if !userName.isEmpty && user == nil {
            throw KubeConfigurationError(
                "the context \"\(contextName)\" names user \"\(userName)\", which no kubeconfig file of \(filesDescription) defines")
        }
        let identity = "user \"\(userName)\" of context \"\(contextName)\""
        let credentials = try user.map { (user) throws(KubeConfigurationError) in
            try self.credentials(user, named: userName, cluster: cluster.value, server: server)
        } ?? FixedCredentials(ClientCredentials())
        let namespace = context.value.namespace.flatMap { $0.isEmpty ? nil : $0 }
        return KubeConnection(
            server: server, trust: trust, serverName: cluster.value.tlsServerName.flatMap { $0.isEmpty ? nil : $0 },
            credentials: credentials, namespace: namespace, identity: identity, warnings: warnings)
    }

    private func serverAddress(_ cluster: KubeconfigFiles.Entry<Kubeconfig.Cluster>, named name: String) throws(KubeConfigurationError) -> APIServerAddress {
        guard let server = cluster.value.server, !server.isEmpty else {
            throw KubeConfigurationError("the cluster \"\(name)\" in \(cluster.file) has no server")
        }
        do {
            return try APIServerAddress(url: server)
        } catch {
            throw KubeConfigurationError("the cluster \"\(name)\" in \(cluster.file): \(error)")
        }
    }

    private func trust(
        _ cluster: KubeconfigFiles.Entry<Kubeconfig.Cluster>, named name: String, server: APIServerAddress, warnings: inout [String]
    ) throws(KubeConfigurationError) -> TLSConfiguration.Trust {
        let value = cluster.value
        let hasCA = value.certificateAuthorityData?.isEmpty == false || value.certificateAuthority?.isEmpty == false
        if value.insecureSkipTLSVerify == true {
            // kubectl refuses the same combination: a CA that is then not used would mislead.
            guard !hasCA else {
                throw KubeConfigurationError(
                    "the cluster \"\(name)\" sets both a certificate authority and insecure-skip-tls-verify; remove one of them")
            }
            warnings.append(
                "warning: the cluster \"\(name)\" sets insecure-skip-tls-verify: the API server \(server) is not verified, "
                    + "and anyone on the network path can read the token and forge the answers; set its certificate-authority instead")
            return .anyCertificate
        }
        if let data = value.certificateAuthorityData, !data.isEmpty {
            return .rootsPEM(try decodeBase64(data, field: "certificate-authority-data of cluster \"\(name)\""))
        }
        if let path = value.certificateAuthority, !path.isEmpty {
            let resolved = KubeconfigFiles.resolve(path, in: cluster.directory)
            guard FileManager.default.isReadableFile(atPath: resolved) else {
                throw KubeConfigurationError("cannot read the certificate-authority \(resolved) of cluster \"\(name)\" (in \(cluster.file))")
            }
            return .roots(caPath: resolved)
        }
        return .systemRoots
    }

    private func credentials(
        _ user: KubeconfigFiles.Entry<Kubeconfig.User>, named name: String, cluster: Kubeconfig.Cluster, server: APIServerAddress
    ) throws(KubeConfigurationError) -> any CredentialProvider {
        let value = user.value
        if let provider = value.authProvider?.name {
            throw KubeConfigurationError(
                "the user \"\(name)\" uses the auth-provider \"\(provider)\", which kubectl removed in 1.26; "
                    + "use its exec credential plugin instead (gke-gcloud-auth-plugin, kubelogin, ...)")
        }
        if value.username?.isEmpty == false || value.password?.isEmpty == false {
            throw KubeConfigurationError(
                "the user \"\(name)\" authenticates with username and password, which kube-apiserver no longer accepts "
                    + "(basic authentication was removed in Kubernetes 1.19); use a token, a client certificate or an exec plugin")
        }
        let certificate = try clientCertificate(user, named: name)
        if let exec = value.exec {
            guard certificate == nil, value.token == nil, value.tokenFile == nil else {
                throw KubeConfigurationError("the user \"\(name)\" sets exec together with a token or client certificate; keep one of them")
            }
            return ExecCredentialProvider(plugin: try plugin(exec, user: user, named: name, cluster: cluster, server: server), environment: environment)
        }
        if let tokenFile = value.tokenFile, !tokenFile.isEmpty {
            return TokenFileCredentials(path: KubeconfigFiles.resolve(tokenFile, in: user.directory), certificate: certificate)
        }
        var token: String?
        if let text = value.token, !text.isEmpty {
            token = try BearerToken.checked(text, source: "the token of user \"\(name)\"")
        }
        return FixedCredentials(ClientCredentials(bearerToken: token, certificate: certificate))
    }

    private func clientCertificate(
        _ user: KubeconfigFiles.Entry<Kubeconfig.User>, named name: String
    ) throws(KubeConfigurationError) -> TLSConfiguration.CertificateSource? {
        let value = user.value
        let certificateData = value.clientCertificateData.flatMap { $0.isEmpty ? nil : $0 }
        let certificatePath = value.clientCertificate.flatMap { $0.isEmpty ? nil : KubeconfigFiles.resolve($0, in: user.directory) }
        let keyData = value.clientKeyData.flatMap { $0.isEmpty ? nil : $0 }
        let keyPath = value.clientKey.flatMap { $0.isEmpty ? nil : KubeconfigFiles.resolve($0, in: user.directory) }
        let hasCertificate = certificateData != nil || certificatePath != nil
        let hasKey = keyData != nil || keyPath != nil
        guard hasCertificate || hasKey else { return nil }
        guard hasCertificate && hasKey else {
            throw KubeConfigurationError("the user \"\(name)\" has a client certificate without its key, or a key without its certificate")
        }
        if certificateData == nil && keyData == nil, let certificatePath, let keyPath {
            return .files(certificatePath: certificatePath, keyPath: keyPath)
        }
        let certificate = if let certificateData {
            try decodeBase64(certificateData, field: "client-certificate-data of user \"\(name)\"")
        } else {
            try readFile(certificatePath ?? "", field: "client-certificate of user \"\(name)\"")
        }
        let key = if let keyData {
            try decodeBase64(keyData, field: "client-key-data of user \"\(name)\"")
        } else {
            try readFile(keyPath ?? "", field: "client-key of user \"\(name)\"")
        }
        return .pem(certificate: certificate, key: key)
    }

    private func plugin(
        _ exec: Kubeconfig.ExecConfig, user: KubeconfigFiles.Entry<Kubeconfig.User>, named name: String, cluster: Kubeconfig.Cluster,
        server: APIServerAddress
    ) throws(KubeConfigurationError) -> ExecCredentialProvider.Plugin {
        guard let command = exec.command, !command.isEmpty else {
            throw KubeConfigurationError("the exec plugin of user \"\(name)\" has no command")
        }
        let apiVersion = exec.apiVersion ?? ""
        guard ExecCredentialProvider.apiVersions.contains(apiVersion) else {
            throw KubeConfigurationError(
                "the exec plugin of user \"\(name)\" has apiVersion \"\(apiVersion)\"; capguard speaks "
                    + ExecCredentialProvider.apiVersions.joined(separator: " and ") + " (update the plugin and its kubeconfig entry)")
        }
        // v1 requires the mode; v1beta1 defaults it to IfAvailable.
        let interactiveMode = exec.interactiveMode ?? "IfAvailable"
        guard ["Never", "IfAvailable", "Always"].contains(interactiveMode) else {
            throw KubeConfigurationError("the exec plugin of user \"\(name)\" has interactiveMode \"\(interactiveMode)\" (Never, IfAvailable or Always)")
        }
        var clusterInfo: [String: String]?
        if exec.provideClusterInfo == true {
            var info = ["server": server.description]
            info["tls-server-name"] = cluster.tlsServerName
            info["certificate-authority-data"] = cluster.certificateAuthorityData
            if cluster.insecureSkipTLSVerify == true { info["insecure-skip-tls-verify"] = "true" }
            clusterInfo = info
        }
        return ExecCredentialProvider.Plugin(
            command: command, arguments: exec.args ?? [],
            environment: Dictionary((exec.env ?? []).map { ($0.name, $0.value) }) { $1 },
            apiVersion: apiVersion, installHint: exec.installHint, interactiveMode: interactiveMode, cluster: clusterInfo,
            directory: user.directory)
    }

    private func decodeBase64(_ text: String, field: String) throws(KubeConfigurationError) -> [UInt8] {
        guard let data = Data(base64Encoded: text, options: .ignoreUnknownCharacters), !data.isEmpty else {
            throw KubeConfigurationError("the \(field) is not base64")
        }
        return Array(data)
    }

    private func readFile(_ path: String, field: String) throws(KubeConfigurationError) -> [UInt8] {
        do {
            return try BoundedInput.read(path: path, limit: 1024 * 1024)
        } catch {
            throw KubeConfigurationError("cannot read the \(field), \(path): \(error.explanation)")
        }
    }
}
