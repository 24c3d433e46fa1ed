import CapGuardJSON
import CapGuardKube
import Logging

extension AdmissionRequest {
    /// What every log line about a request names it by. Text from the request is escaped and cut
    /// (`TextSafety.escaped`), so that no request can make a line large or forge another.
    var logMetadata: Logger.Metadata {
        func text(_ value: String?) -> Logger.Metadata.Value { .string(TextSafety.escaped(value ?? "")) }
        // Room for what the endpoints add, so that the dictionary is not rebuilt as they do.
        var metadata = Logger.Metadata(minimumCapacity: 16)
        metadata["uid"] = text(uid)
        metadata["kind"] = text(kind.kind)
        metadata["namespace"] = text(namespace)
        metadata["name"] = text(object?.metadata.displayName ?? name)
        metadata["operation"] = text(operation)
        metadata["user"] = text(userInfo.username)
        return metadata
    }
}
