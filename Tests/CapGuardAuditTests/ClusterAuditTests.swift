import CapGuardAudit
import CapGuardKube
import CapGuardPolicy
import Testing

/// Owner folding, exemptions, Windows pods and per-namespace policy, on the cluster recorded from a
/// kube-apiserver: Deployments web-bad (3 pods, no securityContext) and web-good (2 compliant pods) through
/// their ReplicaSets, CronJob nightly-bad through its Job (1 pod), and standalone Pods loner-bad (adds
/// SYS_ADMIN) and loner-good.
@Suite struct ClusterAuditTests {
    static let ns = RecordedCluster.namespace

    func audit(_ cluster: RecordedCluster, policies: PolicySet = .default, namespace: String? = nil) throws -> AuditResult {
        try AuditScan.run(lister: cluster, namespace: namespace, policies: policies)
    }

    func object(_ result: AuditResult, _ kind: String, _ name: String) throws -> AuditedObject {
        try #require(result.objects.first { $0.kind == kind && $0.name == name }, "\(kind) \(name) not reported")
    }

    @Test func podsFoldUnderTheirTopOwner() throws {
        let result = try audit(try RecordedCluster())
        #expect(result.objects.map { "\($0.kind)/\($0.name)" } == [
            "CronJob/nightly-bad", "Deployment/web-bad", "Deployment/web-good", "Pod/loner-bad", "Pod/loner-good",
        ])
        let webBad = try object(result, "Deployment", "web-bad")
        #expect(webBad.status == .violating)
        #expect(webBad.pods == 3 && webBad.violatingPods == 3)
        #expect(webBad.violations.map(\.rule) == [.dropAll])
        #expect(webBad.violations.first?.message == "Deployment \(Self.ns)/web-bad: container \"app\" (spec.template.spec.containers[0]) "
            + "must drop ALL capabilities: add securityContext.capabilities.drop: [\"ALL\"]")
        #expect(webBad.uid == "42ec5a1b-9023-4435-9b07-5547276b6735")
        let cron = try object(result, "CronJob", "nightly-bad")
        #expect(cron.pods == 1 && cron.violatingPods == 1 && cron.status == .violating)
        #expect(cron.violations.first?.field == "spec.jobTemplate.spec.template.spec.containers[0].securityContext.capabilities.drop")
        let webGood = try object(result, "Deployment", "web-good")
        #expect(webGood.status == .compliant && webGood.pods == 2 && webGood.violatingPods == 0 && !webGood.needsAttention)
        let loner = try object(result, "Pod", "loner-bad")
        #expect(loner.pods == 1 && loner.violatingPods == 1 && loner.violations.map(\.rule) == [.addedCapability])
        #expect(loner.note == nil)
        let summary = result.summary
        #expect([summary.objects, summary.violating, summary.compliant, summary.compliantWithViolatingPods, summary.exempt,
                 summary.windows, summary.pods, summary.violatingPods] == [5, 3, 2, 0, 0, 0, 8, 5])
        #expect(result.needsAttention)
    }

    @Test func listsOwnersBeforeWhatTheyOwn() throws {
        let cluster = try RecordedCluster()
        _ = try audit(cluster, namespace: Self.ns)
        #expect(cluster.requests.map(\.0) == ClusterAudit.listingOrder)
        #expect(cluster.requests.allSatisfy { $0.1 == Self.ns })
    }

    @Test func aMissingReplicaSetLeavesItsPodsReportedThemselves() throws {
        let cluster = try RecordedCluster()
        cluster.pages[.replicaSets] = []
        let result = try audit(cluster)
        let pods = result.objects.filter { $0.kind == "Pod" && $0.name.hasPrefix("web-bad-") }
        #expect(pods.count == 3)
        #expect(pods.allSatisfy { $0.note == "owned by ReplicaSet \(Self.ns)/web-bad-5d9c7, which is not among the listed objects: reported as itself" })
        #expect(pods.allSatisfy { $0.status == .violating && $0.pods == 1 })
        #expect(try object(result, "Deployment", "web-bad").pods == 0)
    }

    @Test func aMissingDeploymentLeavesItsPodsUnderTheReplicaSet() throws {
        let cluster = try RecordedCluster()
        cluster.remove(.deployments, named: "web-bad")
        let result = try audit(cluster)
        let replicaSet = try object(result, "ReplicaSet", "web-bad-5d9c7")
        #expect(replicaSet.pods == 3 && replicaSet.status == .violating)
        #expect(replicaSet.note == "owned by Deployment \(Self.ns)/web-bad, which is not among the listed objects: reported as itself")
        #expect(!result.objects.contains { $0.kind == "Pod" && $0.name.hasPrefix("web-bad-") })
    }

    @Test func aFixedTemplateWithOldPodsStillRunningSaysBoth() throws {
        let cluster = try RecordedCluster()
        var fixed = try #require(cluster.pages[.deployments]?[0].first { $0.metadata.name == "web-bad" })
        fixed.podSpec = PodSpec(containers: [Container(name: "app", image: "nginx", securityContext: SecurityContext(
            capabilities: Capabilities(drop: ["ALL"])))])
        cluster.remove(.deployments, named: "web-bad")
        cluster.add(fixed, to: .deployments)
        let result = try audit(cluster)
        let webBad = try object(result, "Deployment", "web-bad")
        #expect(webBad.status == .compliant && webBad.violations.isEmpty)
        #expect(webBad.pods == 3 && webBad.violatingPods == 3 && webBad.exampleViolatingPod == "web-bad-5d9c7-0")
        #expect(webBad.needsAttention && result.needsAttention)
        #expect(result.summary.compliantWithViolatingPods == 1)
        #expect(AuditReport.textLines(result).contains(
            "  Deployment \(Self.ns)/web-bad: the template complies, but 3 of 3 running pods still violate, such as web-bad-5d9c7-0: "
                + "they were made from an older template and are replaced when restarted"))
    }

    @Test func anExemptNamespaceCountsEveryObjectAsExempt() throws {
        let policies = PolicySet(exemptions: Exemptions(namespaces: [Self.ns]))
        let result = try audit(try RecordedCluster(), policies: policies)
        #expect(result.objects.allSatisfy { $0.status == .exempt && $0.exemptions == ["namespace \(Self.ns)"] })
        #expect(result.summary.exempt == 5 && result.summary.pods == 8 && result.summary.violatingPods == 0)
        #expect(!result.needsAttention)
    }

    @Test func anExemptImageIsLeftOutAndSaidSo() throws {
        let policies = PolicySet(exemptions: Exemptions(images: ["nginx"]))
        let result = try audit(try RecordedCluster(), policies: policies)
        #expect(result.objects.allSatisfy { $0.status == .compliant && $0.exemptions == ["image nginx"] })
        #expect(!result.needsAttention)
    }

    @Test func usersAndGroupsExemptNothingInAnAudit() throws {
        let policies = PolicySet(exemptions: Exemptions(users: ["system:serviceaccount:kube-system:replicaset-controller"],
                                                        groups: ["system:serviceaccounts"]))
        #expect(try audit(try RecordedCluster(), policies: policies).summary.violating == 3)
    }

    @Test func aNamespaceOverrideDecidesItsObjects() throws {
        var allowing = Policy.default
        allowing.setAllowedCapabilities(Policy.defaultAllowedCapabilities + [LinuxCapability.named("SYS_ADMIN")!])
        let result = try audit(try RecordedCluster(), policies: PolicySet(namespaceOverrides: [Self.ns: allowing]))
        let loner = try object(result, "Pod", "loner-bad")
        #expect(loner.status == .compliant && loner.violatingPods == 0)
        #expect(try object(result, "Deployment", "web-bad").status == .violating)
    }

    @Test func aGrantMakesItsContainersCompliantAndIsSaid() throws {
        let grant = Grant(name: "loner-admin", namespaces: [Self.ns], allowedCapabilities: [LinuxCapability.named("SYS_ADMIN")!])
        let result = try audit(try RecordedCluster(), policies: PolicySet(grants: [grant]))
        let loner = try object(result, "Pod", "loner-bad")
        #expect(loner.status == .compliant && loner.violatingPods == 0)
        #expect(loner.grants.count == 1 && loner.grants.allSatisfy { $0.contains("SYS_ADMIN, allowed by grant loner-admin") })
        #expect(AuditReport.textLines(result).contains { $0.hasPrefix("  note: Pod \(Self.ns)/loner-bad") && $0.hasSuffix("allowed by grant loner-admin") })
        #expect(try object(result, "Deployment", "web-bad").grants.isEmpty)
    }

    @Test func aListThatExpiresMidwayStartsTheAuditOverOnce() throws {
        let expected = try audit(try RecordedCluster())
        let once = ExpiringLister(cluster: try RecordedCluster(), expirations: 1)
        #expect(try AuditScan.run(lister: once, namespace: nil, policies: .default) == expected)
        let twice = ExpiringLister(cluster: try RecordedCluster(), expirations: 2)
        #expect(throws: ListExpired.self) { try AuditScan.run(lister: twice, namespace: nil, policies: .default) }
    }

    @Test func windowsPodsAreCountedAsSuch() throws {
        let cluster = try RecordedCluster()
        cluster.add(KubeObject(apiVersion: "v1", kind: "Pod",
                               metadata: ObjectMetadata(name: "win", namespace: Self.ns, uid: "w-1"),
                               podSpec: PodSpec(containers: [Container(name: "iis")], osName: "windows")), to: .pods)
        let result = try audit(cluster)
        let windows = try object(result, "Pod", "win")
        #expect(windows.status == .windowsPod && windows.pods == 1 && windows.violatingPods == 0)
        #expect(result.summary.windows == 1)
    }

    @Test func anAPIErrorFailsTheWholeAudit() throws {
        struct Refused: APIFailureReason { var reason: String { "Forbidden" } }
        let cluster = try RecordedCluster()
        cluster.failing[.jobs] = Refused()
        #expect(throws: Refused.self) { try audit(cluster) }
        #expect(AuditScan.reason(of: Refused()) == "Forbidden")
        struct Opaque: Error {}
        #expect(AuditScan.reason(of: Opaque()) == "other")
    }

    @Test func aPodOfAnOwnerCapguardDoesNotListIsReportedItselfWithANote() throws {
        let cluster = try RecordedCluster()
        let mirror = ObjectMetadata(name: "etcd-node-1", namespace: Self.ns, uid: "mirror",
                                    ownerReferences: [OwnerReference(apiVersion: "v1", kind: "Node", name: "node-1", uid: "node-uid")])
        cluster.add(KubeObject(apiVersion: "v1", kind: "Pod", metadata: mirror, podSpec: PodSpec(containers: [Container(name: "etcd")])), to: .pods)
        let pod = try object(try audit(cluster), "Pod", "etcd-node-1")
        #expect(pod.status == .violating && pod.pods == 1)
        #expect(pod.note == "owned by Node \(Self.ns)/node-1, which is not among the listed objects: reported as itself")
    }

    @Test func anOwnerThatIsNotTheControllerDoesNotFold() throws {
        let cluster = try RecordedCluster()
        let owners = [OwnerReference(apiVersion: "apps/v1", kind: "Deployment", name: "web-bad", uid: "42ec5a1b-9023-4435-9b07-5547276b6735",
                                     controller: false)]
        cluster.add(KubeObject(apiVersion: "v1", kind: "Pod", metadata: ObjectMetadata(name: "adopted", namespace: Self.ns, uid: "a",
                                                                                      ownerReferences: owners),
                               podSpec: PodSpec(containers: [Container(name: "c")])), to: .pods)
        let result = try audit(cluster)
        #expect(try object(result, "Pod", "adopted").note == nil)
        #expect(try object(result, "Deployment", "web-bad").pods == 3)
    }
}

struct ListExpired: APIFailureReason {
    var reason: String { "Expired" }
}

/// Hands over the first page of pods, then fails as an expired continue token does, `expirations` times.
final class ExpiringLister: ObjectLister, @unchecked Sendable {
    let cluster: RecordedCluster
    var expirations: Int

    init(cluster: RecordedCluster, expirations: Int) {
        self.cluster = cluster
        self.expirations = expirations
    }

    func list(_ resource: APIResource, namespace: String?, page: ([KubeObject]) throws -> Void) throws {
        guard resource == .pods, expirations > 0 else { return try cluster.list(resource, namespace: namespace, page: page) }
        expirations -= 1
        try page(cluster.pages[.pods]?.first ?? [])
        throw ListExpired()
    }
}
