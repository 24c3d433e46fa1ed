import CapGuardKube
import Dispatch
import Synchronization

/// What fixing one file named on the command line gave.
struct FixedInput: Sendable {
    var original: [UInt8] = []
    /// Nil when the file could not be read.
    var fixed: ManifestFixer.FixedFile?
    /// Reading or writing failed.
    var errors: [ManifestError] = []
    /// The fixed text replaced the file.
    var written = false
}

extension ManifestFixer {
    /// Reads, fixes and, with `write`, replaces `files` on every core, a batch at a time so that memory holds
    /// one batch of files, not all of them; `handle` gets each result in the order of `files`.
    func fix(files: [String], write: Bool, batch: Int = 32, _ handle: (String, FixedInput) -> Void) {
        var start = 0
        while start < files.count {
            let slice = Array(files[start..<min(start + batch, files.count)])
            let results = Mutex([FixedInput?](repeating: nil, count: slice.count))
            DispatchQueue.concurrentPerform(iterations: slice.count) { index in
                let file = slice[index]
                var result = FixedInput()
                do throws(ManifestError) {
                    result.original = try ManifestFiles.contents(of: file)
                    let fixed = fix(result.original, source: ManifestFiles.displayName(file))
                    result.fixed = fixed
                    if write && fixed.changed && fixed.errors.isEmpty {
                        try AtomicFile.replace(file, with: fixed.bytes)
                        result.written = true
                    }
                } catch {
                    result.errors.append(error)
                }
                results.withLock { $0[index] = result }
            }
            for (file, result) in zip(slice, results.withLock { $0 }) { handle(file, result!) }
            start += slice.count
        }
    }
}
