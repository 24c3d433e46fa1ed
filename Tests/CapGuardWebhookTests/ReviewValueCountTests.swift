import Foundation
import Testing
import CapGuardTestSupport

/// A captured review whose object carries `count` tiny values the policy never reads: what a decoder
/// allocates grows with them, not with the bytes.
func reviewWithValues(_ count: Int) throws -> Data {
    try Fixtures.edited("pod-create-no-drop.json") { request in
        var object = request["object"] as! [String: Any]
        object["junk"] = [Int](repeating: 0, count: count)
        request["object"] = object
    }
}

@Suite("Reviews with more values than capguard decodes")
struct ReviewValueCountTests {
    @Test func tooManyValuesAre400BeforeDecodingAndCounted() throws {
        try RunningWebhook.with { webhook throws in
            let refused = try Curl.post(port: webhook.port, "/validate", try reviewWithValues(300_000))
            #expect(refused.status == 400)
            #expect(refused.text.contains("JSON values, more than the 250000 capguard decodes"), "\(refused.text)")
            let accepted = try Curl.post(port: webhook.port, "/validate", try reviewWithValues(200_000))
            #expect(accepted.status == 200)
            #expect(accepted.review?["allowed"] as? Bool == false)
            let metrics = try Curl.get(port: webhook.port, "/metrics").text
            #expect(metrics.contains(#"capguard_malformed_requests_total{reason="too_many_values"} 1"#), "\(metrics)")
            #expect(metrics.contains(#"capguard_limit_hits_total{limit="review_decode_memory"} 0"#), "\(metrics)")
        }
    }
}
