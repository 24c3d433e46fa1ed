import Foundation

/// Kernel memory of the TCP connections a server accepted on a port, from `ss -tm`: what the pod's memory
/// cgroup is charged for besides the resident set.
public enum SocketMemory {
    /// Bytes received and not yet read, queued to send, and reserved, over every established connection
    /// whose local port is `port`; nil when `ss` cannot be run.
    public static func ofServer(port: Int) -> Int? {
        let result = Command.run("/usr/bin/env", ["ss", "-tmnH", "state", "established", "( sport = :\(port) )"])
        guard result.status == 0 else { return nil }
        let output = result.standardOutput
        // skmem:(r<rmem_alloc>,rb<rcvbuf>,t<wmem_alloc>,tb<sndbuf>,f<forward_alloc>,w<wmem_queued>,...);
        // what is sent and not yet acknowledged is in both t and w, so t is left out.
        var total = 0
        for field in output.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "\t" }) where field.hasPrefix("skmem:(") {
            for item in field.dropFirst("skmem:(".count).dropLast().split(separator: ",") {
                let name = item.prefix { $0.isLetter }
                if ["r", "f", "w"].contains(name), let value = Int(item.dropFirst(name.count)) {
                    total += value
                }
            }
        }
        return total
    }
}
