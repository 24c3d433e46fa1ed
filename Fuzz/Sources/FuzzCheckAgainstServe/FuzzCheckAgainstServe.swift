import CapGuardKube
import CapGuardPolicy
import CapGuardJSON
import Foundation
import FuzzSupport

/// One JSON object read both ways capguard reads objects: as a manifest by `capguard check` (libyaml and
/// the node decoder) and as the object of an admission request by `serve` (JSONDecoder). When both read it,
/// they must reach the same verdict under the same policy; otherwise the offline gate and the cluster
/// disagree about the same bytes.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzCheckAgainstServe(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let object = Array(UnsafeBufferPointer(start: data, count: size))
    // Only what the apiserver could put in `request.object`: one JSON object, not a list (kubectl sends a
    // list's items one by one, and check reads them so). A repeated key is refused by serve before it is
    // decoded (DuplicateKeyFinder; FuzzFindingsTests holds the input that showed why), so such objects
    // have no reading of serve's to compare.
    guard let parsed = Parsed.object(object), parsed["items"] == nil,
          DuplicateKeyFinder.first(in: object) == nil else { return 0 }
    let read = ManifestParser.parse(object, source: "object.json")
    guard read.errors.isEmpty, read.manifests.count == 1 else { return 0 }
    let checked = ManifestChecker(policies: .default).check(read.manifests[0])
    // An empty request kind, so that an object without apiVersion or kind reads the same in both.
    let body = Array(#"{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":"u","#.utf8)
        + Array(#""kind":{"group":"","version":"","kind":""},"operation":"CREATE","userInfo":{},"object":"#.utf8)
        + object + Array("}}".utf8)
    guard let review = try? JSONDecoder().decode(AdmissionReview.self, from: Data(body)), let request = review.request else {
        return 0
    }
    let outcome = AdmissionReviewer(policies: .default).review(request)
    invariant((checked.status == .violating) == (outcome.decision == .denied),
              "check: \(checked.status) \(checked.violations.map(\.message)); serve: \(outcome.decision) \(outcome.messages)")
    return 0
}
