import CapGuardPolicy

/// Text from a manifest or a file name, made safe to print on one line of output: a name with a line
/// break or an escape sequence could otherwise forge lines of the report a CI log shows. Ordinary names
/// stay as they are; others are quoted and escaped as container names are in messages.
public enum ManifestText {
    public static func escaped(_ text: String) -> String {
        let quoted = text.quotedForMessage
        return quoted.utf8.count == text.utf8.count + 2 ? text : quoted
    }

    public static func escaped(_ reference: ObjectReference) -> ObjectReference {
        ObjectReference(kind: escaped(reference.kind), namespace: reference.namespace.map(escaped),
                        name: reference.name.map(escaped))
    }
}
