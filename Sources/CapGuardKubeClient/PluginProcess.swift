import CapGuardSystem
import Glibc

/// A credential plugin run to its end: its standard output, read within a bound, and its exit status. Its
/// standard error is the user's, as kubectl lets a plugin print prompts and diagnostics there.
///
/// posix_spawn rather than Foundation's `Process`, which would link the whole of Foundation, ICU's data
/// included, into a binary that must fit a small image.
struct PluginProcess {
    enum Failure: Error {
        case cannotStart(reason: String)
        case unusableOutput(BoundedInput.Failure)
    }

    var output: [UInt8]
    /// The exit status, or 128 plus the signal that ended the plugin, as shells report it.
    var status: Int32

    static func run(
        executable: String, arguments: [String], environment: [String: String], inheritStandardInput: Bool, outputLimit: Int
    ) throws(Failure) -> PluginProcess {
        var pipeEnds: [Int32] = [-1, -1]
        // pipe2 needs _GNU_SOURCE, which Swift's Glibc module does not define: close-on-exec is set after.
        guard pipe(&pipeEnds) == 0 else { throw .cannotStart(reason: String(cString: strerror(errno))) }
        let (readEnd, writeEnd) = (pipeEnds[0], pipeEnds[1])
        _ = fcntl(readEnd, F_SETFD, FD_CLOEXEC)
        _ = fcntl(writeEnd, F_SETFD, FD_CLOEXEC)

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        // dup2 onto 1 clears close-on-exec there; both pipe ends themselves close in the plugin.
        posix_spawn_file_actions_adddup2(&actions, writeEnd, 1)
        if !inheritStandardInput {
            posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        }
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp = environment.sorted { $0.key < $1.key }.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { (argv + envp).forEach { free($0) } }

        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, executable, &actions, nil, argv, envp)
        close(writeEnd)
        guard spawned == 0 else {
            close(readEnd)
            throw .cannotStart(reason: String(cString: strerror(spawned)))
        }
        let output: [UInt8]
        do {
            output = try BoundedInput.read(descriptor: readEnd, limit: outputLimit)
        } catch {
            close(readEnd)
            kill(pid, SIGTERM)
            _ = wait(for: pid)
            throw .unusableOutput(error)
        }
        close(readEnd)
        return PluginProcess(output: output, status: wait(for: pid))
    }

    private static func wait(for pid: pid_t) -> Int32 {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 {
            guard errno == EINTR else { return -1 }
        }
        // WIFEXITED and WEXITSTATUS are macros Swift does not import: the low 7 bits are the terminating
        // signal, zero when the process exited, and the next 8 its exit status.
        let signal = status & 0x7f
        return signal == 0 ? (status >> 8) & 0xff : 128 + signal
    }
}
