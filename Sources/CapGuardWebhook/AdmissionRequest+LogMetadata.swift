import CapGuardJSON
import CapGuardKube
import Logging

extension AdmissionRequest {
    /// What every log line about a request names it by. Text from the request is escaped and cut
    /// (`TextSafety.escaped`), so that no request can make a line large or forge another.
    var logMetadata: Logger.Metadata {
        func text(_ value: String?) -> Logger.Metadata.Value { .string(TextSafety.escaped(value ?? "")) }
        return [
            "uid": text(uid),
            "kind": text(kind.kind),
            "namespace": text(namespace),
            "name": text(object?.metadata.displayName ?? name),
            "operation": text(operation),
            "user": text(userInfo.username),
        ]
    }
}
