import Foundation
import Testing
import CapGuardPolicy
import CapGuardTestSupport
@testable import CapGuardKube

func decodeReview(_ data: Data) throws -> AdmissionReview {
    try JSONDecoder().decode(AdmissionReview.self, from: data)
}

@Suite("AdmissionReviews captured from a kube-apiserver")
struct CapturedReviewTests {
    struct Expectation: Sendable, CustomTestStringConvertible {
        let file: String
        let decision: AdmissionOutcome.Decision
        let reason: AdmissionOutcome.Reason
        let violations: Int
        var testDescription: String { file }
    }

    static let expectations: [Expectation] = [
        .init(file: "pod-create-compliant.json", decision: .allowed, reason: .compliant, violations: 0),
        .init(file: "pod-create-no-drop.json", decision: .denied, reason: .violations, violations: 1),
        .init(file: "pod-create-no-drop-dry-run.json", decision: .denied, reason: .violations, violations: 1),
        .init(file: "pod-create-two-violations.json", decision: .denied, reason: .violations, violations: 2),
        .init(file: "pod-create-two-violations-dry-run.json", decision: .denied, reason: .violations, violations: 2),
        .init(file: "pod-create-kubectl-debug-copy-to.json", decision: .denied, reason: .violations, violations: 1),
        .init(file: "deployment-create-adds-sys-admin.json", decision: .denied, reason: .violations, violations: 1),
        .init(file: "deployment-create-no-drop.json", decision: .denied, reason: .violations, violations: 1),
        .init(file: "cronjob-create-no-drop.json", decision: .denied, reason: .violations, violations: 1),
        .init(file: "pod-update-ephemeral-kubectl-debug-legacy.json", decision: .denied, reason: .violations, violations: 1),
        .init(file: "pod-update-ephemeral-kubectl-debug-general.json", decision: .denied, reason: .violations, violations: 2),
        .init(file: "pod-update-ephemeral-kubectl-debug-restricted.json", decision: .allowed, reason: .compliant, violations: 0),
        .init(file: "pod-update-label-noncompliant.json", decision: .allowed, reason: .existingViolationsOnly, violations: 0),
        .init(file: "pod-update-annotate-noncompliant.json", decision: .allowed, reason: .existingViolationsOnly, violations: 0),
        .init(file: "deployment-update-label-noncompliant.json", decision: .allowed, reason: .existingViolationsOnly, violations: 0),
    ]

    @Test("decision under the default policy", arguments: expectations)
    func decision(_ expectation: Expectation) throws {
        let review = try decodeReview(Fixtures.body(expectation.file))
        let request = try #require(review.request)
        let outcome = AdmissionReviewer(policies: .default).review(request)
        #expect(outcome.decision == expectation.decision)
        #expect(outcome.reason == expectation.reason)
        #expect(outcome.violationCount == expectation.violations)
        #expect(outcome.uid == request.uid)
        let response = outcome.response
        #expect(response.allowed == (expectation.decision != .denied))
        if expectation.decision == .denied {
            #expect(response.status?.code == 403)
            #expect(response.status?.reason == "Forbidden")
            #expect(response.status?.message.split(separator: "\n").count == expectation.violations)
        }
    }

    @Test func ephemeralDenialNamesTheDebuggerAndTheRestrictedProfile() throws {
        let request = try #require(try decodeReview(Fixtures.body("pod-update-ephemeral-kubectl-debug-legacy.json")).request)
        let message = try #require(AdmissionReviewer(policies: .default).review(request).response.status?.message)
        #expect(message.hasPrefix(#"Pod capguard-e2e-7896/good: ephemeral container "debugger-sdv56" (spec.ephemeralContainers[0]) must drop ALL capabilities"#))
        #expect(message.contains("--profile=restricted"))
    }

    @Test func deploymentDenialUsesTheTemplatePath() throws {
        let request = try #require(try decodeReview(Fixtures.body("deployment-create-adds-sys-admin.json")).request)
        let message = try #require(AdmissionReviewer(policies: .default).review(request).response.status?.message)
        #expect(message.contains("(spec.template.spec.containers[0]) adds SYS_ADMIN, which is not allowed (allowed: NET_BIND_SERVICE, CHOWN, SETUID, SETGID)"))
    }

    @Test func cronJobDenialUsesTheJobTemplatePath() throws {
        let request = try #require(try decodeReview(Fixtures.body("cronjob-create-no-drop.json")).request)
        let message = try #require(AdmissionReviewer(policies: .default).review(request).response.status?.message)
        #expect(message.contains("(spec.jobTemplate.spec.template.spec.containers[0]) must drop ALL"))
    }

