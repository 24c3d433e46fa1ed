import Foundation

/// Files under Tests/Fixtures: AdmissionReviews captured from a real kube-apiserver, and manifests.
enum Fixtures {
    static let directory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Fixtures")

    static func data(_ path: String) throws -> Data {
        try Data(contentsOf: directory.appendingPathComponent(path))
    }

    static func apiserver(_ name: String) throws -> Data { try data("apiserver/\(name)") }
}
