import CapGuardPolicy
import CapGuardYAML

/// Applies the remedy to a manifest file's text (`capguard fix`): the same objects `check` reads, the same
/// exemptions and Windows pods left alone, and edits only where the remedy changes something.
public struct ManifestFixer: Sendable {
    public var policies: PolicySet

    public init(policies: PolicySet) { self.policies = policies }

    /// What fixing one file gave.
    public struct FixedFile: Sendable {
        /// The file's text after the fix; the original when nothing changed or the file could not be read.
        public var bytes: [UInt8]
        public var edits: [TextEdit] = []
        /// Containers whose fix needs a person, with why; their violations stay.
        public var refusals: [FixRefusal] = []
        /// Why the file could not be fixed; when not empty, nothing of the file was changed.
        public var errors: [ManifestError] = []
        /// The objects of the fixed text as `check` sees them, with lines of the fixed text.
        public var checked: [CheckedObject] = []
        /// Where lines moved: findings are at lines of the fixed text, refusals at lines of the original.
        public var lines = FixedLines([], original: [])

        public var changed: Bool { !edits.isEmpty }
    }

    public func fix(_ original: [UInt8], source: String) -> FixedFile {
        var result = FixedFile(bytes: original)
        let parsed = ManifestParser.parse(original, source: source)
        guard parsed.errors.isEmpty else {
            result.errors = parsed.errors
            return result
        }
        let editor = RemedyEditor(bytes: original, isJSON: YAMLParser.isJSONStream(original))
        var changes: [[MadeChange]] = []
        for manifest in parsed.manifests {
            let planned = edits(for: manifest, editor: editor)
            result.edits += planned.edits
            result.refusals += planned.refusals
            changes.append(planned.changes)
        }
        var reread = parsed
        if result.changed {
            guard !original.starts(with: [0xFE, 0xFF]), !original.starts(with: [0xFF, 0xFE]) else {
                result.edits = []
                result.errors = [ManifestError(source: source, line: 0, column: 0,
                                               reason: "capguard fix edits UTF-8 text only; convert the file to UTF-8")]
                return result
            }
            guard let fixed = TextEdit.apply(result.edits, to: original) else {
                return failed(result, original: original, source: source, reason: "two changes of the fix overlap")
            }
            result.bytes = fixed
            result.lines = FixedLines(result.edits, original: original)
            // The fixed text must read as the original plus the remedy, as kubectl would send it; anything else
            // (a value the edit disturbed, a file that no longer reads) leaves the file as it was.
            reread = ManifestParser.parse(fixed, source: source)
            let expected = zip(parsed.manifests, changes).map { manifest, made in
                made.reduce(ReadValue(manifest.node)) { $0.applying($1.change, at: $1.path) }
            }
            guard reread.errors.isEmpty, reread.manifests.map({ ReadValue($0.node) }) == expected else {
                return failed(result, original: original, source: source,
                              reason: "the fixed text would not read as the original plus the fix")
            }
        }
        let checker = ManifestChecker(policies: policies)
        result.checked = reread.manifests.map(checker.check)
        return result
    }

    private func failed(_ result: FixedFile, original: [UInt8], source: String, reason: String) -> FixedFile {
        var failed = result
        failed.edits = []
        failed.bytes = original
        failed.lines = FixedLines([], original: [])
        failed.errors = [ManifestError(source: source, line: 0, column: 0, reason: "cannot fix: \(reason); nothing was changed")]
        return failed
    }

    /// A change made, with the container's path in the object.
    private struct MadeChange {
        let change: Remedy.Change
        let path: FieldPath
    }

