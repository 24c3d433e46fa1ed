/// The capability sets of a process, read from the `Cap*:` lines of `/proc/PID/status`.
public struct ProcessCapabilities: Sendable, Hashable {
    /// The sets in the order the kernel prints them.
    public enum SetName: String, Sendable, Hashable, CaseIterable {
        case inheritable = "CapInh"
        case permitted = "CapPrm"
        case effective = "CapEff"
        case bounding = "CapBnd"
        case ambient = "CapAmb"
    }

    public struct Entry: Sendable, Hashable {
        public let name: SetName
        public let mask: CapabilityMask
    }

    /// The sets in the order they appear in the text.
    public let sets: [Entry]

    /// Reads every `Cap*:` line of a status file and ignores the other lines; at least one must be there.
    public init(parsingStatus text: String) throws(ProcessCapabilitiesError) {
        var sets: [Entry] = []
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            guard let colon = line.firstIndex(of: ":"), let name = SetName(rawValue: String(line[..<colon])) else { continue }
            var value = line[line.index(after: colon)...]
            while let first = value.first, first.isWhitespace { value.removeFirst() }
            while let last = value.last, last.isWhitespace { value.removeLast() }
            do {
                sets.append(Entry(name: name, mask: try CapabilityMask(parsing: String(value))))
            } catch {
                throw .badLine(index + 1, String(line), error)
            }
        }
        guard !sets.isEmpty else { throw .noCapabilityLines }
        self.sets = sets
    }
}

public enum ProcessCapabilitiesError: Error, Sendable, CustomStringConvertible {
    case noCapabilityLines
    case badLine(Int, String, CapabilityMaskError)

    public var description: String {
        switch self {
        case .noCapabilityLines: "no CapInh/CapPrm/CapEff/CapBnd/CapAmb lines found (expected the text of /proc/PID/status)"
        case .badLine(let number, let line, let error): "line \(number) (\(line.quotedForMessage)): \(error)"
        }
    }
}
