import CapGuardKube
import CapGuardPolicy
import FuzzSupport

/// A file through `capguard fix`: what it refuses to read is left byte for byte; fixed text reads again,
/// leaves only what needs a decision (no container the fix would still change, except those it refused to
/// edit), and fixing it again changes nothing and refuses the same containers.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzFix(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let original = Array(UnsafeBufferPointer(start: data, count: size))
    let fixed = Fixing.fixer.fix(original, source: "fuzz.yaml")
    guard fixed.errors.isEmpty else {
        invariant(fixed.bytes == original && !fixed.changed, "a file that could not be fixed was changed")
        return 0
    }
    invariant(fixed.changed || fixed.bytes == original, "unchanged, yet the text differs")
    let reread = ManifestParser.parse(fixed.bytes, source: "fuzz.yaml")
    invariant(reread.errors.isEmpty, "the fixed text does not read: \(reread.errors)")
    invariant(reread.manifests.count == fixed.checked.count, "checked \(fixed.checked.count) of \(reread.manifests.count) objects")
    let refused = Set(fixed.refusals.map(Fixing.key))
    for manifest in reread.manifests {
        for container in Fixing.containersToChange(manifest) {
            invariant(refused.contains(Fixing.key(manifest, container)),
                      "\(manifest.object.reference()) \(container.list) \(container.index) is still to fix")
        }
    }
    let again = Fixing.fixer.fix(fixed.bytes, source: "fuzz.yaml")
    invariant(again.errors.isEmpty, "the fixed text cannot be fixed: \(again.errors)")
    invariant(!again.changed && again.bytes == fixed.bytes, "fixing the fixed text changes it again: \(again.edits)")
    invariant(Set(again.refusals.map(Fixing.key)) == refused, "fixing again refuses other containers")
    return 0
}

private enum Fixing {
    static let fixer = ManifestFixer(policies: .default)

    /// A container as a refusal and a manifest both name it.
    static func key(_ refusal: FixRefusal) -> String {
        "\(refusal.object) \(refusal.container.list) \(refusal.container.index)"
    }

    static func key(_ manifest: Manifest, _ container: ContainerReference) -> String {
        "\(ManifestText.escaped(manifest.object.reference())) \(container.list) \(container.index)"
    }

    /// The containers of `manifest` whose remedy still changes something, where `fix` edits at all.
    static func containersToChange(_ manifest: Manifest) -> Set<ContainerReference> {
        let policies = fixer.policies
        let object = manifest.object
        guard policies.exemptions.matching(namespace: object.metadata.namespace, user: nil, groups: []) == nil,
              let spec = object.podSpec else { return [] }
        return Set(policies.remedy(for: spec, namespace: object.metadata.namespace).changes.map(\.container))
    }
}
