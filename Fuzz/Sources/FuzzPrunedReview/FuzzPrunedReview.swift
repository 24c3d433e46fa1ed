import CapGuardJSON
import CapGuardKube
import Foundation
import FuzzSupport

/// A body decoded as the webhook decodes it, cut down to `AdmissionReview.decodedFields`, and decoded whole:
/// whenever the pruner vouches for a copy, the copy gives the same review, or fails with the same error, and the
/// pruner counted the values the duplicate-key scan counts and found no repeated key where the scan finds none.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzPrunedReview(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let body = Array(UnsafeBufferPointer(start: data, count: size))
    guard let pruned = JSONPruner.pruned(body, keeping: AdmissionReview.decodedFields) else { return 0 }
    let copy = pruned.bytes
    invariant(copy.count <= body.count, "the copy is longer than the body")
    let scan = DuplicateKeyFinder.scan(body)
    invariant(scan.duplicate == nil, "the pruner vouched for a body that repeats \(String(describing: scan.duplicate))")
    invariant(scan.values == pruned.values, "the pruner counted \(pruned.values) values, the scan \(scan.values)")
    let original = Result { try JSONDecoder().decode(AdmissionReview.self, from: Data(body)) }
    let fromCopy = Result { try JSONDecoder().decode(AdmissionReview.self, from: Data(copy)) }
    switch (original, fromCopy) {
    case (.success(let original), .success(let fromCopy)):
        invariant(original == fromCopy, "the copy decodes to another review: \(original) and \(fromCopy)")
    case (.failure(let original), .failure(let fromCopy)):
        invariant("\(original)" == "\(fromCopy)", "the copy fails otherwise: \(original) and \(fromCopy)")
    default:
        invariant(false, "the body gave \(original), its copy \(fromCopy); copy: \(String(decoding: copy, as: UTF8.self))")
    }
    return 0
}
