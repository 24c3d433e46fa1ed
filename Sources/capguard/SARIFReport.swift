import CapGuardKube
import CapGuardPolicy
import CapGuardWebhook

/// `capguard check --output sarif`: a SARIF 2.1.0 log for code scanning (GitHub, GitLab, Azure DevOps).
///
/// One rule per policy rule and one result per violation or advisory, located at the container it
/// concerns, as the text output's lines are. Input that cannot be read is a tool execution notification,
/// and makes the invocation unsuccessful: the exit status stays that of the text output.
struct SARIFReport: Encodable {
    let schema = "https://json.schemastore.org/sarif-2.1.0.json"
    let version = "2.1.0"
    let runs: [Run]

    private enum CodingKeys: String, CodingKey {
        case schema = "$schema"
        case version, runs
    }

    /// `paths` are the paths as given and as found below directories: the URIs are made from them, where
    /// the results only know how messages print a path.
    init(results: [CheckedObject], errors: [ManifestError], paths: [String], exitCode: Int32) {
        var pathByDisplayName: [String: String] = [:]
        for path in paths { pathByDisplayName[ManifestFiles.displayName(path)] = path }
        func artifact(_ source: String) -> ArtifactLocation? {
            guard let path = pathByDisplayName[source], path != "-" else { return nil }
            return ArtifactLocation(path: path)
        }

        let rules = RuleID.allCases
        var sarifResults: [Result] = []
        var notifications: [Notification] = []
        for object in results {
            let file = artifact(object.source)
            for finding in object.findings {
                let field = "\(object.object): \(finding.field)"
                sarifResults.append(Result(
                    ruleId: finding.rule.rawValue, ruleIndex: rules.firstIndex(of: finding.rule)!,
                    level: finding.isViolation ? "error" : "warning", message: Message(text: finding.message),
                    locations: [Location(
                        physicalLocation: file.map { PhysicalLocation(artifactLocation: $0, line: finding.position.line, column: finding.position.column) },
                        logicalLocations: [LogicalLocation(fullyQualifiedName: field, kind: "property")])]))
            }
            // Findings past FindingLimits are counted, not listed, as in the text output.
            let omitted = [
                (object.omittedViolations, ViolationFormatter.moreViolations(object.omittedViolations)),
                (object.omittedAdvisories, ViolationFormatter.moreWarnings(object.omittedAdvisories)),
            ]
            for (count, text) in omitted where count > 0 {
                notifications.append(Notification(
                    level: "warning", message: Message(text: "\(object.object): \(text)"),
                    locations: file.map { [Location(physicalLocation: PhysicalLocation(artifactLocation: $0, line: object.line, column: nil))] }))
            }
        }
        for error in errors {
            let location = artifact(error.source).map {
                Location(physicalLocation: PhysicalLocation(artifactLocation: $0, line: error.line > 0 ? error.line : nil,
                                                            column: error.column > 0 ? error.column : nil))
            }
            notifications.append(Notification(level: "error", message: Message(text: error.description),
                                              locations: location.map { [$0] }))
        }
        runs = [Run(
            tool: Tool(driver: Driver(rules: rules.map { Rule(RuleDocumentation($0)) })),
            invocations: [Invocation(executionSuccessful: errors.isEmpty, exitCode: Int(exitCode),
                                     toolExecutionNotifications: notifications)],
            results: sarifResults)]
    }

    struct Run: Encodable {
        let tool: Tool
        let invocations: [Invocation]
        let results: [Result]
        /// Columns are counted as YAMLMark counts them, not in the default UTF-16 code units.
        let columnKind = "unicodeCodePoints"
    }

    struct Tool: Encodable {
        let driver: Driver
    }

    struct Driver: Encodable {
        let name = "capguard"
        let version = BuildInfo.version
        let informationUri = RuleDocumentation.projectURI
        let rules: [Rule]
    }

    struct Rule: Encodable {
        let id: String
        let name: String
        let shortDescription: Message
        let fullDescription: Message
        let help: Help
        let helpUri: String
        let defaultConfiguration: Configuration

        init(_ documentation: RuleDocumentation) {
            id = documentation.id.rawValue
            name = documentation.name
            shortDescription = Message(text: documentation.shortDescription)
            fullDescription = Message(text: documentation.fullDescription)
            help = Help(text: documentation.help, markdown: documentation.markdownHelp)
            helpUri = RuleDocumentation.helpURI
            defaultConfiguration = Configuration(level: documentation.id == .dropAllSpelling ? "warning" : "error")
        }
    }

    struct Help: Encodable {
        let text: String
        let markdown: String
    }

    struct Configuration: Encodable {
        let level: String
    }

    struct Message: Encodable {
        let text: String
    }

    struct Result: Encodable {
        let ruleId: String
        let ruleIndex: Int
        let level: String
        let message: Message
        let locations: [Location]
    }

    struct Location: Encodable {
        var physicalLocation: PhysicalLocation?
        var logicalLocations: [LogicalLocation]?
    }

    struct LogicalLocation: Encodable {
        let fullyQualifiedName: String
        let kind: String
    }

    struct PhysicalLocation: Encodable {
        struct Region: Encodable {
            let startLine: Int
            let startColumn: Int?
        }

        let artifactLocation: ArtifactLocation
        let region: Region?

        init(artifactLocation: ArtifactLocation, line: Int?, column: Int?) {
            self.artifactLocation = artifactLocation
            region = line.map { Region(startLine: $0, startColumn: column) }
        }
    }

    /// A file as a URI reference: a relative path stays relative to the checkout (`%SRCROOT%`, which code
    /// scanning resolves), an absolute one becomes a `file:` URI.
    struct ArtifactLocation: Encodable {
        let uri: String
        let uriBaseId: String?

        init(path: String) {
            if path.hasPrefix("/") {
                uri = "file://" + Self.percentEncoded(path)
                uriBaseId = nil
            } else {
                uri = Self.percentEncoded(path.hasPrefix("./") ? String(path.dropFirst(2)) : path)
                uriBaseId = "%SRCROOT%"
            }
        }

        /// Everything but unreserved characters and `/` is percent-encoded (RFC 3986), so that a name with
        /// spaces, `#`, `?` or a `:` in its first segment stays one path.
        static func percentEncoded(_ path: String) -> String {
            var encoded = ""
            for byte in path.utf8 {
                switch byte {
                case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                     UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
                     UInt8(ascii: "~"), UInt8(ascii: "/"):
                    encoded.unicodeScalars.append(Unicode.Scalar(byte))
                default:
                    encoded += "%" + String(byte >> 4, radix: 16, uppercase: true) + String(byte & 15, radix: 16, uppercase: true)
                }
            }
            return encoded
        }
    }

    struct Invocation: Encodable {
        let executionSuccessful: Bool
        let exitCode: Int
        let toolExecutionNotifications: [Notification]
    }

    struct Notification: Encodable {
        let level: String
        let message: Message
        let locations: [Location]?
    }
}
