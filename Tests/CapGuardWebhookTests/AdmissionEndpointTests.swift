import CapGuardConfig
import CapGuardPolicy
import CapGuardWebhook
import Foundation
import Testing
import CapGuardTestSupport

@Suite("POST /validate over TLS with apiserver bodies")
struct AdmissionEndpointTests {
    static let capturedDecisions: [(String, Bool, Int)] = [
        ("pod-create-compliant.json", true, 0),
        ("pod-create-no-drop.json", false, 1),
        ("pod-create-no-drop-dry-run.json", false, 1),
        ("pod-create-two-violations.json", false, 2),
        ("pod-create-two-violations-dry-run.json", false, 2),
        ("pod-create-kubectl-debug-copy-to.json", false, 1),
        ("deployment-create-adds-sys-admin.json", false, 1),
        ("deployment-create-no-drop.json", false, 1),
        ("cronjob-create-no-drop.json", false, 1),
        ("pod-update-ephemeral-kubectl-debug-legacy.json", false, 1),
        ("pod-update-ephemeral-kubectl-debug-general.json", false, 2),
        ("pod-update-ephemeral-kubectl-debug-restricted.json", true, 0),
        ("pod-update-label-noncompliant.json", true, 0),
        ("pod-update-annotate-noncompliant.json", true, 0),
        ("deployment-update-label-noncompliant.json", true, 0),
    ]

    @Test func everyCapturedReviewGetsItsDecision() throws {
        try RunningWebhook.with { webhook throws in
            let requests = try Self.capturedDecisions.map { ("/validate?timeout=5s", try Fixtures.body($0.0) as Data?) }
            let responses = try Curl.send(port: webhook.port, requests, parallel: 4)
            for ((file, allowed, violations), response) in zip(Self.capturedDecisions, responses) {
                let uid = try #require(try Fixtures.review(file)["request"] as? [String: Any])["uid"] as? String
                #expect(response.status == 200, "\(file)")
                #expect(response.json?["apiVersion"] as? String == "admission.k8s.io/v1", "\(file)")
                #expect(response.json?["kind"] as? String == "AdmissionReview", "\(file)")
                let review = try #require(response.review, "\(file): \(response.text)")
                #expect(review["uid"] as? String == uid, "\(file)")
                #expect(review["allowed"] as? Bool == allowed, "\(file)")
                if !allowed {
                    let status = try #require(review["status"] as? [String: Any])
                    #expect(status["code"] as? Int == 403)
                    #expect(status["reason"] as? String == "Forbidden")
                    #expect((status["message"] as? String)?.split(separator: "\n").count == violations, "\(file)")
                }
            }
        }
    }

    @Test func oldViolationsOfAnAllowedUpdateComeBackAsWarnings() throws {
        try RunningWebhook.with { webhook throws in
            let response = try Curl.post(port: webhook.port, "/validate", try Fixtures.body("deployment-update-label-noncompliant.json"))
            let review = try #require(response.review)
            #expect(review["allowed"] as? Bool == true)
            #expect((review["warnings"] as? [String])?.first?.hasPrefix("spec.template.spec.containers[0].securityContext.capabilities.drop") == true)
        }
    }

    @Test func theEphemeralDenialPointsAtTheRestrictedProfile() throws {
        try RunningWebhook.with { webhook throws in
            let response = try Curl.post(port: webhook.port, "/validate", try Fixtures.body("pod-update-ephemeral-kubectl-debug-legacy.json"))
            let message = try #require((response.review?["status"] as? [String: Any])?["message"] as? String)
            #expect(message.contains("ephemeral container \"debugger-sdv56\" (spec.ephemeralContainers[0])"))
            #expect(message.contains("kubectl debug: use --profile=restricted"))
        }
    }

    @Test func everyWorkloadKindIsDenied() throws {
        let podSpec: [String: Any] = ["containers": [["name": "app", "image": "nginx", "securityContext": ["capabilities": ["add": ["NET_ADMIN"], "drop": ["ALL"]]]]]]
        let bodies = try Workloads.kinds.map { apiVersion, kind, _ in
            try Fixtures.edited("deployment-create-no-drop.json") { request in
                let group = apiVersion.contains("/") ? String(apiVersion.split(separator: "/")[0]) : ""
                request["kind"] = ["group": group, "version": "v1", "kind": kind]
                request["object"] = Workloads.object(apiVersion: apiVersion, kind: kind, podSpec: podSpec)
            }
        }
        try RunningWebhook.with { webhook throws in
            let responses = try Curl.send(port: webhook.port, bodies.map { ("/validate", $0) }, parallel: 4)
            for ((_, kind, path), response) in zip(Workloads.kinds, responses) {
                let review = try #require(response.review, "\(kind)")
                #expect(review["allowed"] as? Bool == false, "\(kind)")
                let message = (review["status"] as? [String: Any])?["message"] as? String ?? ""
                #expect(message.hasPrefix("\(kind) capguard-obs-9892/web: container \"app\" (\(path)) adds NET_ADMIN"), "\(message)")
            }
        }
    }

