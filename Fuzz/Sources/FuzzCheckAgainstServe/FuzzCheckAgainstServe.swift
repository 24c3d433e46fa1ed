import CapGuardKube
import CapGuardPolicy
import CapGuardYAML
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
    // list's items one by one, and check reads them so). Duplicate keys are a known disagreement
    // (JSONDecoder keeps the first, check the last: issue 11), skipped so that the run goes on to find
    // others; FuzzFindingsTests holds the input that showed it.
    guard let parsed = Parsed.object(object), parsed["items"] == nil,
          let documents = try? YAMLParser.parse(object), !documents.contains(where: { $0.root?.hasDuplicateKeys == true }),
          let manifests = try? ManifestParser.parse(object, source: "object.json"), manifests.count == 1 else { return 0 }
    let checked = ManifestChecker(policies: .default).check(manifests[0])
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

extension YAMLNode {
    var hasDuplicateKeys: Bool {
        switch content {
        case .scalar:
            return false
        case .sequence(let items):
            return items.contains { $0.hasDuplicateKeys }
        case .mapping(let pairs):
            let keys = pairs.compactMap { $0.key.scalar?.value }
            return Set(keys).count != keys.count || pairs.contains { $0.value.hasDuplicateKeys }
        }
    }
}
