import Testing
@testable import CapGuardYAML

/// The root of the only document in `text`.
func parseRoot(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> YAMLNode {
    let documents = try YAMLParser.parse(text)
    try #require(documents.count == 1, sourceLocation: sourceLocation)
    return try #require(documents[0].root, sourceLocation: sourceLocation)
}

/// The error that parsing `text` must throw.
func parseError(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) -> YAMLError? {
    parseError(Array(text.utf8), sourceLocation: sourceLocation)
}

func parseError(_ bytes: [UInt8], sourceLocation: SourceLocation = #_sourceLocation) -> YAMLError? {
    do {
        let documents = try YAMLParser.parse(bytes)
        Issue.record("expected an error, parsed \(documents.count) documents", sourceLocation: sourceLocation)
        return nil
    } catch {
        return error
    }
}

extension YAMLNode {
    /// The scalar text of each item of a sequence, or of each value of a mapping.
    var scalarValues: [String?] {
        if let items = sequence { return items.map { $0.scalar?.value } }
        return mapping?.map { $0.value.scalar?.value } ?? []
    }

    var keys: [String?] { mapping?.map { $0.key.scalar?.value } ?? [] }
}
