import CapGuardKube

/// An answer of the API server that is not the list asked for. The description says what the server
/// refused, in its own words, and how to fix it.
public struct APIRequestError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The HTTP status.
    public var status: Int
    /// The server's `Status`, when the body was one.
    public var apiStatus: APIStatus?
    /// The verb (`list`) and the resource asked for.
    public var verb: String
    public var resource: APIResource
    /// nil for every namespace.
    public var namespace: String?
    /// Who asked, such as the kubeconfig user and context, when known.
    public var identity: String?

    public init(status: Int, apiStatus: APIStatus?, verb: String, resource: APIResource, namespace: String?, identity: String?) {
        self.status = status
        self.apiStatus = apiStatus
        self.verb = verb
        self.resource = resource
        self.namespace = namespace
        self.identity = identity
    }

    /// `deployments.apps`, as RBAC and kubectl name a resource.
    private var qualifiedResource: String {
        resource.group.isEmpty ? resource.resource : "\(resource.resource).\(resource.group)"
    }

    private var scope: String {
        namespace.map { "in namespace \($0)" } ?? "in all namespaces"
    }

    private var serverSays: String {
        guard let message = apiStatus?.message, !message.isEmpty else { return "" }
        return " The API server said: \(message)."
    }

    public var description: String {
        let who = identity.map { " (\($0))" } ?? ""
        switch status {
        case 401:
            return "the API server refused the credentials\(who) when asked to \(verb) \(qualifiedResource): the token or "
                + "certificate is not valid (expired? revoked? a kubeconfig of another cluster?).\(serverSays) Log in again or "
                + "refresh the credentials, then check with kubectl get \(qualifiedResource) -A."
        case 403:
            let namespaceFlag = namespace.map { "-n \($0)" } ?? "-A"
            return "RBAC refused to \(verb) \(qualifiedResource) \(scope)\(who).\(serverSays) Grant the verb \(verb) on "
                + "\(qualifiedResource) (a ClusterRole bound to this user or ServiceAccount), and check with "
                + "kubectl auth can-i \(verb) \(qualifiedResource) \(namespaceFlag) --as <user or system:serviceaccount:NS:NAME>."
        case 404:
            return "the API server does not serve \(resource.collectionPath(namespace: namespace)): \(resource.apiVersion) "
                + "\(resource.resource) does not exist in this cluster's Kubernetes version (or the namespace does not exist)."
                + serverSays
        case 410:
            return "the list of \(qualifiedResource) \(scope) expired while it was read page by page: the server compacted the "
                + "snapshot its continue token pointed to.\(serverSays) Try again, or use a larger page size so that a list takes "
                + "fewer pages."
        default:
            let reason = apiStatus?.reason.map { " (\($0))" } ?? ""
            return "the API server answered \(status)\(reason) to \(verb) \(qualifiedResource) \(scope)\(who).\(serverSays)"
        }
    }
}
