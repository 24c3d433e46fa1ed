import CapGuardKube
import Dispatch
import Synchronization

/// What checking one file gave: the objects that could be read, and why the rest could not.
struct CheckedFile: Sendable {
    var objects: [CheckedObject] = []
    var errors: [ManifestError] = []
}

extension ManifestChecker {
    /// Reads, parses and checks files on every core; results come back in the order of `files`.
    func check(files: [String]) -> [CheckedFile] {
        let results = Mutex([CheckedFile?](repeating: nil, count: files.count))
        DispatchQueue.concurrentPerform(iterations: files.count) { index in
            let file = files[index]
            var result = CheckedFile()
            do throws(ManifestError) {
                let parsed = ManifestParser.parse(try ManifestFiles.contents(of: file), source: ManifestFiles.displayName(file))
                result.objects = parsed.manifests.map(check)
                result.errors = parsed.errors
            } catch {
                result.errors = [error]
            }
            results.withLock { $0[index] = result }
        }
        return results.withLock { $0.map { $0! } }
    }
}
