import CapGuardJSON

/// Splits an origin-form request target into its path and decoded query parameters.
enum RequestTarget {
    static func split(_ target: String) -> (path: String, query: [String: String]) {
        guard let question = target.firstIndex(of: "?") else {
            return (target, [:])
        }
        let path = String(target[..<question])
        var query: [String: String] = [:]
        for pair in target[target.index(after: question)...].split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = percentDecoded(parts[0])
            guard !name.isEmpty else { continue }
            query[name] = parts.count == 2 ? percentDecoded(parts[1]) : ""
        }
        return (path, query)
    }

    /// Form decoding: "+" is a space and "%XY" a byte; a malformed escape is kept as it is.
    static func percentDecoded(_ text: Substring) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count)
        var iterator = Array(text.utf8)[...]
        while let byte = iterator.popFirst() {
            if byte == UInt8(ascii: "+") {
                bytes.append(ASCII.space)
            } else if byte == UInt8(ascii: "%"), iterator.count >= 2,
                let high = HexDigit.value(iterator[iterator.startIndex]),
                let low = HexDigit.value(iterator[iterator.startIndex + 1])
            {
                bytes.append(UInt8(high * 16 + low))
                iterator = iterator.dropFirst(2)
            } else {
                bytes.append(byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
