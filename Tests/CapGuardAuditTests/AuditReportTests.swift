import CapGuardAudit
import CapGuardKube
import CapGuardPolicy
import Foundation
import Testing

/// What `capguard audit` prints once, and its exit status, on the recorded cluster.
@Suite struct AuditReportTests {
    static let ns = RecordedCluster.namespace

    func runOnce(_ cluster: RecordedCluster, json: Bool = false, policies: PolicySet = .default) -> (Int32, [String], [String]) {
        var output: [String] = []
        var errors: [String] = []
        let once = AuditOnce(lister: cluster, namespace: nil, policies: policies, json: json)
        let (status, _) = once.run(output: { output.append($0) }, errors: { errors.append($0) })
        return (status, output, errors)
    }

    @Test func textGroupsByNamespaceWithCheckMessagesAndASummary() throws {
        let (status, output, errors) = runOnce(try RecordedCluster())
        let ns = Self.ns
        #expect(status == 1 && errors.isEmpty)
        #expect(output == [
            "namespace \(ns):",
            "  CronJob \(ns)/nightly-bad: container \"app\" (spec.jobTemplate.spec.template.spec.containers[0]) must drop ALL capabilities: "
                + "add securityContext.capabilities.drop: [\"ALL\"]",
            "  CronJob \(ns)/nightly-bad: 1 running pod, 1 violating",
            "  Deployment \(ns)/web-bad: container \"app\" (spec.template.spec.containers[0]) must drop ALL capabilities: "
                + "add securityContext.capabilities.drop: [\"ALL\"]",
            "  Deployment \(ns)/web-bad: 3 running pods, 3 violating",
            "  Pod \(ns)/loner-bad: container \"app\" (spec.containers[0]) adds SYS_ADMIN, which is not allowed (allowed: "
                + "NET_BIND_SERVICE, CHOWN, SETUID, SETGID): SYS_ADMIN lets it perform a broad set of administration operations "
                + "(mount, namespaces, devices), close to full root; remove it from securityContext.capabilities.add",
            "5 objects: 3 violating, 2 compliant, 0 exempt, 0 Windows; 8 pods covered, 5 violating",
        ])
    }

    @Test func jsonHasEveryObjectAndTheSummary() throws {
        let (status, output, _) = runOnce(try RecordedCluster(), json: true)
        #expect(status == 1)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(output.joined(separator: "\n").utf8)) as? [String: Any])
        let objects = try #require(json["objects"] as? [[String: Any]])
        #expect(objects.count == 5)
        let webBad = try #require(objects.first { $0["name"] as? String == "web-bad" })
        #expect(webBad["kind"] as? String == "Deployment" && webBad["apiVersion"] as? String == "apps/v1")
        #expect(webBad["status"] as? String == "violating" && webBad["pods"] as? Int == 3 && webBad["violatingPods"] as? Int == 3)
        #expect(webBad["uid"] as? String == "42ec5a1b-9023-4435-9b07-5547276b6735")
        let violation = try #require((webBad["violations"] as? [[String: Any]])?.first)
        #expect(violation["rule"] as? String == "drop-all" && violation["container"] as? String == "app")
        #expect(violation["field"] as? String == "spec.template.spec.containers[0].securityContext.capabilities.drop")
        let summary = try #require(json["summary"] as? [String: Int])
        #expect(summary == ["objects": 5, "violating": 3, "compliant": 2, "compliantWithViolatingPods": 0, "exempt": 0,
                            "windows": 0, "pods": 8, "violatingPods": 5])
    }

    @Test func exitsZeroWhenEverythingComplies() throws {
        let (status, output, _) = runOnce(try RecordedCluster(), policies: PolicySet(exemptions: Exemptions(namespaces: [Self.ns])))
        #expect(status == 0)
        #expect(output == ["5 objects: 0 violating, 0 compliant, 5 exempt, 0 Windows; 8 pods covered, 0 violating"])
    }

    @Test func exitsTwoWhenTheAPICannotBeRead() throws {
        struct Refused: Error, CustomStringConvertible { var description: String { "list deployments: Forbidden" } }
        let cluster = try RecordedCluster()
        cluster.failing[.deployments] = Refused()
        let (status, output, errors) = runOnce(cluster)
        #expect(status == 2 && output.isEmpty)
        #expect(errors == ["capguard audit: cannot list the cluster's objects: list deployments: Forbidden"])
    }

    @Test func aNoteSaysWhereAPodWithAMissingOwnerIsReported() throws {
        let cluster = try RecordedCluster()
        cluster.pages[.jobs] = []
        let (_, output, _) = runOnce(cluster)
        #expect(output.contains("  note: Pod \(Self.ns)/nightly-bad-29000-x1: owned by Job \(Self.ns)/nightly-bad-29000, "
            + "which is not among the listed objects: reported as itself"))
    }
}
