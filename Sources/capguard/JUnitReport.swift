import CapGuardKube
import CapGuardPolicy

/// `capguard check --output junit`: JUnit XML, which GitLab, Jenkins and Azure Pipelines show as test
/// results. Each file is a test suite and each object in it a test case: a violating object fails with
/// its violations, an exempt object, a Windows pod or an object without a pod spec is skipped, and input
/// that cannot be read is an error.
struct JUnitReport {
    private struct TestCase {
        enum Outcome {
            case passed
            case failed(summary: String, details: [String])
            case skipped(String)
            case error(String)
        }

        let name: String
        let line: Int
        let outcome: Outcome
        /// Advisories, which do not fail the object.
        let output: [String]
    }

    private struct Suite {
        let file: String
        var cases: [TestCase] = []

        func count(_ matches: (TestCase.Outcome) -> Bool) -> Int { cases.count { matches($0.outcome) } }
        var failures: Int { count { if case .failed = $0 { true } else { false } } }
        var errors: Int { count { if case .error = $0 { true } else { false } } }
        var skipped: Int { count { if case .skipped = $0 { true } else { false } } }
    }

    private var suites: [Suite] = []

    init(results: [CheckedObject], errors: [ManifestError]) {
        var index: [String: Int] = [:]
        func add(_ testCase: TestCase, file: String) {
            if index[file] == nil {
                index[file] = suites.count
                suites.append(Suite(file: file))
            }
            suites[index[file]!].cases.append(testCase)
        }
        for object in results {
            add(Self.testCase(object), file: object.source)
        }
        for error in errors {
            let name = error.line > 0 ? "\(error.source):\(error.line):\(error.column)" : error.source
            add(TestCase(name: name, line: error.line, outcome: .error(error.description), output: []), file: error.source)
        }
    }

    private static func testCase(_ object: CheckedObject) -> TestCase {
        let reference = object.object
        let name = [reference.kind, reference.namespace, reference.name ?? "(unnamed)"].compactMap { $0 }.joined(separator: "/")
        var advisories = object.findings.filter { !$0.isViolation }.map { "\(object.source):\($0.line): warning: \($0.message)" }
        if object.omittedAdvisories > 0 {
            advisories.append("\(object.source):\(object.line): warning: \(object.object): \(ViolationFormatter.moreWarnings(object.omittedAdvisories))")
        }
        // What grants allowed, as the text output's notes: a reviewer sees why a capability passed.
        advisories += object.grantUses.map { "\(object.source):\($0.line): note: \($0.message)" }
        if object.omittedGrantUses > 0 {
            advisories.append("\(object.source):\(object.line): note: \(object.object): \(ViolationFormatter.moreGrantUses(object.omittedGrantUses))")
        }
        let outcome: TestCase.Outcome
        switch object.status {
        case .compliant:
            outcome = .passed
        case .violating:
            var details = object.violations.map { "\(object.source):\($0.line): \($0.message)" }
            if object.omittedViolations > 0 {
                details.append("\(object.source):\(object.line): \(object.object): \(ViolationFormatter.moreViolations(object.omittedViolations))")
            }
            let count = object.violationCount
            let rules = Set(object.violations.map(\.rule))
            let ruleList = RuleID.allCases.filter(rules.contains).map(\.rawValue).joined(separator: ", ")
            outcome = .failed(summary: "\(count == 1 ? "1 violation" : "\(count) violations") (\(ruleList))", details: details)
        case .skipped:
            outcome = .skipped("no pod spec")
        case .exempt:
            outcome = .skipped("exempt: " + object.exemptions.joined(separator: ", "))
        case .windowsPod:
            outcome = .skipped("a Windows pod: Linux capabilities do not apply")
        }
        return TestCase(name: name, line: object.line, outcome: outcome, output: advisories)
    }

    var xml: String {
        func attribute(_ text: String) -> String { "\"" + XMLText.escaped(text, inAttribute: true) + "\"" }
        let total = suites.reduce(into: (tests: 0, failures: 0, errors: 0, skipped: 0)) { total, suite in
            total.tests += suite.cases.count
            total.failures += suite.failures
            total.errors += suite.errors
            total.skipped += suite.skipped
        }
        var xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        xml += "<testsuites name=\"capguard check\" tests=\"\(total.tests)\" failures=\"\(total.failures)\" "
            + "errors=\"\(total.errors)\" skipped=\"\(total.skipped)\">\n"
        for suite in suites {
            xml += "  <testsuite name=\(attribute(suite.file)) tests=\"\(suite.cases.count)\" failures=\"\(suite.failures)\" "
                + "errors=\"\(suite.errors)\" skipped=\"\(suite.skipped)\">\n"
            for testCase in suite.cases {
                xml += "    <testcase classname=\(attribute(suite.file)) name=\(attribute(testCase.name)) file=\(attribute(suite.file))"
                if testCase.line > 0 { xml += " line=\"\(testCase.line)\"" }
                var body: [String] = []
                switch testCase.outcome {
                case .passed: break
                case .failed(let summary, let details):
                    body.append("<failure message=\(attribute(summary)) type=\"capguard\">"
                        + XMLText.escaped(details.joined(separator: "\n")) + "</failure>")
                case .skipped(let reason): body.append("<skipped message=\(attribute(reason))/>")
                case .error(let reason): body.append("<error message=\(attribute(reason)) type=\"unreadable\"/>")
                }
                if !testCase.output.isEmpty {
                    body.append("<system-out>" + XMLText.escaped(testCase.output.joined(separator: "\n")) + "</system-out>")
                }
                xml += body.isEmpty ? "/>\n" : ">\n" + body.map { "      " + $0 + "\n" }.joined() + "    </testcase>\n"
            }
            xml += "  </testsuite>\n"
        }
        return xml + "</testsuites>\n"
    }
}
