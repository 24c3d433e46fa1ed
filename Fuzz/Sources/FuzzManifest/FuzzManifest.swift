import CapGuardKube
import CapGuardPolicy
import CapGuardYAML
import Foundation
import FuzzSupport

/// A file through `capguard check`'s reading and checking: YAML (or JSON) into documents, documents into
/// objects, objects checked under the default and a strict policy and written as the JSON report. What is
/// refused is refused with a position, every object read gets a verdict, and the strict policy never passes
/// what the default one refuses.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzManifest(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let parsed = ManifestParser.parse(bytes, source: "fuzz.yaml")
    for error in parsed.errors {
        invariant(error.line >= 0 && error.column >= 0, "a refusal at \(error.line):\(error.column)")
    }
    let manifests = parsed.manifests
    for manifest in manifests {
        let byDefault = Checkers.permissive.check(manifest)
        let strictly = Checkers.strict.check(manifest)
        invariant(strictly.status != .compliant || byDefault.status == .compliant,
                  "compliant under the strict policy, \(byDefault.status) under the default")
        for checked in [byDefault, strictly] {
            invariant(checked.findings.allSatisfy { $0.line >= 1 }, "a finding without a line")
            invariant(checked.status != .violating || !checked.violations.isEmpty, "violating without a violation")
            let json = try! JSONEncoder().encode(checked)
            invariant(Parsed.object(Array(json)) != nil, "the report is not a JSON object")
        }
    }
    return 0
}

private enum Checkers {
    static let permissive = ManifestChecker(policies: .default)
    static let strict = ManifestChecker(policies: PolicySet(
        base: Policy(mode: .enforce, allowedCapabilities: [], denyPrivileged: true)
    ))
}
