/// Pod specs written in many layouts (block and flow, zero or two-space dashes, quotes, comments, block scalars,
/// CRLF, no final line break), each with only violations that the remedy fixes, from a seed that reproduces
/// them: tests of `capguard fix` run them in-process and through kubectl.
public enum GeneratedManifest {
    public static func text(seed: Int) -> String {
        var generator = Generator(state: UInt64(seed))
        return manifest(&generator)
    }

    /// A small deterministic generator (SplitMix64), so that a failure names a seed that reproduces it.
    struct Generator {
        var state: UInt64

        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }

        mutating func pick<T>(_ choices: [T]) -> T { choices[Int(next() % UInt64(choices.count))] }
        mutating func chance(_ percent: UInt64) -> Bool { next() % 100 < percent }
    }

    private static func list(_ items: [String], _ g: inout Generator, indent: String) -> String {
        if items.isEmpty || g.chance(50) { return " [" + items.joined(separator: ", ") + "]" }
        return items.map { "\n" + indent + "- " + $0 }.joined()
    }

    private static func container(_ index: Int, _ g: inout Generator, indent: String) -> String {
        let inner = indent + "  "
        var lines = ["name: c\(index)" + (g.chance(20) ? "   # the name" : "")]
        if g.chance(50) { lines.append("image: " + g.pick(["nginx", "'busybox:1.36'", "\"registry/x:1\""])) }
        let drop = g.pick([nil, [], ["NET_RAW"], ["CAP_ALL"], ["all"], ["ALL"], ["MKNOD", "'ALL'"], ["\"All\""]])
        let add = g.pick([nil, [], ["cap_chown"], ["'CAP_SETUID'", "NET_BIND_SERVICE"], ["\"cap_setgid\""]])
        switch g.pick(["none", "null", "tilde", "empty", "flow", "block"]) {
        case "null": lines.append("securityContext:")
        case "tilde": lines.append("securityContext: ~")
        case "empty": lines.append("securityContext: {}")
        case "flow":
            var members: [String] = []
            if let drop { members.append("drop: [" + drop.joined(separator: ", ") + "]") }
            if let add { members.append("add: [" + add.joined(separator: ", ") + "]") }
            lines.append("securityContext: {runAsNonRoot: true" + (drop == nil && add == nil ? "" : ", capabilities: {" + members.joined(separator: ", ") + "}") + "}")
        case "block":
            var block = "securityContext:"
            if g.chance(50) { block += "\n" + inner + "runAsUser: 1000" }
            if drop != nil || add != nil || g.chance(30) {
                block += "\n" + inner + "capabilities:" + (drop == nil && add == nil ? " {}" : "")
                if let add { block += "\n" + inner + "  add:" + list(add, &g, indent: inner + "    ") }
                if let drop { block += "\n" + inner + "  drop:" + list(drop, &g, indent: inner + "    ") + (g.chance(30) ? "  # drops" : "") }
            }
            if block == "securityContext:" { block += " {}" }
            lines.append(block)
        default: break
        }
        if g.chance(30) { lines.append("args:\n" + indent + "- |" + g.pick(["", "+", "-"]) + "\n" + inner + "text\n") }
        if g.chance(30) { lines.append("env: [{name: A, value: \"1\"}]") }
        if g.chance(20) { lines.append("# a comment at the end of the container") }
        return lines.joined(separator: "\n" + indent)
    }

    private static func manifest(_ g: inout Generator) -> String {
        var documents: [String] = []
        for document in 0..<Int(1 + g.next() % 3) {
            let dash = g.pick(["", "  "])
            let kind = g.pick([("v1", "Pod", ["spec"]), ("apps/v1", "Deployment", ["spec", "template", "spec"]),
                               ("batch/v1", "CronJob", ["spec", "jobTemplate", "spec", "template", "spec"])])
            var text = "apiVersion: \(kind.0)\nkind: \(kind.1)\nmetadata: {name: o\(document)}\n"
            var indent = ""
            for key in kind.2 {
                text += indent + key + ":\n"
                indent += "  "
            }
            for list in ["containers", "initContainers"] where list == "containers" || g.chance(40) {
                let count = Int(1 + g.next() % 3)
                if g.chance(25) {
                    let items = (0..<count).map { "{name: \(list)\($0)" + (g.chance(50) ? ", securityContext: {capabilities: {add: [cap_chown]}}" : "") + "}" }
                    text += indent + list + ": [" + items.joined(separator: ", ") + "]\n"
                } else {
                    text += indent + list + ":\n"
                    for index in 0..<count {
                        let itemIndent = indent + dash + "  "
                        text += indent + dash + "- " + container(index, &g, indent: itemIndent) + "\n"
                    }
                }
            }
            documents.append(text)
        }
        var text = documents.joined(separator: g.pick(["---\n", "--- # next\n"]))
        if g.chance(30) { text = text.replacingOccurrences(of: "\n", with: "\r\n") }
        // "\r\n" is one Character: this drops the final line break of either kind.
        if g.chance(20) { text.removeLast() }
        return text
    }

}
