import CapGuardConfig
import CapGuardPolicy
import CapGuardWebhook
import Foundation
import Testing
import CapGuardTestSupport

/// A captured review edited in the test: the first container adds `names`, and request fields carry `text`.
func hostileReview(adding names: [String], text: String? = nil) throws -> Data {
    try Fixtures.edited("pod-create-no-drop.json") { request in
        var object = request["object"] as! [String: Any], spec = object["spec"] as! [String: Any]
        var containers = spec["containers"] as! [[String: Any]]
        containers[0]["securityContext"] = ["capabilities": ["drop": ["ALL"], "add": names]]
        if let text {
            containers[0]["name"] = "c" + text
            var metadata = object["metadata"] as! [String: Any]
            metadata["name"] = "n" + text
            object["metadata"] = metadata
            request["namespace"] = "ns" + text
            request["uid"] = "uid" + text
            request["userInfo"] = ["username": "user" + text]
        }
        spec["containers"] = containers
        object["spec"] = spec
        request["object"] = object
    }
}

@Suite("What one review can produce, through the server")
struct HostileOutputTests {
    static let junk = (0..<75_000).map { String($0, radix: 16) }

    @Test func seventyFiveThousandNamesGetABoundedAnswerAndOneLogLine() throws {
        let body = try hostileReview(adding: Self.junk)
        try RunningWebhook.with { webhook throws in
            let response = try Curl.post(port: webhook.port, "/validate", body)
            #expect(response.status == 200)
            #expect(response.body.count < 32 * 1024, "\(response.body.count) bytes")
            let review = try #require(response.review)
            #expect(review["allowed"] as? Bool == false)
            let message = try #require((review["status"] as? [String: Any])?["message"] as? String)
            let lines = message.split(separator: "\n")
            #expect(lines.count == FindingLimits.default.perContainer + 1)
            #expect(lines.last == "and \(75_000 - FindingLimits.default.perContainer) more violations")
            #expect((review["auditAnnotations"] as? [String: String])?["violations"]?.hasSuffix("more violations") == true)

            let line = try #require(webhook.log.entries.first { $0["uid"] != nil })
            #expect(line["decision"] as? String == "denied")
            #expect(line["violationCount"] as? String == "75000")
            #expect((line["violations"] as? [String])?.last == String(lines.last!))
            #expect((line["violations"] as? [String])?.count == lines.count)
        }
    }

    @Test func inAuditModeTheWarningsFitTheApiserversBudget() throws {
        let audit = LoadedPolicy(policies: PolicySet(base: Policy(mode: .audit)), path: nil, contentHash: "", generation: 1)
        try RunningWebhook.with(.fixed(audit)) { webhook throws in
            let review = try #require(try Curl.post(port: webhook.port, "/validate", try hostileReview(adding: Self.junk)).review)
            #expect(review["allowed"] as? Bool == true)
            let warnings = try #require(review["warnings"] as? [String])
            #expect(warnings.reduce(0) { $0 + $1.unicodeScalars.count } <= 4096)
            #expect(warnings.allSatisfy { $0.unicodeScalars.count <= 256 })
            #expect(warnings.last?.hasSuffix("more warnings") == true)
        }
    }

    @Test("each class of unsafe character is escaped in the answer and the log line", arguments: [
        "\u{1B}[31m", "\u{7}", "\n", "\u{85}", "\u{9B}", "\u{202E}", "\u{202A}", "\u{2066}", "\u{2069}", "\u{2028}", "\u{2029}",
        "\u{200B}", "\u{200F}", "\u{2060}", "\u{FEFF}",
    ])
    func escapedEverywhere(text: String) throws {
        let scalars = Set(text.unicodeScalars.filter { $0.value < 0x20 || $0.value >= 0x7F })
        let body = try hostileReview(adding: ["x" + text, "SYS_ADMIN"], text: text)
        let audit = LoadedPolicy(policies: PolicySet(base: Policy(mode: .audit)), path: nil, contentHash: "", generation: 1)
        for policies in [PolicySource.fixed(.embeddedDefault), .fixed(audit)] {
            try RunningWebhook.with(policies) { webhook throws in
                let response = try Curl.post(port: webhook.port, "/validate", body)
                let review = try #require(response.review, "\(response.text)")
                var texts = (review["warnings"] as? [String]) ?? []
                if let message = (review["status"] as? [String: Any])?["message"] as? String {
                    // One line per violation: the newlines are capguard's, never the request's.
                    let lines = message.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
                    #expect(lines.count == 2, "\(message)")
                    texts += lines
                }
                texts += ((review["auditAnnotations"] as? [String: String]) ?? [:]).values
                #expect(!texts.isEmpty)
                for text in texts { #expect(text.unicodeScalars.allSatisfy { !scalars.contains($0) }, "\(text)") }

                // The raw line, as `kubectl logs` shows it, and every field once parsed.
                let raw = try #require(webhook.log.lines.first { $0.contains("\"uid\"") })
                #expect(raw.unicodeScalars.allSatisfy { !scalars.contains($0) }, "\(raw)")
                let line = try #require(webhook.log.entries.first { $0["uid"] != nil })
                for key in ["uid", "namespace", "name", "user"] {
                    let value = try #require(line[key] as? String, "\(key)")
                    #expect(value.unicodeScalars.allSatisfy { !scalars.contains($0) }, "\(key): \(value)")
                    #expect(value.contains("\\"), "\(key): \(value)")
                }
                for violation in line["violations"] as? [String] ?? [] {
                    #expect(violation.unicodeScalars.allSatisfy { !scalars.contains($0) }, "\(violation)")
                }
            }
        }
    }

    @Test func longRequestFieldsAreCutInTheLogLine() throws {
        let long = String(repeating: "n", count: 100_000)
        let body = try hostileReview(adding: ["SYS_ADMIN"], text: long)
        try RunningWebhook.with { webhook throws in
            let response = try Curl.post(port: webhook.port, "/validate", body)
            // The uid is echoed whole, as the apiserver requires; everything else is cut.
            #expect(response.body.count < 8 * 1024 + 100_003, "\(response.body.count) bytes")
            let raw = try #require(webhook.log.lines.first { $0.contains("\"uid\"") })
            #expect(raw.utf8.count < 8 * 1024, "\(raw.utf8.count) bytes")
            #expect(try #require(response.review?["status"] as? [String: Any])["message"].map { "\($0)".utf8.count < 4096 } == true)
            let line = try #require(webhook.log.entries.first { $0["uid"] != nil })
            #expect((line["namespace"] as? String)?.hasSuffix("(99746 more characters)") == true)
        }
    }
}
