/// A label value in Prometheus' text format, where a backslash, a double quote and a newline must be escaped.
public enum PrometheusLabelValue {
    public static func escaped(_ value: String) -> String {
        var out = ""
        for character in value {
            switch character {
            case "\\": out += "\\\\"
            case "\"": out += "\\\""
            case "\n": out += "\\n"
            default: out.append(character)
            }
        }
        return out
    }
}
