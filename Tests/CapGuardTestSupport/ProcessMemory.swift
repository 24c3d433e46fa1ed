import Foundation

/// The memory figures of a running process, from /proc/PID/status (Linux).
public struct ProcessMemory: Sendable {
    /// VmHWM: the peak resident set since the process started.
    public let peakResidentBytes: Int
    /// VmRSS: the resident set now.
    public let residentBytes: Int

    /// Nil when the process is gone or the figures are missing.
    public init?(pid: Int32) {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return nil }
        var fields: [Substring: Int] = [:]
        for line in status.split(separator: "\n") {
            let parts = line.split(whereSeparator: { $0 == ":" || $0 == " " || $0 == "\t" })
            // "VmHWM:	   17304 kB"
            if parts.count == 3, parts[2] == "kB", let kibibytes = Int(parts[1]) {
                fields[parts[0]] = kibibytes * 1024
            }
        }
        guard let peak = fields["VmHWM"], let resident = fields["VmRSS"] else { return nil }
        peakResidentBytes = peak
        residentBytes = resident
    }

    /// Set by scripts/sanitize. Under a sanitizer the resident set is mostly the sanitizer's own (shadow
    /// memory, AddressSanitizer's quarantine of freed blocks): hundreds of MiB that say nothing of capguard.
    public static let sanitizer = ProcessInfo.processInfo.environment["CAPGUARD_SANITIZER"]

    /// Whether the peak, plus `extra` bytes charged elsewhere, stays under `bound`; always true under a
    /// sanitizer, where the attacks still run so that the sanitizer sees their paths, and the server must
    /// still answer after them.
    public func peakIsWithin(_ bound: Int, adding extra: Int = 0) -> Bool {
        Self.sanitizer != nil || peakResidentBytes + extra < bound
    }

    public var peakMebibytes: Double { Double(peakResidentBytes) / 1_048_576 }
    public var residentMebibytes: Double { Double(residentBytes) / 1_048_576 }
}
