import CapGuardConfig
import CapGuardPolicy
import FuzzSupport

/// A policy file through parsing and validation. A file is refused with positioned errors or yields a
/// policy, and the effective policy `capguard policy check` prints reads back as the same policy: what a
/// reviewer is shown is what the webhook serves.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzPolicyFile(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    let policies: PolicySet
    do {
        policies = try PolicyFile.parse(text, file: "policy.yaml")
    } catch {
        invariant(!error.errors.isEmpty, "refused without an error")
        invariant(error.errors.allSatisfy { $0.line >= 0 && $0.column >= 0 }, "an error without a position")
        return 0
    }
    let effective = EffectivePolicyDocument.yaml(policies)
    do {
        let reread = try PolicyFile.parse(effective, file: "effective.yaml")
        invariant(reread == policies, "the effective policy reads back differently:\n\(effective)")
    } catch {
        invariant(false, "the effective policy does not read back: \(error)\n\(effective)")
    }
    return 0
}
