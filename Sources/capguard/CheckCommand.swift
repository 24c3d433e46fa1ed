import ArgumentParser
import CapGuardKube
import CapGuardPolicy
import FoundationEssentials

struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Check manifests against the capability policy, offline.",
        discussion: """
            Reads YAML (multi-document) and JSON files as kubectl reads them, including lists, and directories \
            recursively (*.yaml, *.yml, *.json, hidden ones too); - reads standard input. Every object that \
            carries a pod spec is checked; other objects are skipped. A construct kubectl may read differently \
            is refused with its line and column. At most 64 MiB are read of each input.
            Exit status: 0 when every object complies, 1 when any violates, 2 on unreadable input or bad usage.
            """
    )

    @Option(help: "Policy file (default: the embedded policy).")
    var config: String?

    @Option(help: "text, json, sarif (SARIF 2.1.0, for code scanning) or junit (JUnit XML, for CI test reports).")
    var output: CheckOutputFormat = .text

    @Option(name: [.customShort("f"), .customLong("filename")],
            help: ArgumentHelp("Files or directories to check, or - for standard input, as kubectl's -f: repeatable, and commas separate paths.",
                               valueName: "path"))
    var filenames: [String] = []

    @Argument(help: "Files or directories to check, or - for standard input.")
    var paths: [String] = []

    func validate() throws {
        if paths.isEmpty && filenames.isEmpty {
            throw ValidationError("name at least one file or directory, or - for standard input")
        }
    }

    func run() throws {
        let checker = ManifestChecker(policies: try PolicyLoading.load(config))
        var results: [CheckedObject] = []
        var errors: [ManifestError] = []
        var files: [String] = []
        let inputs = filenames.flatMap { $0.split(separator: ",").map(String.init) } + paths
        for path in inputs {
            do {
                files += try ManifestFiles.expand([path])
            } catch {
                errors.append(error)
            }
        }
        for file in checker.check(files: files) {
            results += file.objects
            errors += file.errors
        }
        let report = CheckReport(results: results, errors: errors)
        let status: Int32 = !errors.isEmpty ? 2 : report.summary.violating > 0 ? 1 : 0
        switch output {
        case .text: report.printText()
        case .json: print(try JSONOutput.string(report))
        case .sarif:
            let sarif = SARIFReport(results: results, errors: errors, paths: files + inputs, exitCode: status)
            print(try JSONOutput.string(sarif))
        case .junit: print(JUnitReport(results: results, errors: errors).xml, terminator: "")
        }
        if status != 0 { throw ExitCode(status) }
    }
}

/// What `capguard check` prints.
struct CheckReport: Encodable {
    struct Summary: Encodable {
        var checked = 0
        var violating = 0
        var violations = 0
        var skipped = 0
        var exempt = 0
        var errors = 0
    }

    let results: [CheckedObject]
    let errors: [String]
    let summary: Summary

    init(results: [CheckedObject], errors: [ManifestError]) {
        self.results = results
        self.errors = errors.map(\.description)
        var summary = Summary()
        for result in results {
            switch result.status {
            case .skipped: summary.skipped += 1
            case .exempt: summary.exempt += 1
            case .compliant, .windowsPod: summary.checked += 1
            case .violating:
                summary.checked += 1
                summary.violating += 1
                summary.violations += result.violationCount
            }
        }
        summary.errors = errors.count
        self.summary = summary
    }

    func printText() {
        for result in results {
            for finding in result.findings {
                print("\(result.source):\(finding.line): \(finding.isViolation ? "" : "warning: ")\(finding.message)")
            }
            // Findings past FindingLimits are counted, not printed: one object cannot print without bound.
            if result.omittedViolations > 0 {
                print("\(result.source):\(result.line): \(result.object): \(ViolationFormatter.moreViolations(result.omittedViolations))")
            }
            if result.omittedAdvisories > 0 {
                print("\(result.source):\(result.line): warning: \(result.object): \(ViolationFormatter.moreWarnings(result.omittedAdvisories))")
            }
            for use in result.grantUses { print("\(result.source):\(use.line): note: \(use.message)") }
            if result.omittedGrantUses > 0 {
                print("\(result.source):\(result.line): note: \(result.object): \(ViolationFormatter.moreGrantUses(result.omittedGrantUses))")
            }
        }
        for error in errors { printError("error: \(error)") }
        let violations = summary.violations == 1 ? "1 violation" : "\(summary.violations) violations"
        var line = "\(summary.checked) checked, \(summary.violating) violating (\(violations)), "
            + "\(summary.skipped) skipped without a pod spec"
        if summary.exempt > 0 { line += ", \(summary.exempt) exempt" }
        if summary.errors > 0 { line += ", \(summary.errors) unreadable" }
        print(line)
    }
}
