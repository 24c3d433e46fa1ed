import ArgumentParser
import CapGuardConfig
import CapGuardPolicy

/// Loads `--config` for the offline commands: the embedded default without one; errors exit 2.
enum PolicyLoading {
    static func load(_ path: String?) throws -> PolicySet {
        guard let path else { return .default }
        do {
            return try LoadedPolicy.load(path: path).policies
        } catch {
            printError(error.description)
            throw ExitCode(2)
        }
    }
}
