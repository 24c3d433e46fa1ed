import CapGuardKube
@testable import CapGuardKubeClient
import CapGuardTestSupport
import Foundation
import Synchronization
import Testing

@Suite struct PaginatedListerTests {
    private let namespace = "capguard-audit-e2e"

    @Test func followsContinueTokensAcrossTwoChunkedPagesOnOneConnection() throws {
        try StubAPIServer.with(handler: podsPages) { server in
            let lister = PaginatedLister(requester: APIClient(connection: .stub(server), userAgent: "capguard/1.2.3"), pageSize: 4)
            var pages: [[KubeObject]] = []
            try lister.list(.pods, namespace: namespace) { pages.append($0) }

            #expect(pages.map(\.count) == [4, 4, 1])
            #expect(pages.joined().allSatisfy { $0.apiVersion == "v1" && $0.kind == "Pod" && $0.podSpec != nil })
            #expect(pages[0].first?.metadata.name == "loner-bad")
            let requests = server.requests
            #expect(requests.map(\.path) == [
                "/api/v1/namespaces/capguard-audit-e2e/pods?limit=4",
                "/api/v1/namespaces/capguard-audit-e2e/pods?limit=4&continue="
                    + "eyJ2IjoibWV0YS5rOHMuaW8vdjEiLCJydiI6Nzc1LCJzdGFydCI6IndlYi1iYWQtNWQ5YzctMFx1MDAwMCJ9",
                "/api/v1/namespaces/capguard-audit-e2e/pods?limit=4&continue="
                    + "eyJ2IjoibWV0YS5rOHMuaW8vdjEiLCJydiI6Nzc1LCJzdGFydCI6IndlYi1nb29kLTVkOWM3LTFcdTAwMDAifQ",
            ])
            #expect(requests.map(\.connection) == [0, 0, 0])
            #expect(requests.allSatisfy {
                $0.bearerToken == "good-token" && $0.headers["accept"] == "application/json"
                    && $0.headers["user-agent"] == "capguard/1.2.3" && $0.headers["host"] == "127.0.0.1:\(server.port)"
            })
        }
    }

    @Test func decodesEveryWorkloadListWithTheResourcesType() throws {
        let lists: [(APIResource, String, Int)] = [
            (.deployments, "deployments.json", 2), (.replicaSets, "replicasets.json", 2), (.jobs, "jobs.json", 1),
            (.cronJobs, "cronjobs.json", 1),
        ]
        for (resource, fixture, _) in lists {
            try StubAPIServer.with(handler: { _ in .list(fixture) }) { server in
                var objects: [KubeObject] = []
                try PaginatedLister(requester: APIClient(connection: .stub(server))).list(resource, namespace: nil) { objects += $0 }
                #expect(!objects.isEmpty)
                #expect(objects.allSatisfy { $0.kind == resource.kind && $0.apiVersion == resource.apiVersion && $0.podSpec != nil })
                #expect(server.requests.map(\.path) == ["\(resource.collectionPath(namespace: nil))?limit=500"])
            }
        }
    }

    @Test func anExpiredListStartsOverOnceAfterTellingTheCaller() throws {
        let calls = Mutex(0)
        let handler: @Sendable (StubRequest) -> StubResponse = { request in
            let call = calls.withLock { count in
                count += 1
                return count
            }
            if call == 2 {
                return .status(410, reason: "Expired", message: "The provided continue parameter is too old to display a consistent list result.")
            }
            return podsPages(request)
        }
        try StubAPIServer.with(handler: handler) { server in
            let lister = PaginatedLister(requester: APIClient(connection: .stub(server)), pageSize: 4)
            var collected: [String] = []
            var restarts = 0
            try lister.list(.pods, namespace: namespace, restart: {
                restarts += 1
                collected.removeAll()
            }) { page in
                collected += page.compactMap(\.metadata.name)
            }
            #expect(restarts == 1)
            #expect(collected.count == 9)
            #expect(Set(collected).count == 9)
            #expect(server.requests.map { $0.path.contains("continue=") } == [false, true, false, true, true])
        }
    }

    @Test func anExpiredListFailsThroughTheProtocolWhichCannotTellTheCallerToStartOver() throws {
        let calls = Mutex(0)
        let handler: @Sendable (StubRequest) -> StubResponse = { request in
            let call = calls.withLock { count in
                count += 1
                return count
            }
            return call == 2 ? .status(410, reason: "Expired", message: "too old") : podsPages(request)
        }
        try StubAPIServer.with(handler: handler) { server in
            let lister: any ObjectLister = PaginatedLister(requester: APIClient(connection: .stub(server)), pageSize: 4)
            let error = try #require(throws: APIRequestError.self) { try lister.list(.pods, namespace: nil) { _ in } }
            #expect(error.status == 410)
            #expect(error.description.contains("expired while it was read page by page"))
        }
    }

    @Test func aRefusedTokenNamesTheUserAndContext() throws {
        try StubAPIServer.with(handler: { _ in .status(401, "status-401.json") }) { server in
            let error = try #require(throws: APIRequestError.self) {
                try PaginatedLister(requester: APIClient(connection: .stub(server))).list(.pods, namespace: nil) { _ in }
            }
            #expect(error.apiStatus?.reason == "Unauthorized")
            #expect(error.description.hasPrefix(
                "the API server refused the credentials (user \"tester\" of context \"stub\") when asked to list pods"))
        }
    }

    @Test func anRBACRefusalSaysTheVerbResourceScopeAndHowToCheck() throws {
        try StubAPIServer.with(handler: { _ in .status(403, "status-403.json") }) { server in
            let error = try #require(throws: APIRequestError.self) {
                try PaginatedLister(requester: APIClient(connection: .stub(server))).list(.deployments, namespace: nil) { _ in }
            }
            #expect(error.apiStatus?.details?.group == "apps")
            #expect(error.apiStatus?.details?.kind == "deployments")
            let description = error.description
            #expect(description.hasPrefix("RBAC refused to list deployments.apps in all namespaces (user \"tester\" of context \"stub\")."))
            #expect(description.contains(
                "The API server said: deployments.apps is forbidden: User \"system:serviceaccount:capguard-audit-e2e:pods-only\""))
            #expect(description.contains("kubectl auth can-i list deployments.apps -A --as"))
        }
    }

    @Test func aResourceTheClusterDoesNotServeIsSaidSo() throws {
        try StubAPIServer.with(handler: { _ in .status(404, reason: "NotFound", message: "the server could not find the requested resource") }) { server in
            let error = try #require(throws: APIRequestError.self) {
                try PaginatedLister(requester: APIClient(connection: .stub(server))).list(.cronJobs, namespace: "team") { _ in }
            }
            #expect(error.description.hasPrefix(
                "the API server does not serve /apis/batch/v1/namespaces/team/cronjobs: batch/v1 cronjobs does not exist"))
        }
    }

    @Test func anotherStatusCarriesTheServersReasonAndMessage() throws {
        try StubAPIServer.with(handler: { _ in .status(400, "status-400-bad-continue.json") }) { server in
            let error = try #require(throws: APIRequestError.self) {
                try PaginatedLister(requester: APIClient(connection: .stub(server))).list(.pods, namespace: nil) { _ in }
            }
            #expect(error.description.hasPrefix("the API server answered 400 (BadRequest) to list pods in all namespaces"))
            #expect(error.description.contains("invalid continue token"))
        }
    }

    @Test func aServerRepeatingItsContinueTokenEndsTheList() throws {
        try StubAPIServer.with(handler: { _ in .list("pods-page1.json") }) { server in
            let error = try #require(throws: APIListDecodingError.self) {
                try PaginatedLister(requester: APIClient(connection: .stub(server)), pageSize: 4).list(.pods, namespace: nil) { _ in }
            }
            #expect(error.description.contains("the same continue token twice in a row"))
            #expect(server.requests.count == 2)
        }
    }

    @Test func continueTokensAreEscapedInTheQuery() {
        #expect(PaginatedLister.queryEscaped("a+b/c=") == "a%2Bb%2Fc%3D")
    }
}
