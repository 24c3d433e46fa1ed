import CapGuardKube
import CapGuardTestSupport
import Foundation

/// A cluster played back from list responses captured from a kube-apiserver (Tests/Fixtures/apiserver-lists):
/// each captured page is one page, decoded as the API client decodes list items (kind and apiVersion from the
/// resource, since list items leave them out). Objects can be added or removed to make cases the capture lacks.
final class RecordedCluster: ObjectLister, @unchecked Sendable {
    static let directory = Fixtures.repository.appendingPathComponent("Tests/Fixtures/apiserver-lists")
    static let namespace = "capguard-audit-e2e"

    /// Pages by resource; only touched before the cluster is handed to an audit.
    var pages: [APIResource: [[KubeObject]]]
    /// Resources whose listing fails, as RBAC refusing them would.
    var failing: [APIResource: any Error] = [:]
    private(set) var requests: [(APIResource, String?)] = []

    init() throws {
        pages = [
            .pods: [try Self.page("pods-page1.json", .pods), try Self.page("pods-page2.json", .pods)],
            .deployments: [try Self.page("deployments.json", .deployments)],
            .replicaSets: [try Self.page("replicasets.json", .replicaSets)],
            .cronJobs: [try Self.page("cronjobs.json", .cronJobs)],
            .jobs: [try Self.page("jobs.json", .jobs)],
        ]
    }

    func list(_ resource: APIResource, namespace: String?, page: ([KubeObject]) throws -> Void) throws {
        requests.append((resource, namespace))
        if let error = failing[resource] { throw error }
        for objects in pages[resource] ?? [] {
            try page(objects.filter { namespace == nil || $0.metadata.namespace == namespace })
        }
    }

    func add(_ object: KubeObject, to resource: APIResource) {
        pages[resource, default: [[]]][0].append(object)
    }

    func remove(_ resource: APIResource, named name: String) {
        pages[resource] = pages[resource]?.map { $0.filter { $0.metadata.name != name } }
    }

    static func page(_ file: String, _ resource: APIResource) throws -> [KubeObject] {
        let data = try Data(contentsOf: directory.appendingPathComponent(file))
        return try JSONDecoder().decode(ListPage.self, from: data, configuration: resource).items
    }
}

/// A list response's items, each typed with the resource's apiVersion and kind.
struct ListPage: DecodableWithConfiguration {
    let items: [KubeObject]

    private enum CodingKeys: String, CodingKey { case items }

    init(from decoder: any Decoder, configuration resource: APIResource) throws {
        var items = try decoder.container(keyedBy: CodingKeys.self).nestedUnkeyedContainer(forKey: .items)
        var objects: [KubeObject] = []
        while !items.isAtEnd {
            objects.append(try KubeObject(from: items.superDecoder(), defaultType: (resource.apiVersion, resource.kind)))
        }
        self.items = objects
    }
}
