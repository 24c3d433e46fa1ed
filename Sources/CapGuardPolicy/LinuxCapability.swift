/// A Linux capability as the kernel numbers it in `include/uapi/linux/capability.h`.
///
/// This table is the single list of capabilities that capguard knows: the policy uses it to refuse
/// names no kernel has, the policy file uses it to validate allowlists, and `capguard caps` prints it.
public struct LinuxCapability: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The name without the `CAP_` prefix, as Kubernetes manifests spell it (`NET_BIND_SERVICE`).
    public let name: String
    /// The bit number in capability masks (`CapEff:` in `/proc/PID/status`).
    public let bit: Int
    /// What the capability lets a process do, in a full sentence fragment.
    public let summary: String
    /// A few words for places where space is short (admission warnings are cut at 120 characters).
    public let brief: String

    public var description: String { name }

    public static func < (lhs: LinuxCapability, rhs: LinuxCapability) -> Bool { lhs.bit < rhs.bit }

    /// The capabilities of Linux 6.x, in bit order: `CHOWN` is 0, `CHECKPOINT_RESTORE` is 40.
    public static let all: [LinuxCapability] = [
        .init("CHOWN", 0, "change the owner and group of any file", "chown any file"),
        .init("DAC_OVERRIDE", 1, "bypass file read, write and execute permission checks", "bypass file permissions"),
        .init("DAC_READ_SEARCH", 2, "bypass file read and directory search permission checks, open files by handle",
              "read any file"),
        .init("FOWNER", 3, "bypass checks that the process owns a file (chmod, utime, ACLs on any file)",
              "act as owner of any file"),
        .init("FSETID", 4, "keep set-user-ID and set-group-ID bits when modifying files", "keep setuid bits"),
        .init("KILL", 5, "send signals to processes of other users", "signal any process"),
        .init("SETGID", 6, "change group IDs and supplementary groups at will", "switch group IDs"),
        .init("SETUID", 7, "change user IDs at will", "switch user IDs"),
        .init("SETPCAP", 8, "change its own and other threads' capability sets and the bounding set",
              "change capability sets"),
        .init("LINUX_IMMUTABLE", 9, "set the immutable and append-only flags on files", "set immutable flags"),
        .init("NET_BIND_SERVICE", 10, "bind to ports below 1024", "bind ports below 1024"),
        .init("NET_BROADCAST", 11, "make socket broadcasts and listen to multicasts", "broadcast"),
        .init("NET_ADMIN", 12, "configure network interfaces, routes, firewall rules and traffic shaping",
              "configure the network"),
        .init("NET_RAW", 13, "open raw and packet sockets, which can forge any packet", "raw sockets"),
        .init("IPC_LOCK", 14, "lock memory so it cannot be swapped", "lock memory"),
        .init("IPC_OWNER", 15, "bypass permission checks on System V IPC objects", "bypass IPC permissions"),
        .init("SYS_MODULE", 16, "load and unload kernel modules: full control of the host kernel", "load kernel modules"),
        .init("SYS_RAWIO", 17, "raw I/O to devices and ports, including /dev/mem", "raw device I/O"),
        .init("SYS_CHROOT", 18, "call chroot and change mount namespaces", "chroot"),
        .init("SYS_PTRACE", 19, "trace and inspect the memory of any process", "trace any process"),
        .init("SYS_PACCT", 20, "turn process accounting on and off", "process accounting"),
        .init("SYS_ADMIN", 21, "perform a broad set of administration operations (mount, namespaces, devices), close to full root",
              "near-root admin"),
        .init("SYS_BOOT", 22, "reboot the machine and load a new kernel", "reboot the host"),
        .init("SYS_NICE", 23, "raise process priority and set real-time scheduling for any process",
              "raise any priority"),
        .init("SYS_RESOURCE", 24, "override resource limits and quotas", "override limits"),
        .init("SYS_TIME", 25, "set the system clock", "set the clock"),
        .init("SYS_TTY_CONFIG", 26, "configure and hang up terminals", "configure terminals"),
        .init("MKNOD", 27, "create device special files", "create device files"),
        .init("LEASE", 28, "take leases on files it does not own", "lease any file"),
        .init("AUDIT_WRITE", 29, "write records to the kernel audit log", "write audit log"),
        .init("AUDIT_CONTROL", 30, "configure kernel auditing and its rules", "control auditing"),
        .init("SETFCAP", 31, "set file capabilities on executables", "set file capabilities"),
        .init("MAC_OVERRIDE", 32, "override mandatory access control (AppArmor, SELinux, Smack)", "override MAC"),
        .init("MAC_ADMIN", 33, "configure mandatory access control policy", "configure MAC"),
        .init("SYSLOG", 34, "read and clear the kernel log, and see kernel addresses", "kernel log access"),
        .init("WAKE_ALARM", 35, "set alarms that wake the system from suspend", "wake alarms"),
        .init("BLOCK_SUSPEND", 36, "prevent the system from suspending", "block suspend"),
        .init("AUDIT_READ", 37, "read the kernel audit log over netlink", "read audit log"),
        .init("PERFMON", 38, "use performance monitoring and observe other processes", "performance monitoring"),
        .init("BPF", 39, "load BPF programs and create BPF maps", "load BPF programs"),
        .init("CHECKPOINT_RESTORE", 40, "checkpoint and restore processes, choose PIDs", "checkpoint/restore"),
    ]

    /// The capabilities that containerd and CRI-O grant a container that asks for nothing.
    public static let runtimeDefaults: Set<LinuxCapability> = Set(
        ["CHOWN", "DAC_OVERRIDE", "FSETID", "FOWNER", "MKNOD", "NET_RAW", "SETGID", "SETUID", "SETFCAP",
         "SETPCAP", "NET_BIND_SERVICE", "SYS_CHROOT", "KILL", "AUDIT_WRITE"].map { named($0)! }
    )

    private static let byName: [String: LinuxCapability] = Dictionary(uniqueKeysWithValues: all.map { ($0.name, $0) })

    /// Looks up the canonical name exactly (`NET_RAW`); see `CapabilityName` for the spellings manifests use.
    public static func named(_ name: String) -> LinuxCapability? { byName[name] }

    /// Looks up a bit number.
    public static func withBit(_ bit: Int) -> LinuxCapability? { all.indices.contains(bit) ? all[bit] : nil }

    private init(_ name: String, _ bit: Int, _ summary: String, _ brief: String) {
        self.name = name
        self.bit = bit
        self.summary = summary
        self.brief = brief
    }
}
