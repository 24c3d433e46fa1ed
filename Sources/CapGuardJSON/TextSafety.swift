/// The one definition of text that must never reach a reader raw, and the escaping that every message,
/// warning, JSON document and log line of capguard applies to text taken from a request or a manifest.
///
/// Control characters forge lines and terminal sequences; bidi overrides and isolates reorder what a reader
/// sees (a name can display as something it is not); line and paragraph separators break lines in some
/// viewers; zero-width characters make two different names look the same.
public enum TextSafety {
    /// True for a scalar that is escaped wherever capguard writes text.
    public static func mustEscape(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x00...0x1F, 0x7F...0x9F: true // C0 and C1 controls, DEL
        case 0x200B...0x200F: true // zero width space, non-joiner, joiner; left-to-right and right-to-left marks
        case 0x2028, 0x2029: true // line and paragraph separators
        case 0x202A...0x202E: true // bidi embeddings and overrides
        case 0x2060: true // word joiner
        case 0x2066...0x2069: true // bidi isolates
        case 0xFEFF: true // zero width no-break space (byte order mark)
        default: false
        }
    }

    /// `text` in double quotes for a one-line message, with quotes, backslashes and every scalar of
    /// `mustEscape` escaped (`\n`, `\u{202e}`); past `valueLimit` scalars of the original it is cut, and says
    /// so after the closing quote: `"aaa"... (1000 more characters)`.
    public static func quoted(_ text: String) -> String {
        let (body, rest) = escapedBody(text, quotes: true)
        return "\"" + body + "\"" + cutNote(rest)
    }

    /// `text` with every scalar of `mustEscape` escaped as in `quoted`, but no quotes added or escaped, cut
    /// after `valueLimit` scalars: for a log field that holds a value from a request.
    public static func escaped(_ text: String) -> String {
        let (body, rest) = escapedBody(text, quotes: false)
        return body + cutNote(rest)
    }

    /// How many scalars of one value from a request a message or log field shows: more than any valid
    /// Kubernetes name (253), far less than a hostile one.
    public static let valueLimit = 256

    private static func cutNote(_ rest: Int) -> String {
        rest == 0 ? "" : "... (\(rest) more characters)"
    }

    /// The escaped text of the first `valueLimit` scalars, and how many scalars were left out.
    private static func escapedBody(_ text: String, quotes: Bool) -> (String, Int) {
        let limit = valueLimit
        // Most text needs nothing: return it without building a copy (log fields of every admission).
        if text.utf8.count <= limit, !text.unicodeScalars.contains(where: { mustEscape($0) || (quotes && ($0 == "\"" || $0 == "\\")) }) {
            return (text, 0)
        }
        var out = ""
        var shown = 0
        let scalars = text.unicodeScalars
        for scalar in scalars {
            if shown == limit { return (out, scalars.count - shown) }
            shown += 1
            switch scalar {
            case "\"" where quotes: out += "\\\""
            case "\\" where quotes: out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where mustEscape(scalar): out += "\\u{\(String(scalar.value, radix: 16))}"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return (out, 0)
    }
}
