import Glibc

/// The standard Prometheus process metrics of the running process, read the way the Go and Python clients read
/// them: CPU time, start time and resident pages from /proc/self/stat, open descriptors from /proc/self/fd, and
/// the descriptor limit from getrlimit.
public struct ProcessStatistics: Sendable, Equatable {
    /// User plus system CPU time.
    public let cpuSeconds: Double
    public let residentBytes: Int
    public let openFileDescriptors: Int
    /// The soft RLIMIT_NOFILE; nil when unlimited.
    public let maxFileDescriptors: Int?
    /// When the process started, in seconds since the Unix epoch.
    public let startTimeSeconds: Double

    /// This process now; nil where /proc is not mounted or reads something unexpected.
    public static func current() -> ProcessStatistics? {
        guard let stat = readFile("/proc/self/stat").flatMap(ProcessStat.init),
            let bootTime = bootTime,
            let openFileDescriptors = countOpenFileDescriptors()
        else { return nil }
        let ticksPerSecond = Double(sysconf(Int32(_SC_CLK_TCK)))
        var limit = rlimit()
        // RLIM_INFINITY is all ones, which no Int holds.
        let maxFileDescriptors: Int? =
            getrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &limit) == 0 ? Int(exactly: limit.rlim_cur) : nil
        return ProcessStatistics(
            cpuSeconds: Double(stat.userTicks + stat.systemTicks) / ticksPerSecond,
            residentBytes: stat.residentPages * sysconf(Int32(_SC_PAGESIZE)),
            openFileDescriptors: openFileDescriptors,
            maxFileDescriptors: maxFileDescriptors,
            startTimeSeconds: Double(bootTime) + Double(stat.startTicks) / ticksPerSecond
        )
    }

    /// Read once: the boot time does not change, and /proc/stat grows with the number of CPUs.
    private static let bootTime = readFile("/proc/stat").flatMap(bootTimeSeconds(procStat:))

    /// The `btime` line of /proc/stat: when the system booted, in seconds since the epoch.
    static func bootTimeSeconds(procStat: String) -> Int? {
        for line in procStat.split(separator: "\n") where line.hasPrefix("btime ") {
            return Int(line.dropFirst("btime ".count))
        }
        return nil
    }

    /// Entries of /proc/self/fd, without the one opendir itself holds while reading it.
    private static func countOpenFileDescriptors() -> Int? {
        guard let directory = opendir("/proc/self/fd") else { return nil }
        defer { closedir(directory) }
        var count = 0
        while let entry = readdir(directory) {
            // Only the name's first byte is read: a record is as long as its name, and copying the entry's
            // fixed 256-byte `d_name` would read past the last record of readdir's buffer.
            let name = UnsafeRawPointer(entry) + MemoryLayout<dirent>.offset(of: \dirent.d_name)!
            let isDot = name.load(as: UInt8.self) == UInt8(ascii: ".")
            if !isDot { count += 1 }
        }
        return count - 1
    }

    /// A whole /proc file; their sizes read as 0, so this reads until end of file.
    private static func readFile(_ path: String) -> String? {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count < 0, errno == EINTR { continue }
            guard count >= 0 else { return nil }
            if count == 0 { break }
            bytes += chunk[..<count]
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}

/// The fields of /proc/[pid]/stat that the process metrics need (proc(5): utime 14, stime 15, starttime 22,
/// rss 24, counted from 1).
struct ProcessStat: Equatable {
    let userTicks: Int
    let systemTicks: Int
    let startTicks: Int
    let residentPages: Int

    init?(_ text: String) {
        // The command name, field 2, is in parentheses and may itself hold spaces and parentheses: the fields
        // that follow start after the last ")".
        guard let close = text.lastIndex(of: ")") else { return nil }
        let fields = text[text.index(after: close)...].split(whereSeparator: { $0 == " " || $0 == "\n" })
        // fields[0] is field 3 (state).
        func field(_ number: Int) -> Int? {
            let index = number - 3
            return fields.indices.contains(index) ? Int(fields[index]) : nil
        }
        guard let user = field(14), let system = field(15), let start = field(22), let resident = field(24) else {
            return nil
        }
        userTicks = user
        systemTicks = system
        startTicks = start
        residentPages = resident
    }
}
