import CapGuardKube
import Glibc

/// Replaces a file's content all at once: the new text goes to a temporary file in the same directory,
/// which is flushed to disk and renamed over the original, so that a reader (or a crash) sees the old
/// file or the new one, never half of either. The file keeps its mode, and its owner where the process
/// may set it; a symlink keeps pointing at the file it names, which is the one replaced.
enum AtomicFile {
    static func replace(_ path: String, with bytes: [UInt8]) throws(ManifestError) {
        func failure(_ what: String) -> ManifestError {
            ManifestError(source: ManifestFiles.displayName(path), line: 0, column: 0,
                          reason: "cannot write: \(what): \(String(cString: strerror(errno)))")
        }
        guard let resolved = realpath(path, nil) else { throw failure("cannot resolve the path") }
        let target = String(cString: resolved)
        free(resolved)
        var info = stat()
        guard stat(target, &info) == 0 else { throw failure("cannot stat the file") }
        let slash = target.lastIndex(of: "/")!
        let directory = slash == target.startIndex ? "/" : String(target[..<slash])
        var template = Array((directory + "/." + target[target.index(after: slash)...] + ".capguard-XXXXXX").utf8CString)
        let descriptor = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard descriptor >= 0 else { throw failure("cannot create a temporary file beside it") }
        let temporary = String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        var renamed = false
        defer { if !renamed { unlink(temporary) } }
        _ = fchown(descriptor, info.st_uid, info.st_gid)
        guard fchmod(descriptor, info.st_mode & 0o7777) == 0 else { close(descriptor); throw failure("cannot set the mode") }
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress! + offset, bytes.count - offset) }
            if written < 0 && errno == EINTR { continue }
            guard written > 0 else { close(descriptor); throw failure("cannot write the temporary file") }
            offset += written
        }
        guard fsync(descriptor) == 0 else { close(descriptor); throw failure("cannot flush the temporary file") }
        close(descriptor)
        guard rename(temporary, target) == 0 else { throw failure("cannot rename the temporary file over it") }
        renamed = true
        // The rename is durable once the directory is flushed too.
        let directoryDescriptor = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if directoryDescriptor >= 0 {
            fsync(directoryDescriptor)
            close(directoryDescriptor)
        }
    }
}
