import CapGuardKube
import Dispatch
import Synchronization

/// What `capguard fix` does with a fixed file.
enum FixOutput: Sendable {
    /// Print a unified diff.
    case diff
    /// Replace the file.
    case write
    /// Print the fixed text.
    case text
}

/// What fixing one file named on the command line gave, without the file's text: only what is printed.
struct FixedInput: Sendable {
    /// What goes to standard output: the diff or the fixed text.
    var output: [UInt8] = []
    /// Nil when the file could not be read. Its bytes are dropped once `output` is made.
    var fixed: ManifestFixer.FixedFile?
    /// Reading or writing failed.
    var errors: [ManifestError] = []
    /// The fixed text replaced the file.
    var written = false
}

extension ManifestFixer {
    /// Reads, fixes and prints or writes `files` on every core, a batch at a time; `handle` gets each result
    /// in the order of `files`. Each file's text is dropped as soon as its output is made, so that memory
    /// holds what is printed, not every file of a batch.
    func fix(files: [String], output: FixOutput, batch: Int = 64, _ handle: (FixedInput) -> Void) {
        var start = 0
        while start < files.count {
            let slice = Array(files[start..<min(start + batch, files.count)])
            let results = Mutex([FixedInput?](repeating: nil, count: slice.count))
            DispatchQueue.concurrentPerform(iterations: slice.count) { index in
                let result = fix(file: slice[index], output: output)
                results.withLock { $0[index] = result }
            }
            for result in results.withLock({ $0 }) { handle(result!) }
            start += slice.count
        }
    }

    private func fix(file: String, output: FixOutput) -> FixedInput {
        var result = FixedInput()
        do throws(ManifestError) {
            let original = try ManifestFiles.contents(of: file)
            var fixed = fix(original, source: ManifestFiles.displayName(file))
            switch output {
            case .diff:
                let text = UnifiedDiff(path: file == "-" ? "stdin" : file, old: original, new: fixed.bytes).text
                result.output = Array((text ?? "").utf8)
            case .text:
                result.output = fixed.bytes
            case .write:
                guard fixed.changed && fixed.errors.isEmpty else { break }
                do {
                    try AtomicFile.replace(file, with: fixed.bytes)
                    result.written = true
                } catch {
                    result.errors.append(error)
                }
            }
            fixed.bytes = []
            result.fixed = fixed
        } catch {
            result.errors.append(error)
        }
        return result
    }
}
