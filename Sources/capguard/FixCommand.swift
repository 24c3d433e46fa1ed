import ArgumentParser
import CapGuardKube
import CapGuardPolicy
import Glibc

struct FixCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fix",
        abstract: "Apply the safe part of the policy to manifests: drop ALL, and plain capability names in add.",
        discussion: """
            Sets securityContext.capabilities.drop to [ALL] in every container that lacks it (creating \
            securityContext and capabilities where missing; ALL replaces individual drops, CAP_ALL and all) and \
            writes add entries such as cap_chown or CAP_CHOWN as CHOWN. Capabilities beyond the allowlist, unknown \
            names, ALL in add and privileged containers are never changed: they need a decision and are listed \
            as check lists them. Every other byte of a file stays as it was. Files are read as check reads them; \
            a container whose securityContext is written with a YAML anchor, alias or merge key is not edited.
            Without --diff or --write, the fixed text of the one file (or of standard input) is printed.
            Exit status: 0 when everything complies after the fix, 1 when violations remain that need a decision, \
            2 on unreadable input or bad usage (an unreadable file is never changed).
            """
    )

    @Option(help: "Policy file (default: the embedded policy).")
    var config: String?

    @Flag(help: "Print a unified diff of the fix (for patch -p1 or git apply).")
    var diff = false

    @Flag(help: "Write the fixed files in place, atomically, keeping their mode.")
    var write = false

    @Argument(help: "Files or directories to fix, or - for standard input.")
    var paths: [String]

    func validate() throws {
        if paths.isEmpty { throw ValidationError("name at least one file or directory, or - for standard input") }
        if diff && write { throw ValidationError("--diff and --write do not go together") }
        if write && paths.contains("-") { throw ValidationError("--write cannot write standard input; use --diff or no flag") }
    }

    func run() throws {
        let fixer = ManifestFixer(policies: try PolicyLoading.load(config))
        var errors: [ManifestError] = []
        var files: [String] = []
        for path in paths {
            do {
                files += try ManifestFiles.expand([path])
            } catch {
                errors.append(error)
            }
        }
        if !diff && !write && (files.count != 1 || paths.count != 1) {
            throw ValidationError("without --diff or --write, name exactly one file, or - for standard input")
        }
        var remaining = 0
        var changedFiles = 0
        let output: FixOutput = diff ? .diff : write ? .write : .text
        fixer.fix(files: files, output: output) { input in
            errors += input.errors
            guard let fixed = input.fixed else { return }
            errors += fixed.errors
            if write ? input.written : fixed.changed { changedFiles += 1 }
            Self.output(input.output)
            // Lines of the text the user has: the written file, or the original when it was not written.
            func line(_ fixedLine: Int) -> Int { input.written ? fixedLine : fixed.lines.originalLine(ofFixed: fixedLine) }
            for var refusal in fixed.refusals {
                if input.written { refusal.line = fixed.lines.fixedLine(ofOriginal: refusal.line) }
                printError("\(refusal)")
            }
            for object in fixed.checked {
                for finding in object.violations { printError("\(object.source):\(line(finding.line)): \(finding.message)") }
                if object.omittedViolations > 0 {
                    printError("\(object.source):\(line(object.line)): \(object.object): \(ViolationFormatter.moreViolations(object.omittedViolations))")
                }
                remaining += object.violationCount
            }
        }
        for error in errors { printError("error: \(error)") }
        let violations = remaining == 1 ? "1 violation needs" : "\(remaining) violations need"
        let changed = changedFiles == 1 ? "1 file" : "\(changedFiles) files"
        printError("\(changed) \(write ? "fixed" : "to fix"), \(violations) a decision"
                   + (errors.isEmpty ? "" : ", \(errors.count) unreadable"))
        if !errors.isEmpty { throw ExitCode(2) }
        if remaining > 0 { throw ExitCode(1) }
    }

    private static func output(_ bytes: [UInt8]) {
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { Glibc.write(STDOUT_FILENO, $0.baseAddress! + offset, bytes.count - offset) }
            if written < 0 && errno == EINTR { continue }
            guard written > 0 else { return }
            offset += written
        }
    }
}
