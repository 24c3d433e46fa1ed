import CapGuardAudit
import CapGuardKube
import CapGuardPolicy
import CapGuardTestSupport
import Foundation
import Testing

/// A cluster of 50,000 pods, made page by page as a paginated list hands them over (500 a page), so that
/// only the audit's own summaries accumulate. Prints the resident set figures; asserts only the counts.
final class SyntheticCluster: ObjectLister {
    let deployments: Int
    let podsPerDeployment: Int
    /// Pods with no owner: each is reported, and so kept, by itself.
    let standalonePods: Int
    static let pageSize = 500

    init(deployments: Int, podsPerDeployment: Int, standalonePods: Int) {
        self.deployments = deployments
        self.podsPerDeployment = podsPerDeployment
        self.standalonePods = standalonePods
    }

    static func spec(violating: Bool) -> PodSpec {
        PodSpec(containers: [
            Container(name: "app", image: "registry.example.com/team/app:1.2.3",
                      securityContext: violating ? nil : SecurityContext(capabilities: Capabilities(drop: ["ALL"]))),
            Container(name: "sidecar", image: "registry.example.com/proxy:2",
                      securityContext: SecurityContext(capabilities: Capabilities(add: violating ? ["NET_ADMIN"] : [], drop: ["ALL"]))),
        ])
    }

    func list(_ resource: APIResource, namespace: String?, page: ([KubeObject]) throws -> Void) throws {
        let count: Int
        switch resource {
        case .deployments, .replicaSets: count = deployments
        case .pods: count = deployments * podsPerDeployment + standalonePods
        default: return
        }
        var start = 0
        while start < count {
            let objects = (start..<min(count, start + Self.pageSize)).map { object(resource, $0) }
            try page(objects)
            start += Self.pageSize
        }
    }

    private func object(_ resource: APIResource, _ index: Int) -> KubeObject {
        switch resource {
        case .deployments:
            return KubeObject(apiVersion: "apps/v1", kind: "Deployment", metadata: ObjectMetadata(
                name: "web-\(index)", namespace: "team-\(index % 100)", uid: "deploy-\(index)"), podSpec: Self.spec(violating: index % 2 == 0))
        case .replicaSets:
            return KubeObject(apiVersion: "apps/v1", kind: "ReplicaSet", metadata: ObjectMetadata(
                name: "web-\(index)-5d9c7", namespace: "team-\(index % 100)", uid: "rs-\(index)",
                ownerReferences: [OwnerReference(apiVersion: "apps/v1", kind: "Deployment", name: "web-\(index)", uid: "deploy-\(index)")]),
                podSpec: Self.spec(violating: index % 2 == 0))
        default:
            let owned = deployments * podsPerDeployment
            if index < owned {
                let deployment = index / podsPerDeployment
                return KubeObject(apiVersion: "v1", kind: "Pod", metadata: ObjectMetadata(
                    name: "web-\(deployment)-5d9c7-\(index)", namespace: "team-\(deployment % 100)", uid: "pod-\(index)",
                    ownerReferences: [OwnerReference(apiVersion: "apps/v1", kind: "ReplicaSet", name: "web-\(deployment)-5d9c7", uid: "rs-\(deployment)")]),
                    podSpec: Self.spec(violating: deployment % 2 == 0))
            }
            return KubeObject(apiVersion: "v1", kind: "Pod", metadata: ObjectMetadata(
                name: "loner-\(index)", namespace: "team-\(index % 100)", uid: "pod-\(index)"), podSpec: Self.spec(violating: true))
        }
    }
}

@Suite(.serialized) struct LargeClusterTests {
    static let pods = 50_000

    func measure(_ cluster: SyntheticCluster, _ label: String) throws -> AuditResult {
        let before = try #require(ProcessMemory(pid: getpid()))
        let start = Date()
        let result = try AuditScan.run(lister: cluster, namespace: nil, policies: .default)
        let seconds = Date().timeIntervalSince(start)
        let after = try #require(ProcessMemory(pid: getpid()))
        let grown = max(0, after.peakResidentBytes - before.peakResidentBytes)
        print("audit of \(label): \(result.summary.objects) objects, \(result.summary.pods) pods in \(String(format: "%.2f", seconds)) s; "
            + "peak RSS \(after.peakResidentBytes / 1024) KiB (grew \(grown / 1024) KiB, \(grown / Self.pods) bytes per pod)")
        return result
    }

    @Test func fiftyThousandPodsUnderFiveThousandDeployments() throws {
        let result = try measure(SyntheticCluster(deployments: 5000, podsPerDeployment: 10, standalonePods: 0), "5,000 Deployments x 10 pods")
        #expect(result.summary.objects == 5000 && result.summary.pods == Self.pods)
        #expect(result.summary.violating == 2500 && result.summary.violatingPods == 25_000)
        // Each violating Deployment: the app container's drop rule and the sidecar's NET_ADMIN.
        #expect(result.objects.first { $0.status == .violating }?.violations.map(\.rule) == [.dropAll, .addedCapability])
    }

    @Test func fiftyThousandStandalonePods() throws {
        let result = try measure(SyntheticCluster(deployments: 0, podsPerDeployment: 0, standalonePods: Self.pods), "50,000 standalone pods")
        #expect(result.summary.objects == Self.pods && result.summary.violatingPods == Self.pods)
    }
}
