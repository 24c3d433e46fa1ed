import CapGuardKube
import CapGuardServer
import CapGuardWebhook
import Foundation
import Logging
import Testing

/// Inputs the fuzz targets (scripts/fuzz) found, kept so that what they showed stays fixed.
@Suite("Fuzz findings")
struct FuzzFindingsTests {
    private let endpoint = AdmissionEndpoint(
        policies: .fixed(.embeddedDefault), metrics: WebhookMetrics(),
        logger: Logger(label: "capguard") { _ in SwiftLogNoOpLogHandler() }, forceAudit: false
    )

    private func review(_ object: String) -> [UInt8] {
        Array(#"""
        {"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":"u","kind":{"group":"","version":"v1","kind":"Pod"},"operation":"CREATE","userInfo":{},"object":\#(object)}}
        """#.utf8)
    }

    /// Found by the agreement target: the second `spec` holds a privileged container. `capguard check`
    /// keeps the last of duplicate keys (as Go's encoding/json and kubectl do) and reports it; the webhook's
    /// JSONDecoder kept the first and allowed the pod. The webhook now refuses the body (400, which the
    /// apiserver's failurePolicy Fail turns into a denial).
    @Test("an object that repeats a key is not allowed when its last reading violates")
    func duplicateKeyIsNotAllowed() throws {
        let object = #"{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},"spec":{"containers":[]},"#
            + #""spec":{"containers":[{"name":"c","securityContext":{"privileged":true}}]}}"#
        let read = ManifestParser.parse(Array(object.utf8), source: "object.json")
        #expect(read.errors.isEmpty)
        #expect(ManifestChecker(policies: .default).check(try #require(read.manifests.first)).status == .violating)

        let response = endpoint.handle(HTTPRequest(method: "POST", path: "/validate", body: review(object)))
        #expect(response.status == 400)
        #expect(String(decoding: response.body, as: UTF8.self).contains(#"repeats the key "spec""#))
    }
}