    @Test func v1beta1IsAnsweredInKind() throws {
        var review = try Fixtures.review("pod-create-no-drop.json")
        review["apiVersion"] = "admission.k8s.io/v1beta1"
        let body = try JSONSerialization.data(withJSONObject: review)
        try RunningWebhook.with { webhook throws in
            let response = try Curl.post(port: webhook.port, "/validate", body)
            #expect(response.json?["apiVersion"] as? String == "admission.k8s.io/v1beta1")
            #expect(response.review?["allowed"] as? Bool == false)
        }
    }

    @Test func deleteAndConnectAreAllowed() throws {
        let bodies = try ["DELETE", "CONNECT"].map { operation in
            try Fixtures.edited("pod-create-no-drop.json") { $0["operation"] = operation }
        }
        try RunningWebhook.with { webhook throws in
            for response in try Curl.send(port: webhook.port, bodies.map { ("/validate", $0) }) {
                #expect(response.review?["allowed"] as? Bool == true)
            }
        }
    }

    @Test func auditModeFromThePolicyAndFromTheAuditPath() throws {
        let auditPolicy = LoadedPolicy(policies: PolicySet(base: Policy(mode: .audit)), path: nil, contentHash: "", generation: 1)
        let body = try Fixtures.body("pod-create-two-violations.json")
        var responses: [Curl.Response] = []
        try RunningWebhook.with(.fixed(auditPolicy)) { webhook throws in
            responses.append(try Curl.post(port: webhook.port, "/validate", body))
            let lines = webhook.log.entries.filter { $0["decision"] as? String == "audit_violation" }
            #expect(lines.count == 1)
            #expect((lines.first?["message"] as? String)?.contains("would have been denied") == true)
        }
        try RunningWebhook.with { webhook throws in
            responses.append(try Curl.post(port: webhook.port, "/validate/audit", body))
            responses.append(try Curl.post(port: webhook.port, "/validate", body))
        }
        for response in responses.prefix(2) {
            let review = try #require(response.review)
            #expect(review["allowed"] as? Bool == true)
            #expect(review["status"] == nil)
            let warnings = try #require(review["warnings"] as? [String])
            #expect(warnings.count == 2)
            #expect(warnings.allSatisfy { $0.count < 120 && !$0.contains("\n") && !$0.hasPrefix("Warning") })
            let annotations = try #require(review["auditAnnotations"] as? [String: String])
            #expect(annotations["violations"]?.isEmpty == false)
        }
        #expect(responses[2].review?["allowed"] as? Bool == false)
    }

    @Test func namespaceOverrideAuditsOneNamespace() throws {
        let policies = LoadedPolicy(policies: PolicySet(namespaceOverrides: ["capguard-e2e-7896": Policy(mode: .audit)]),
                                    path: nil, contentHash: "", generation: 1)
        try RunningWebhook.with(.fixed(policies)) { webhook throws in
            let response = try Curl.post(port: webhook.port, "/validate", try Fixtures.body("pod-create-no-drop.json"))
            #expect(response.review?["allowed"] as? Bool == true)
            #expect((response.review?["warnings"] as? [String])?.count == 1)
        }
    }

    @Test func exemptRequestsAreAllowedAndLogTheExemption() throws {
        let policies = LoadedPolicy(policies: PolicySet(exemptions: Exemptions(users: ["e2e-admin"])), path: nil, contentHash: "", generation: 1)
        try RunningWebhook.with(.fixed(policies)) { webhook throws in
            let response = try Curl.post(port: webhook.port, "/validate", try Fixtures.body("pod-create-no-drop.json"))
            #expect(response.review?["allowed"] as? Bool == true)
            let line = try #require(webhook.log.entries.first { $0["uid"] != nil })
            #expect(line["exemptions"] as? [String] == ["user e2e-admin"])
            #expect(line["reason"] as? String == "exempt")
        }
    }