    private func edits(for manifest: Manifest, editor: RemedyEditor) -> (edits: [TextEdit], refusals: [FixRefusal], changes: [MadeChange]) {
        let object = manifest.object
        let namespace = object.metadata.namespace
        guard policies.exemptions.matching(namespace: namespace, user: nil, groups: []) == nil,
              let workload = object.workload, let spec = object.podSpec else { return ([], [], []) }
        let remedy = policies.remedy(for: spec, namespace: namespace)
        var edits: [TextEdit] = []
        var refusals: [FixRefusal] = []
        var made: [MadeChange] = []
        let sequenceIndent = Self.sequenceIndent(in: manifest.node.node(at: workload.podSpecPath), bytes: editor.bytes)
        // The changes come container by container; a container is fixed whole or not at all, so that a refusal
        // never leaves half of its fix behind.
        var groups: [[Remedy]] = []
        for change in remedy.changes {
            if groups.last?.first?.container == change.container { groups[groups.count - 1].append(change) } else { groups.append([change]) }
        }
        for group in groups {
            let reference = group[0].container
            let path = reference.path(below: workload.podSpecPath)
            do throws(RemedyEditor.Refusal) {
                let container = try editor.node(at: path, below: manifest.node)
                var containerEdits: [TextEdit] = []
                var containerChanges: [MadeChange] = []
                for change in group {
                    containerChanges.append(MadeChange(change: change.change, path: path))
                    do throws(RemedyEditor.Refusal) {
                        containerEdits += try editor.edits(for: change.change, container: container, sequenceIndent: sequenceIndent)
                    } catch {
                        // Fields below the container are named from the object's root, as everywhere else.
                        switch error {
                        case .sharedText(let field): throw .sharedText(path + field)
                        case .unexpectedShape(let field): throw .unexpectedShape(path + field)
                        }
                    }
                }
                edits += containerEdits
                made += containerChanges
            } catch {
                let (field, sharedText) = switch error {
                case .sharedText(let field): (field, true)
                case .unexpectedShape(let field): (field, false)
                }
                refusals.append(FixRefusal(
                    source: manifest.source, line: manifest.mark(of: reference).line, object: ManifestText.escaped(object.reference()),
                    container: reference, field: field, podSpecPath: workload.podSpecPath, sharedText: sharedText))
            }
        }
        return (edits, refusals, made)
    }

    /// How far a block sequence's dashes sit right of its key in this pod spec (0 or 2 in most files), so
    /// that a new `drop` list is written as the file writes its container lists.
    private static func sequenceIndent(in podSpec: YAMLNode?, bytes: [UInt8]) -> Int {
        guard let pairs = podSpec?.mapping,
              let pair = pairs.first(where: { $0.value.collectionStyle == .block && $0.value.sequence != nil }) else { return 2 }
        func column(_ offset: Int) -> Int {
            var start = offset
            while start > 0, bytes[start - 1] != UInt8(ascii: "\n"), bytes[start - 1] != UInt8(ascii: "\r") { start -= 1 }
            return offset - start
        }
        let indent = column(pair.value.extent.lowerBound) - column(pair.key.extent.lowerBound)
        return indent >= 0 ? indent : 2
    }
}

/// A container the fix leaves alone although the remedy would change it.
public struct FixRefusal: Sendable, Hashable, CustomStringConvertible {
    public let source: String
    /// The container's line in the original text.
    public var line: Int
    public let object: ObjectReference
    public let container: ContainerReference
    /// The field below the container that could not be edited.
    public let field: FieldPath
    public let podSpecPath: FieldPath
    /// True when the field is shared text (an anchor, an alias or a merge); false when it is not the shape
    /// the policy read.
    public let sharedText: Bool

    public var description: String {
        let subject = "\(source):\(line): \(object): \(container.list.noun) \(container.name.quotedForMessage) "
            + "(\(container.path(below: podSpecPath)))"
        guard sharedText else { return "\(subject) not fixed: \(field) is not what the policy expects there" }
        return "\(subject) not fixed: \(field) is written with a YAML anchor, alias or merge key (<<) that other "
            + "places share; edit it by hand, or write the container's own securityContext"
    }
}