    @Test func updatesAllowedForOldViolationsStillWarn() throws {
        let request = try #require(try decodeReview(Fixtures.body("pod-update-label-noncompliant.json")).request)
        let response = AdmissionReviewer(policies: .default).review(request).response
        #expect(response.allowed)
        #expect(response.warnings == ["spec.containers[0].securityContext.capabilities.drop: must include ALL"])
    }

    @Test func auditModeAllowsAndReports() throws {
        let request = try #require(try decodeReview(Fixtures.body("pod-create-two-violations.json")).request)
        for outcome in [
            AdmissionReviewer(policies: .default).review(request, forceAudit: true),
            AdmissionReviewer(policies: PolicySet(base: Policy(mode: .audit))).review(request),
        ] {
            #expect(outcome.decision == .auditedViolation)
            #expect(outcome.mode == .audit)
            let response = outcome.response
            #expect(response.allowed)
            #expect(response.status == nil)
            #expect(response.warnings?.count == 2)
            #expect(response.auditAnnotations?["violations"]?.isEmpty == false)
            for warning in response.warnings ?? [] {
                #expect(warning.count < 120 && !warning.contains("\n"), "\(warning)")
            }
        }
    }

    @Test func deleteAndConnectAreAllowed() throws {
        var request = try #require(try decodeReview(Fixtures.body("pod-create-no-drop.json")).request)
        for operation in ["DELETE", "CONNECT"] {
            request.operation = operation
            let outcome = AdmissionReviewer(policies: .default).review(request)
            #expect(outcome.decision == .allowed)
            #expect(outcome.reason == .operationNotChecked)
        }
    }

    @Test func updateThatAddsAViolationIsDenied() throws {
        var request = try #require(try decodeReview(Fixtures.body("pod-update-label-noncompliant.json")).request)
        request.object?.podSpec?.containers[0].securityContext = SecurityContext(
            privileged: true, capabilities: nil)
        let outcome = AdmissionReviewer(policies: .default).review(request)
        #expect(outcome.decision == .denied)
        #expect(outcome.violationCount == 1)
        #expect(outcome.existingViolationCount == 1)
        #expect(outcome.messages.first?.contains("is privileged") == true)
    }
}

@Suite("Exemptions and namespace overrides in admission")
struct AdmissionPolicySetTests {
    func request(_ file: String) throws -> AdmissionRequest {
        try #require(try decodeReview(Fixtures.body(file)).request)
    }

    @Test func exemptNamespaceUserAndGroup() throws {
        let request = try request("pod-create-no-drop.json")
        let cases: [(Exemptions, Exemption)] = [
            (Exemptions(namespaces: [request.namespace!]), .namespace(request.namespace!)),
            (Exemptions(users: ["e2e-admin"]), .user("e2e-admin")),
            (Exemptions(groups: ["system:masters"]), .group("system:masters")),
        ]
        for (exemptions, expected) in cases {
            let outcome = AdmissionReviewer(policies: PolicySet(exemptions: exemptions)).review(request)
            #expect(outcome.decision == .allowed)
            #expect(outcome.reason == .exempt)
            #expect(outcome.exemptions == [expected])
        }
    }

    @Test func exemptImageLeavesOnlyOtherContainers() throws {
        let request = try request("pod-create-two-violations.json")
        let images = request.object!.podSpec!.containers.compactMap(\.image)
        let outcome = AdmissionReviewer(policies: PolicySet(exemptions: Exemptions(images: [images[0].prefix(2) + "*"])))
            .review(request)
        #expect(outcome.exemptions.count == 1)
        #expect(outcome.violationCount < 2)
    }

    @Test func namespaceOverrideSwitchesToAudit() throws {
        let request = try request("pod-create-no-drop.json")
        let policies = PolicySet(namespaceOverrides: [request.namespace!: Policy(mode: .audit)])
        #expect(AdmissionReviewer(policies: policies).review(request).decision == .auditedViolation)
        let other = PolicySet(namespaceOverrides: ["elsewhere": Policy(mode: .audit)])
        #expect(AdmissionReviewer(policies: other).review(request).decision == .denied)
    }
}