    @Test func oneLogLinePerAdmissionWithTheDecision() throws {
        try RunningWebhook.with { webhook throws in
            _ = try Curl.post(port: webhook.port, "/validate", try Fixtures.body("deployment-create-adds-sys-admin.json"))
            let lines = webhook.log.entries.filter { $0["uid"] != nil }
            #expect(lines.count == 1)
            let line = try #require(lines.first)
            for key in ["time", "uid", "kind", "namespace", "name", "operation", "user", "decision", "mode", "violations", "latencyMicroseconds"] {
                #expect(line[key] != nil, "missing \(key)")
            }
            #expect(line["decision"] as? String == "denied")
            #expect(line["kind"] as? String == "Deployment")
            #expect((line["violations"] as? [String])?.count == 1)
        }
    }
}

@Suite("Malformed requests, health and metrics")
struct WebhookEndpointsTests {
    static let malformed: [(String, String)] = [
        ("not json", "not a JSON AdmissionReview"),
        (#"{"apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview"}"#, "has no request"),
        (#"{"apiVersion": "admission.k8s.io/v1", "kind": "Pod", "request": {}}"#, "kind must be AdmissionReview"),
        (#"{"apiVersion": "admission.k8s.io/v2", "kind": "AdmissionReview"}"#, "apiVersion must be"),
        (#"{"kind": "AdmissionReview"}"#, "apiVersion must be"),
        (#"{"apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview", "request": {"kind": {"kind": "Pod"}, "operation": "CREATE"}}"#, "has no uid"),
        (#"{"apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview", "request": {"uid": "", "kind": {"kind": "Pod"}, "operation": "CREATE"}}"#, "has no uid"),
        (#"{"apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview", "request": {"uid": "u", "kind": {"kind": "Pod", "version": "v1"}, "operation": "CREATE", "object": {"apiVersion": "v1", "kind": "Pod", "spec": {"containers": [{"name": "a", "securityContext": {"privileged": "yes"}}]}}}}"#, "wrong type"),
        ("[]", "wrong type"),
        ("", "not a JSON AdmissionReview"),
    ]

    @Test func malformedBodiesGet400AndAreCounted() throws {
        try RunningWebhook.with { webhook throws in
            let responses = try Curl.send(port: webhook.port, Self.malformed.map { ("/validate", Data($0.0.utf8)) })
            for ((_, reason), response) in zip(Self.malformed, responses) {
                #expect(response.status == 400)
                #expect(response.text.contains(reason), "\(response.text)")
            }
            let metrics = try Curl.get(port: webhook.port, "/metrics").text
            let counted = metrics.split(separator: "\n").filter { $0.hasPrefix("capguard_malformed_requests_total{") }
                .compactMap { Int($0.split(separator: " ").last ?? "") }.reduce(0, +)
            #expect(counted == Self.malformed.count)
            // The server keeps serving after all of them.
            #expect(try Curl.post(port: webhook.port, "/validate", try Fixtures.body("pod-create-compliant.json")).review?["allowed"] as? Bool == true)
        }
    }

    @Test func healthAndReadiness() throws {
        try RunningWebhook.with { webhook throws in
            #expect(try Curl.get(port: webhook.port, "/healthz").status == 200)
            #expect(try Curl.get(port: webhook.port, "/readyz").text == "ok\n")
            #expect(try Curl.get(port: webhook.port, "/validate").status == 405)
            #expect(try Curl.get(port: webhook.port, "/nope").status == 404)
        }
    }

    @Test func metricsMoveWithRequests() throws {
        try RunningWebhook.with { webhook throws in
            func value(_ line: String) throws -> Int {
                let text = try Curl.get(port: webhook.port, "/metrics").text
                return text.split(separator: "\n").first { $0.hasPrefix(line + " ") }.flatMap { Int($0.split(separator: " ").last!) } ?? 0
            }
            let denied = #"capguard_admission_requests_total{decision="denied",mode="enforce",kind="Pod",operation="CREATE"}"#
            let allowed = #"capguard_admission_requests_total{decision="allowed",mode="enforce",kind="Pod",operation="CREATE"}"#
            #expect(try value(denied) == 0)
            _ = try Curl.send(port: webhook.port, [
                ("/validate", try Fixtures.body("pod-create-no-drop.json")),
                ("/validate", try Fixtures.body("pod-create-two-violations.json")),
                ("/validate", try Fixtures.body("pod-create-compliant.json")),
            ])
            #expect(try value(denied) == 2)
            #expect(try value(allowed) == 1)
            #expect(try value("capguard_admission_duration_seconds_count") == 3)
            #expect(try value("capguard_policy_generation") == 1)
            #expect(try value("capguard_open_connections") >= 1)
            let text = try Curl.get(port: webhook.port, "/metrics").text
            #expect(text.contains(#"capguard_policy_info{source="embedded-default",sha256="e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"} 1"#))
            #expect(text.contains("capguard_tls_handshake_failures_total 0"))
        }
    }
}
