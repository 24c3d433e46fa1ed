import Foundation
import Testing
import CapGuardTestSupport

/// Bodies that repeat a key the policy reads, one value that Go's last-key reading denies and one it allows.
@Suite("Reviews that repeat a key are refused, whichever value comes last")
struct DuplicateKeyTests {
    struct Case: Sendable, CustomTestStringConvertible {
        /// The keys from the review down to the repeated one.
        let path: [String]
        /// JSON values: one Go's last-key reading denies, one it allows.
        let denied: String
        let allowed: String
        var testDescription: String { path.joined(separator: ".") }
    }

    static let compliantContainer = #"{"name":"web","image":"nginx","securityContext":{"capabilities":{"add":["NET_BIND_SERVICE"],"drop":["ALL"]}}}"#
    static let privilegedContainer = #"{"name":"web","image":"nginx","securityContext":{"privileged":true,"capabilities":{"drop":["ALL"]}}}"#
    static let container = ["request", "object", "spec", "containers", "0"]

    static let cases: [Case] = [
        Case(path: container + ["securityContext", "privileged"], denied: "true", allowed: "false"),
        Case(path: container + ["securityContext", "capabilities", "add"], denied: #"["SYS_ADMIN"]"#, allowed: #"["CHOWN"]"#),
        Case(path: container + ["securityContext", "capabilities", "drop"], denied: #"["NET_RAW"]"#, allowed: #"["ALL"]"#),
        Case(path: container + ["securityContext", "capabilities"], denied: #"{"drop":["NET_RAW"]}"#, allowed: #"{"drop":["ALL"]}"#),
        Case(path: container + ["securityContext"], denied: #"{"privileged":true,"capabilities":{"drop":["ALL"]}}"#,
             allowed: #"{"capabilities":{"drop":["ALL"]}}"#),
        Case(path: ["request", "object", "spec", "containers"], denied: "[\(privilegedContainer)]", allowed: "[\(compliantContainer)]"),
        Case(path: ["request", "object", "spec"], denied: #"{"containers":[\#(privilegedContainer)]}"#,
             allowed: #"{"containers":[\#(compliantContainer)]}"#),
        Case(path: ["request", "object", "kind"], denied: #""Pod""#, allowed: #""ConfigMap""#),
        Case(path: ["request", "object"],
             denied: #"{"apiVersion":"v1","kind":"Pod","metadata":{"name":"x"},"spec":{"containers":[\#(privilegedContainer)]}}"#,
             allowed: #"{"apiVersion":"v1","kind":"Pod","metadata":{"name":"x"},"spec":{"containers":[\#(compliantContainer)]}}"#),
        Case(path: ["request", "operation"], denied: #""CREATE""#, allowed: #""DELETE""#),
        Case(path: ["request", "namespace"], denied: #""default""#, allowed: #""kube-system""#),
        Case(path: ["request"],
             denied: #"{"uid":"u","kind":{"kind":"Pod","version":"v1"},"operation":"CREATE","object":{"apiVersion":"v1","kind":"Pod","spec":{"containers":[\#(privilegedContainer)]}}}"#,
             allowed: #"{"uid":"u","kind":{"kind":"Pod","version":"v1"},"operation":"CREATE","object":{"apiVersion":"v1","kind":"Pod","spec":{"containers":[\#(compliantContainer)]}}}"#),
    ]

    /// The captured compliant Pod review as JSON text in which the last key of the case's path appears
    /// twice: `first`, then `second`.
    static func body(_ testCase: Case, first: String, second: String) throws -> Data {
        let marker = "@@repeated@@"
        let review = set(try Fixtures.review("pod-create-compliant.json"), testCase.path, marker)
        let text = String(decoding: try JSONSerialization.data(withJSONObject: review), as: UTF8.self)
        let key = testCase.path.last!
        let placeholder = "\"\(key)\":\"\(marker)\""
        #expect(text.components(separatedBy: placeholder).count == 2)
        return Data(text.replacingOccurrences(of: placeholder, with: "\"\(key)\":\(first),\"\(key)\":\(second)").utf8)
    }

    private static func set(_ node: Any, _ path: [String], _ value: Any) -> Any {
        guard let head = path.first else { return value }
        if var array = node as? [Any], let index = Int(head) {
            array[index] = set(array[index], Array(path.dropFirst()), value)
            return array
        }
        var object = node as? [String: Any] ?? [:]
        object[head] = set(object[head] as Any, Array(path.dropFirst()), value)
        return object
    }

    @Test("refused with 400 in both orders", arguments: cases)
    func refusedInBothOrders(_ testCase: Case) throws {
        let bodies = [try Self.body(testCase, first: testCase.allowed, second: testCase.denied),
                      try Self.body(testCase, first: testCase.denied, second: testCase.allowed)]
        try RunningWebhook.with { webhook throws in
            let responses = try Curl.send(port: webhook.port, bodies.map { ("/validate", $0) })
            for response in responses {
                #expect(response.status == 400, "\(testCase.testDescription): \(response.text)")
                #expect(response.text.contains("repeats the key \"\(testCase.path.last!)\""), "\(response.text)")
            }
            let metrics = try Curl.get(port: webhook.port, "/metrics").text
            #expect(metrics.contains(#"capguard_malformed_requests_total{reason="duplicate_key"} 2"#), "\(metrics)")
        }
    }

    @Test func theMessageSaysWhere() throws {
        let testCase = Self.cases[0]
        let body = try Self.body(testCase, first: "true", second: "false")
        try RunningWebhook.with { webhook throws in
            let response = try Curl.post(port: webhook.port, "/validate", body)
            #expect(response.text == "the AdmissionReview repeats the key \"privileged\" in request.object.spec.containers[0].securityContext; readers disagree on which one counts\n")
        }
    }

    @Test func theSameKeyInSiblingObjectsIsNoRepeat() throws {
        // Every container has a "name"; the captured review is full of keys repeated across objects.
        let two = try Fixtures.edited("pod-create-compliant.json") { request in
            var object = request["object"] as! [String: Any], spec = object["spec"] as! [String: Any]
            let container = try! JSONSerialization.jsonObject(with: Data(Self.compliantContainer.utf8)) as! [String: Any]
            var second = container
            second["name"] = "second"
            spec["containers"] = [container, second]
            object["spec"] = spec
            request["object"] = object
        }
        try RunningWebhook.with { webhook throws in
            #expect(try Curl.post(port: webhook.port, "/validate", two).review?["allowed"] as? Bool == true)
        }
    }
}
