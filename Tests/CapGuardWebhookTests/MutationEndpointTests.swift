import CapGuardConfig
import CapGuardPolicy
import CapGuardWebhook
import Foundation
import Testing
import CapGuardTestSupport

/// A JSON Patch (RFC 6902) implementation of the test's own, for `add` and `replace` (all the patch may
/// hold): it judges capguard's patches without sharing any of capguard's code.
enum TestJSONPatch {
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    static func apply(_ patch: [[String: Any]], to document: Any) throws -> Any {
        var document = document
        for operation in patch {
            let op = try #require(operation["op"] as? String)
            let pointer = try #require(operation["path"] as? String)
            #expect(pointer.hasPrefix("/"))
            let tokens = pointer.dropFirst().split(separator: "/", omittingEmptySubsequences: false).map {
                $0.replacingOccurrences(of: "~1", with: "/").replacingOccurrences(of: "~0", with: "~")
            }
            document = try set(operation["value"]!, at: tokens[...], in: document, op: op)
        }
        return document
    }

    private static func set(_ value: Any, at tokens: ArraySlice<String>, in node: Any, op: String) throws -> Any {
        guard let token = tokens.first else { return value }
        let last = tokens.count == 1
        if var object = node as? [String: Any] {
            if last {
                if op == "replace" && object[token] == nil { throw Failure(description: "replace of missing member \(token)") }
                object[token] = value
            } else {
                object[token] = try set(value, at: tokens.dropFirst(), in: try #require(object[token], "no member \(token)"), op: op)
            }
            return object
        }
        if var array = node as? [Any] {
            if last && token == "-" && op == "add" {
                array.append(value)
                return array
            }
            let index = try #require(Int(token), "not an index: \(token)")
            guard array.indices.contains(index) || (last && op == "add" && index == array.count) else {
                throw Failure(description: "index \(index) out of range")
            }
            if last {
                if op == "add" { array.insert(value, at: index) } else { array[index] = value }
            } else {
                array[index] = try set(value, at: tokens.dropFirst(), in: array[index], op: op)
            }
            return array
        }
        throw Failure(description: "cannot descend into a scalar at \(token)")
    }
}

@Suite("POST /mutate with apiserver bodies")
struct MutationEndpointTests {
    /// Each captured review: whether it gets a patch, and whether validation allows the patched object.
    static let captured: [(file: String, patched: Bool, allowedAfter: Bool)] = [
        ("pod-create-compliant.json", false, true),
        ("pod-create-no-drop.json", true, true),
        ("pod-create-no-drop-dry-run.json", true, true),
        ("pod-create-two-violations.json", true, false),
        ("pod-create-two-violations-dry-run.json", true, false),
        ("pod-create-kubectl-debug-copy-to.json", true, true),
        ("deployment-create-adds-sys-admin.json", false, false),
        ("deployment-create-no-drop.json", true, true),
        ("cronjob-create-no-drop.json", true, true),
        ("pod-update-ephemeral-kubectl-debug-legacy.json", true, true),
        ("pod-update-ephemeral-kubectl-debug-general.json", true, false),
        ("pod-update-ephemeral-kubectl-debug-restricted.json", false, true),
        ("pod-update-label-noncompliant.json", false, true),
        ("pod-update-annotate-noncompliant.json", false, true),
        ("deployment-update-label-noncompliant.json", true, true),
    ]

    static func patch(of response: Curl.Response) throws -> [[String: Any]]? {
        let review = try #require(response.review)
        #expect(review["allowed"] as? Bool == true)
        guard let encoded = review["patch"] as? String else {
            #expect(review["patchType"] == nil)
            return nil
        }
        #expect(review["patchType"] as? String == "JSONPatch")
        let data = try #require(Data(base64Encoded: encoded))
        return try #require(try JSONSerialization.jsonObject(with: data) as? [[String: Any]])
    }

