import CapGuardKube
import FoundationEssentials

/// Lists collections in pages of `pageSize` objects (`limit` and `continue`), as client-go's pager does, so
/// that only one page is in memory at a time however large the cluster.
///
/// The continue token of a paginated list refers to the snapshot of its first page. When etcd compacts that
/// snapshot before the list is done, the server answers the next page with 410 Gone and reason `Expired`;
/// like client-go's pager, which then falls back to a full list, the lister starts the list over from the
/// first page, once. The pages already handed over belong to the old snapshot, so a caller that collects
/// them must be told: `list(_:namespace:restart:page:)` calls `restart` before starting over, and the
/// caller drops what it collected. Through the `ObjectLister` protocol, which has no such notice, an
/// expired list fails with an `APIRequestError` instead of handing over objects twice.
public struct PaginatedLister: ObjectLister {
    public let requester: any APIRequester
    public let pageSize: Int

    public init(requester: any APIRequester, pageSize: Int = 500) {
        precondition(pageSize > 0, "a page holds at least one object")
        self.requester = requester
        self.pageSize = pageSize
    }

    public func list(_ resource: APIResource, namespace: String?, page: ([KubeObject]) throws -> Void) throws {
        try list(resource, namespace: namespace, restart: nil, page: page)
    }

    /// Lists as `list(_:namespace:page:)`, and, when the list expires between pages, calls `restart` and
    /// lists again from the first page.
    public func list(
        _ resource: APIResource, namespace: String?, restart: (() throws -> Void)?, page: ([KubeObject]) throws -> Void
    ) throws {
        var restarted = false
        var continueToken: String?
        var pagesHanded = 0
        while true {
            let response = try requester.send(APIRequest(method: "GET", path: path(resource, namespace: namespace, continue: continueToken)))
            if response.status == 410, pagesHanded > 0, !restarted, let restart {
                restarted = true
                try restart()
                continueToken = nil
                pagesHanded = 0
                continue
            }
            guard response.status == 200 else {
                throw failure(response, resource: resource, namespace: namespace)
            }
            let list = try decode(response.body, resource: resource)
            try page(list.items)
            pagesHanded += 1
            let next = list.metadata?.continue.flatMap { $0.isEmpty ? nil : $0 }
            guard let next else { return }
            // A server (or proxy) answering the same token again would otherwise be listed forever.
            guard next != continueToken else { throw APIListDecodingError(resource: resource, reason: "the same continue token twice in a row") }
            continueToken = next
        }
    }

    private func path(_ resource: APIResource, namespace: String?, continue token: String?) -> String {
        var path = resource.collectionPath(namespace: namespace) + "?limit=\(pageSize)"
        if let token { path += "&continue=" + Self.queryEscaped(token) }
        return path
    }

    /// Continue tokens are base64 and may hold `+`, `/` and `=`, which a query must escape.
    static func queryEscaped(_ text: String) -> String {
        var escaped = ""
        for byte in text.utf8 {
            let unreserved = (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5a) || (byte >= 0x61 && byte <= 0x7a)
                || byte == 0x2d || byte == 0x2e || byte == 0x5f || byte == 0x7e
            if unreserved {
                escaped.unicodeScalars.append(Unicode.Scalar(byte))
            } else {
                escaped += "%" + String(byte >> 4, radix: 16, uppercase: true) + String(byte & 0x0f, radix: 16, uppercase: true)
            }
        }
        return escaped
    }

    private func decode(_ body: [UInt8], resource: APIResource) throws -> ObjectList {
        let decoder = JSONDecoder()
        decoder.userInfo[ObjectList.defaultTypeKey] = ObjectList.DefaultType(apiVersion: resource.apiVersion, kind: resource.kind)
        do {
            return try decoder.decode(ObjectList.self, from: Data(body))
        } catch {
            throw APIListDecodingError(resource: resource, reason: "\(error)")
        }
    }

    private func failure(_ response: APIResponse, resource: APIResource, namespace: String?) -> APIRequestError {
        APIRequestError(
            status: response.status, apiStatus: try? JSONDecoder().decode(APIStatus.self, from: Data(response.body)),
            verb: "list", resource: resource, namespace: namespace, identity: (requester as? APIClient)?.connection.identity)
    }
}

/// A list answer that is not a list of the resource's objects.
public struct APIListDecodingError: Error, Sendable, Equatable, CustomStringConvertible {
    public var resource: APIResource
    public var reason: String

    public var description: String {
        "the API server's list of \(resource.resource) is not a \(resource.kind)List as capguard reads it: \(reason)"
    }
}

/// One page of a list: its items, typed with the resource's apiVersion and kind, which items leave out.
struct ObjectList: Decodable {
    struct Metadata: Decodable {
        var `continue`: String?
    }

    struct DefaultType: Sendable {
        var apiVersion: String
        var kind: String
    }

    static let defaultTypeKey = CodingUserInfoKey(rawValue: "capguard.defaultType")!

    var metadata: Metadata?
    var items: [KubeObject]

    private enum CodingKeys: String, CodingKey { case metadata, items }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        metadata = try container.decodeIfPresent(Metadata.self, forKey: .metadata)
        items = try container.decodeIfPresent([TypedObject].self, forKey: .items)?.map(\.object) ?? []
    }

    private struct TypedObject: Decodable {
        let object: KubeObject

        init(from decoder: any Decoder) throws {
            let type = decoder.userInfo[ObjectList.defaultTypeKey] as? DefaultType
            object = try KubeObject(from: decoder, defaultType: type.map { ($0.apiVersion, $0.kind) })
        }
    }
}
