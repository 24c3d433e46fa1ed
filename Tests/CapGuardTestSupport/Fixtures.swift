import Foundation
import Testing

/// Files of the repository that tests read, above all the AdmissionReviews captured from a kube-apiserver
/// (Tests/Fixtures/apiserver).
public enum Fixtures {
    public static let repository = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    public static let directory = repository.appendingPathComponent("Tests/Fixtures/apiserver")

    public static func review(_ name: String) throws -> [String: Any] {
        let data = try Data(contentsOf: directory.appendingPathComponent(name))
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    public static func body(_ name: String) throws -> Data { try Data(contentsOf: directory.appendingPathComponent(name)) }

    /// A fixture with its request edited.
    public static func edited(_ name: String, _ edit: (inout [String: Any]) -> Void) throws -> Data {
        var review = try review(name)
        var request = review["request"] as! [String: Any]
        edit(&request)
        review["request"] = request
        return try JSONSerialization.data(withJSONObject: review)
    }
}