@Suite("What one review can produce is bounded")
struct BoundedReviewTests {
    /// The captured no-drop Pod review, its container adding `names`.
    func request(adding names: [String], mode: EnforcementMode = .enforce) throws -> AdmissionOutcome {
        var review = try #require(try JSONSerialization.jsonObject(with: Fixtures.body("pod-create-no-drop.json")) as? [String: Any])
        var request = review["request"] as! [String: Any], object = request["object"] as! [String: Any]
        var spec = object["spec"] as! [String: Any], containers = spec["containers"] as! [[String: Any]]
        containers[0]["securityContext"] = ["capabilities": ["drop": ["ALL"], "add": names]]
        spec["containers"] = containers; object["spec"] = spec; request["object"] = object; review["request"] = request
        let decoded = try decodeReview(try JSONSerialization.data(withJSONObject: review))
        return AdmissionReviewer(policies: PolicySet(base: Policy(mode: mode))).review(try #require(decoded.request))
    }

    let junk = (0..<75_000).map { "junk-\($0)-" + String(repeating: "x", count: $0 % 7) }

    @Test func seventyFiveThousandNamesDenyWithTheFirstAndACount() throws {
        let outcome = try request(adding: junk)
        #expect(outcome.decision == .denied)
        #expect(outcome.violationCount == 75_000)
        let message = try #require(outcome.response.status?.message)
        let lines = message.split(separator: "\n")
        #expect(lines.count == FindingLimits.default.perContainer + 1)
        #expect(lines.last == "and \(75_000 - FindingLimits.default.perContainer) more violations")
        #expect(message.unicodeScalars.count <= LineBudget.statusMessage.total)
        let annotation = try #require(outcome.response.auditAnnotations?["violations"])
        #expect(annotation.unicodeScalars.count <= LineBudget.auditAnnotation.total)
        #expect(annotation.hasSuffix("more violations"))
        #expect(AdmissionReviewResponse(apiVersion: "admission.k8s.io/v1", response: outcome.response).json.count < 32_768)
    }

    @Test func inAuditModeTheWarningsPassTheApiserverAsWritten() throws {
        let outcome = try request(adding: junk, mode: .audit)
        #expect(outcome.decision == .auditedViolation)
        let warnings = try #require(outcome.response.warnings)
        #expect(warnings.reduce(0) { $0 + $1.unicodeScalars.count } <= 4096)
        #expect(warnings.allSatisfy { $0.unicodeScalars.count <= 256 })
        #expect(warnings.last == "and \(75_000 - (warnings.count - 1)) more warnings")
        #expect(apiserverWarnings(warnings) == warnings)
    }

    @Test func longNamesMakeBoundedMessagesAndWarnings() throws {
        // Few violations, each naming a 100,000-scalar capability: every line is cut, not the request echoed.
        let long = (0..<5).map { "\($0)" + String(repeating: "🇫🇷", count: 50_000) }
        for mode in [EnforcementMode.enforce, .audit] {
            let outcome = try request(adding: long, mode: mode)
            #expect(outcome.violationCount == 5)
            let json = AdmissionReviewResponse(apiVersion: "admission.k8s.io/v1", response: outcome.response).json
            #expect(json.count < 32_768, "\(mode)")
            if let warnings = outcome.response.warnings { #expect(apiserverWarnings(warnings) == warnings) }
        }
    }
}

@Suite("The response review's JSON")
struct AdmissionReviewResponseJSONTests {
    @Test func everyFieldRoundTripsThroughAJSONParser() throws {
        let hostile = "quote \" backslash \\ newline \n tab \t bell \u{7} slash / unicode é 🦀"
        let review = AdmissionReviewResponse(apiVersion: "admission.k8s.io/v1beta1", response: AdmissionResponse(
            uid: "u-1", allowed: false,
            status: .init(code: 403, reason: "Forbidden", message: hostile),
            warnings: ["a", hostile], auditAnnotations: ["violations": hostile, "skipped": "x"]
        ))
        let object = try #require(try JSONSerialization.jsonObject(with: Data(review.json)) as? [String: Any])
        #expect(object["apiVersion"] as? String == "admission.k8s.io/v1beta1")
        #expect(object["kind"] as? String == "AdmissionReview")
        let response = try #require(object["response"] as? [String: Any])
        #expect(response["uid"] as? String == "u-1")
        #expect(response["allowed"] as? Bool == false)
        let status = try #require(response["status"] as? [String: Any])
        #expect(status["code"] as? Int == 403)
        #expect(status["message"] as? String == hostile)
        #expect(response["warnings"] as? [String] == ["a", hostile])
        #expect(response["auditAnnotations"] as? [String: String] == ["violations": hostile, "skipped": "x"])
    }

    @Test func allowedResponsesCarryOnlyWhatTheyHave() throws {
        let review = AdmissionReviewResponse(apiVersion: "admission.k8s.io/v1", response: AdmissionResponse(uid: "u", allowed: true))
        #expect(String(decoding: review.json, as: UTF8.self)
            == #"{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","response":{"uid":"u","allowed":true}}"#)
    }
}
