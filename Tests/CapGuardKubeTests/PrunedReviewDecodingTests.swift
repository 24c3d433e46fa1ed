import CapGuardJSON
import CapGuardKube
import CapGuardTestSupport
import Foundation
import Testing

// The webhook decodes a review cut down to `AdmissionReview.decodedFields`. Whatever the review, the copy must
// decode to the same values, or fail with the same error: a field the selection missed would read as absent,
// which for a security context is a container let through.

@Suite("A review pruned to its decoded fields decodes as the review does")
struct PrunedReviewDecodingTests {
    static let apiserverReviews: [String] = (try? FileManager.default.contentsOfDirectory(atPath: Fixtures.directory.path))?
        .filter { $0.hasSuffix(".json") }.sorted() ?? []

    @Test("reviews captured from a kube-apiserver", arguments: apiserverReviews)
    func apiserverReview(name: String) throws {
        let body = try Fixtures.body(name)
        let copy = try #require(JSONPruner.pruned(Array(body), keeping: AdmissionReview.decodedFields)).bytes
        // The fields capguard never reads (managedFields, status, volumes, ...) are most of a review.
        #expect(copy.count * 2 < body.count, "\(copy.count) of \(body.count) bytes kept")
        try expectSameOutcome(body)
        let review = try JSONDecoder().decode(AdmissionReview.self, from: body)
        #expect(review.request?.object?.podSpec?.containers.isEmpty == false)
    }

    /// Every object of the lists an apiserver answered (Pods, Deployments, ReplicaSets, Jobs, CronJobs, with
    /// owner references and every kind of container), as the object and the old object of an UPDATE.
    @Test("objects listed by a kube-apiserver", arguments: ["pods-page1.json", "pods-page2.json", "deployments.json", "replicasets.json", "jobs.json", "cronjobs.json"])
    func listedObjects(name: String) throws {
        let list = try Data(contentsOf: Fixtures.repository.appendingPathComponent("Tests/Fixtures/apiserver-lists/\(name)"))
        let parsed = try #require(try JSONSerialization.jsonObject(with: list) as? [String: Any])
        let kind = String((parsed["kind"] as? String ?? "").dropLast("List".count))
        let items = try #require(parsed["items"] as? [[String: Any]])
        #expect(!items.isEmpty)
        for var item in items {
            item["kind"] = kind
            item["apiVersion"] = parsed["apiVersion"]
            let review: [String: Any] = [
                "apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview",
                "request": [
                    "uid": "u", "kind": ["group": "", "version": "v1", "kind": kind], "operation": "UPDATE",
                    "userInfo": ["username": "system:admin", "groups": ["system:masters"], "extra": ["k": ["v"]]],
                    "object": item, "oldObject": item, "dryRun": false, "options": ["kind": "UpdateOptions"],
                ] as [String: Any],
            ]
            try expectSameOutcome(JSONSerialization.data(withJSONObject: review))
        }
    }

    /// Fields of the wrong type, null and missing, at every place the decoder reads.
    @Test("malformed pod specs", arguments: ContainerDecodingTests.specs)
    func malformedPodSpec(spec: String) throws {
        let pod = ContainerDecodingTests.pod.replacingOccurrences(of: "SPEC", with: spec)
        let deployment = ContainerDecodingTests.deployment.replacingOccurrences(of: "TEMPLATE", with: #"{"spec": \#(spec), "metadata": {}}"#)
        let cronJob = #"{"apiVersion": "batch/v1", "kind": "CronJob", "spec": {"jobTemplate": {"spec": {"template": {"spec": \#(spec)}}}}}"#
        let podTemplate = #"{"apiVersion": "v1", "kind": "PodTemplate", "template": {"spec": \#(spec)}}"#
        for object in [pod, deployment, cronJob, podTemplate] {
            try expectSameOutcome(Data(ContainerDecodingTests.review(request: ContainerDecodingTests.requestJSON("", object: object)).utf8))
        }
    }

    @Test("malformed requests", arguments: [
        #"{"uid": 1}"#, #"{"uid": "u", "kind": {"kind": "Pod", "group": 1}, "operation": "CREATE"}"#,
        #"{"uid": "u", "kind": {"kind": "Pod"}, "operation": "CREATE", "userInfo": {"username": [], "extra": 1}}"#,
        #"{"uid": "u", "kind": {"kind": "Pod"}, "operation": "CREATE", "dryRun": "yes"}"#,
        #"{"uid": "u", "kind": {"kind": "Pod"}, "operation": "CREATE", "object": {"apiVersion": "v1", "kind": "Pod", "metadata": {"ownerReferences": [{"uid": 1}]}}}"#,
        #"{"uid": "u", "kind": {"kind": "Deployment", "group": "apps", "version": "v1"}, "operation": "CREATE", "object": {"spec": {"template": {"spec": {"containers": [{"securityContext": {"privileged": 1}}]}}}}}"#,
        #"{"uid": "u", "kind": {"kind": "Pod"}, "operation": "CREATE", "object": {"apiVersion": "v1", "kind": "Pod", "spec": {"template": 1, "jobTemplate": 2}}}"#,
        "[]", "null", #""request""#,
    ])
    func malformedRequest(request: String) throws {
        try expectSameOutcome(Data(ContainerDecodingTests.review(request: request).utf8))
        try expectSameOutcome(Data(#"{"apiVersion": "admission.k8s.io/v1beta1", "kind": "AdmissionReview", "request": \#(request), "response": {}}"#.utf8))
    }

    @Test func reviewsOfAnotherTypeAreNotReadFurther() throws {
        try expectSameOutcome(Data(#"{"apiVersion": "v1", "kind": "AdmissionReview", "request": 7}"#.utf8))
        try expectSameOutcome(Data(#"{"apiVersion": ["x"], "kind": "AdmissionReview"}"#.utf8))
        try expectSameOutcome(Data(#"{"kind": {}}"#.utf8))
    }

    private func expectSameOutcome(_ body: Data, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let copy = Data(try #require(JSONPruner.pruned(Array(body), keeping: AdmissionReview.decodedFields), sourceLocation: sourceLocation).bytes)
        let original = Result { try JSONDecoder().decode(AdmissionReview.self, from: body) }
        let fromCopy = Result { try JSONDecoder().decode(AdmissionReview.self, from: copy) }
        switch (original, fromCopy) {
        case (.success(let original), .success(let fromCopy)):
            #expect(original == fromCopy, sourceLocation: sourceLocation)
        case (.failure(let original), .failure(let fromCopy)):
            #expect("\(original)" == "\(fromCopy)", sourceLocation: sourceLocation)
        default:
            Issue.record("the review gave \(original), its pruned copy \(fromCopy)", sourceLocation: sourceLocation)
        }
    }
}