    /// The review with its object patched, as the apiserver would send it to the validating webhook next.
    static func patchedReview(_ review: [String: Any], _ patch: [[String: Any]]) throws -> Data {
        var review = review
        var request = try #require(review["request"] as? [String: Any])
        request["object"] = try TestJSONPatch.apply(patch, to: try #require(request["object"]))
        review["request"] = request
        return try JSONSerialization.data(withJSONObject: review)
    }

    @Test func everyCapturedReview() throws {
        try RunningWebhook.with { webhook throws in
            for (file, patched, allowedAfter) in Self.captured {
                let review = try Fixtures.review(file)
                let response = try Curl.post(port: webhook.port, "/mutate?timeout=5s", try Fixtures.body(file))
                #expect(response.status == 200, "\(file)")
                #expect(response.review?["uid"] as? String == (review["request"] as? [String: Any])?["uid"] as? String)
                let patch = try Self.patch(of: response)
                #expect((patch != nil) == patched, "\(file)")
                let body = try Self.patchedReview(review, patch ?? [])
                let validated = try #require(try Curl.post(port: webhook.port, "/validate", body).review)
                #expect(validated["allowed"] as? Bool == allowedAfter, "\(file): \(validated)")
                // Mutation is idempotent: the patched object needs no further patch (reinvocationPolicy IfNeeded).
                let again = try Curl.post(port: webhook.port, "/mutate", body)
                #expect(try Self.patch(of: again) == nil, "\(file)")
            }
            let lines = webhook.log.lines.filter { $0.contains("mutation patched") }
            #expect(lines.count == 10)
            #expect(lines.allSatisfy { $0.contains(#""patch":["add /spec/"#) || $0.contains(#""patch":["add \/spec\/"#) })
            let metrics = try Curl.get(port: webhook.port, "/metrics").text
            #expect(metrics.contains(#"capguard_mutation_requests_total{result="patched",kind="Pod",operation="CREATE"} 5"#))
            #expect(metrics.contains(#"capguard_mutation_requests_total{result="patched",kind="Deployment",operation="UPDATE"} 1"#))
        }
    }

    /// kubectl debug's legacy profile: only the new ephemeral container is patched, never the Pod's own.
    @Test func ephemeralContainersOnlyTheNewOnes() throws {
        try RunningWebhook.with { webhook throws in
            let file = "pod-update-ephemeral-kubectl-debug-legacy.json"
            let review = try Fixtures.review(file)
            let request = try #require(review["request"] as? [String: Any])
            let object = try #require(request["object"] as? [String: Any])
            let spec = try #require(object["spec"] as? [String: Any])
            let ephemeral = try #require(spec["ephemeralContainers"] as? [[String: Any]])
            let patch = try #require(try Self.patch(of: try Curl.post(port: webhook.port, "/mutate", try Fixtures.body(file))))
            #expect(patch.map { $0["path"] as? String } == ["/spec/ephemeralContainers/\(ephemeral.count - 1)/securityContext"])
            #expect(patch.map { $0["op"] as? String } == ["add"])

            // The debugger of the fixture now runs already, still violating: it stays as it is, and only a second
            // one that the request adds is patched.
            let twoNew = try Fixtures.edited(file) { request in
                var object = request["object"] as! [String: Any]
                var spec = object["spec"] as! [String: Any]
                var containers = spec["ephemeralContainers"] as! [[String: Any]]
                var second = containers[containers.count - 1]
                second["name"] = "debugger-2"
                containers.append(second)
                spec["ephemeralContainers"] = containers
                object["spec"] = spec
                request["object"] = object
                var old = request["oldObject"] as! [String: Any]
                var oldSpec = old["spec"] as! [String: Any]
                oldSpec["ephemeralContainers"] = [containers[0]]
                old["spec"] = oldSpec
                request["oldObject"] = old
            }
            let paths = try #require(try Self.patch(of: try Curl.post(port: webhook.port, "/mutate", twoNew))).compactMap { $0["path"] as? String }
            #expect(ephemeral.count == 1)
            #expect(paths == ["/spec/ephemeralContainers/1/securityContext"])
            #expect(paths.allSatisfy { !$0.hasPrefix("/spec/containers") && !$0.hasPrefix("/spec/initContainers") })
        }
    }

    @Test func everyWorkloadKindOnCreateAndUpdate() throws {
        try RunningWebhook.with { webhook throws in
            for (apiVersion, kind, _) in Workloads.kinds {
                let podSpec: [String: Any] = [
                    "containers": [["name": "app", "image": "nginx", "securityContext": ["capabilities": ["add": ["cap_chown"]]]]],
                    "initContainers": [["name": "init", "image": "busybox"]],
                ]
                let object = Workloads.object(apiVersion: apiVersion, kind: kind, podSpec: podSpec)
                for operation in kind == "Pod" || kind == "Job" ? ["CREATE"] : ["CREATE", "UPDATE"] {
                    let group = apiVersion.contains("/") ? String(apiVersion.split(separator: "/")[0]) : ""
                    var request: [String: Any] = [
                        "uid": "u-\(kind)-\(operation)", "operation": operation, "namespace": "prod",
                        "kind": ["group": group, "version": String(apiVersion.split(separator: "/").last!), "kind": kind],
                        "userInfo": ["username": "alice"], "object": object,
                    ]
                    if operation == "UPDATE" { request["oldObject"] = object }
                    let review: [String: Any] = ["apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview", "request": request]
                    let response = try Curl.post(port: webhook.port, "/mutate", try JSONSerialization.data(withJSONObject: review))
                    let patch = try #require(try Self.patch(of: response), "\(kind) \(operation)")
                    #expect(patch.map { $0["op"] as? String } == ["replace", "add", "add"], "\(kind)")
                    let validated = try #require(try Curl.post(port: webhook.port, "/validate", try Self.patchedReview(review, patch)).review)
                    #expect(validated["allowed"] as? Bool == true, "\(kind) \(operation): \(validated)")
                    #expect(validated["warnings"] == nil, "\(kind) \(operation)")
                }
            }
        }
    }

    @Test func exemptWindowsAndPodUpdatesAreNotPatched() throws {
        let policies = PolicySet(exemptions: Exemptions(namespaces: ["kube-system"]))
        let loaded = LoadedPolicy(policies: policies, path: nil, contentHash: "", generation: 1)
        try RunningWebhook.with(.fixed(loaded)) { webhook throws in
            let exempt = try Fixtures.edited("pod-create-no-drop.json") { $0["namespace"] = "kube-system" }
            let windows = try Fixtures.edited("pod-create-no-drop.json") { request in
                var object = request["object"] as! [String: Any]
                var spec = object["spec"] as! [String: Any]
                spec["os"] = ["name": "windows"]
                object["spec"] = spec
                request["object"] = object
            }
            let update = try Fixtures.edited("pod-create-no-drop.json") { request in
                request["operation"] = "UPDATE"
                request["oldObject"] = request["object"]
            }
            // A Job's pod template is immutable once the Job exists.
            let job = Workloads.object(apiVersion: "batch/v1", kind: "Job", podSpec: ["containers": [["name": "a", "image": "x"]]])
            let jobUpdate = try JSONSerialization.data(withJSONObject: [
                "apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview",
                "request": ["uid": "j", "operation": "UPDATE", "namespace": "prod", "kind": ["group": "batch", "version": "v1", "kind": "Job"],
                            "object": job, "oldObject": job] as [String: Any],
            ] as [String: Any])
            for body in [exempt, windows, update, jobUpdate] {
                #expect(try Self.patch(of: try Curl.post(port: webhook.port, "/mutate", body)) == nil)
            }
            let reasons = webhook.log.lines.filter { $0.contains("mutation not needed") }
            #expect(reasons.count == 4)
            #expect(reasons[0].contains(#""reason":"exempt""#))
            #expect(reasons[1].contains(#""reason":"windows_pod""#))
            #expect(reasons[2].contains(#""reason":"not_mutable""#))
            #expect(reasons[3].contains(#""reason":"not_mutable""#))
        }
    }

    @Test func auditModePatchesNothingAndWarnsWhatItWouldHaveAdded() throws {
        let loaded = LoadedPolicy(policies: PolicySet(base: Policy(mode: .audit)), path: nil, contentHash: "", generation: 1)
        try RunningWebhook.with(.fixed(loaded)) { webhook throws in
            let response = try Curl.post(port: webhook.port, "/mutate", try Fixtures.body("pod-create-no-drop.json"))
            #expect(try Self.patch(of: response) == nil)
            let warnings = try #require(response.review?["warnings"] as? [String])
            #expect(warnings == [#"audit mode: capguard would add spec.containers[0].securityContext {"capabilities":{"drop":["ALL"]}}"#])
            #expect(webhook.log.lines.contains { $0.contains("would have patched") && $0.contains("wouldPatch") })
        }
    }

    @Test func defaultAddCapabilitiesGoToContainersThatGetDropAll() throws {
        let file = """
            allowedCapabilities: [NET_BIND_SERVICE, CHOWN]
            mutation:
              defaultAddCapabilities: [NET_BIND_SERVICE]
            """
        let policies = try PolicyFile.parse(file, file: "policy.yaml")
        let loaded = LoadedPolicy(policies: policies, path: nil, contentHash: "", generation: 1)
        try RunningWebhook.with(.fixed(loaded)) { webhook throws in
            let body = try Fixtures.edited("pod-create-two-violations.json") { request in
                var object = request["object"] as! [String: Any]
                var spec = object["spec"] as! [String: Any]
                var containers = spec["containers"] as! [[String: Any]]
                containers[1]["securityContext"] = ["capabilities": ["add": ["cap_chown"], "drop": ["NET_RAW"]]]
                spec["containers"] = containers
                object["spec"] = spec
                request["object"] = object
            }
            let patch = try #require(try Self.patch(of: try Curl.post(port: webhook.port, "/mutate", body)))
            let review = try JSONSerialization.jsonObject(with: body) as! [String: Any]
            let patched = try TestJSONPatch.apply(patch, to: (review["request"] as! [String: Any])["object"]!) as! [String: Any]
            let containers = (patched["spec"] as! [String: Any])["containers"] as! [[String: Any]]
            let capabilities = containers.map { ($0["securityContext"] as? [String: Any])?["capabilities"] as? [String: Any] }
            #expect(capabilities[0]?["drop"] as? [String] == ["ALL"])
            #expect(capabilities[0]?["add"] as? [String] == ["NET_BIND_SERVICE"])
            #expect(capabilities[1]?["drop"] as? [String] == ["ALL"])
            #expect(capabilities[1]?["add"] as? [String] == ["CHOWN", "NET_BIND_SERVICE"])
            let validated = try #require(try Curl.post(port: webhook.port, "/validate", try Self.patchedReview(review, patch)).review)
            #expect(validated["allowed"] as? Bool == true)
        }
    }

    @Test func dropAllOffFixesOnlySpellings() throws {
        let policies = try PolicyFile.parse("mutation: {dropAll: false}\n", file: "policy.yaml")
        let loaded = LoadedPolicy(policies: policies, path: nil, contentHash: "", generation: 1)
        try RunningWebhook.with(.fixed(loaded)) { webhook throws in
            #expect(try Self.patch(of: try Curl.post(port: webhook.port, "/mutate", try Fixtures.body("pod-create-no-drop.json"))) == nil)
        }
    }
}
