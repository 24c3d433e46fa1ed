/// Text made safe for XML 1.0 content and attribute values.
///
/// Names and messages are already escaped for terminals, but the XML must stay well formed whatever it
/// carries: markup characters become entities, and the characters XML 1.0 forbids even as character
/// references (C0 controls other than tab, line feed and carriage return; U+FFFE, U+FFFF) are written as
/// the `\u{1b}` escapes capguard prints elsewhere.
enum XMLText {
    static func escaped(_ text: String, inAttribute: Bool = false) -> String {
        var escaped = ""
        escaped.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": escaped += "&amp;"
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            case "\"" where inAttribute: escaped += "&quot;"
            // A parser turns tabs and line breaks in attributes into spaces unless they are references, and
            // a carriage return anywhere into a line feed.
            case "\t" where inAttribute: escaped += "&#9;"
            case "\n" where inAttribute: escaped += "&#10;"
            case "\r": escaped += "&#13;"
            case "\t", "\n": escaped.unicodeScalars.append(scalar)
            case "\u{0}"..."\u{1F}", "\u{FFFE}", "\u{FFFF}":
                escaped += "\\u{" + String(scalar.value, radix: 16) + "}"
            default: escaped.unicodeScalars.append(scalar)
            }
        }
        return escaped
    }
}
