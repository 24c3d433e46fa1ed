/// Reads YAML streams (and JSON, which is YAML) into documents of nodes.
public enum YAMLParser {
    public static func parse(_ text: String) throws(YAMLError) -> [YAMLDocument] {
        try parse(text, limits: NodeTreeBuilder.Limits())
    }

    public static func parse(_ bytes: [UInt8]) throws(YAMLError) -> [YAMLDocument] {
        try parse(bytes, limits: NodeTreeBuilder.Limits())
    }

    static func parse(_ text: String, limits: NodeTreeBuilder.Limits) throws(YAMLError) -> [YAMLDocument] {
        var text = text
        return try text.withUTF8 { buffer in
            Result { () throws(YAMLError) in try parse(buffer, limits: limits) }
        }.get()
    }

    static func parse(_ bytes: [UInt8], limits: NodeTreeBuilder.Limits) throws(YAMLError) -> [YAMLDocument] {
        try bytes.withUnsafeBufferPointer { buffer in
            Result { () throws(YAMLError) in try parse(buffer, limits: limits) }
        }.get()
    }

    private static func parse(_ input: UnsafeBufferPointer<UInt8>,
                              limits: NodeTreeBuilder.Limits) throws(YAMLError) -> [YAMLDocument] {
        // libyaml refuses a null input pointer, and an empty stream holds no documents anyway.
        guard !input.isEmpty else { return [] }
        do {
            return try documents(in: input, rewrites: .none, limits: limits).documents
        } catch where error.isInvalidUnicodeEscape {
            guard let documents = try parseRewritingSurrogatePairs(input, limits: limits) else { throw error }
            return documents
        }
    }

    /// Parses again with surrogate pair escapes rewritten; nil when the input has none.
    ///
    /// Rewriting never changes how libyaml splits the text into tokens (the rewrite holds no quote,
    /// space or indicator), so one parse with every pair rewritten tells exactly which pairs sit in
    /// double-quoted scalars. Only if some do not is a third parse needed, rewriting just those that do.
    private static func parseRewritingSurrogatePairs(_ input: UnsafeBufferPointer<UInt8>,
                                                     limits: NodeTreeBuilder.Limits) throws(YAMLError) -> [YAMLDocument]? {
        let occurrences = SurrogatePairEscapes(scanning: input).occurrences
        guard !occurrences.isEmpty else { return nil }
        let everyPair = SurrogatePairEscapes.rewrite(input, occurrences)
        let attempt = try everyPair.bytes.withUnsafeBufferPointer { buffer in
            Result { () throws(YAMLError) in try documents(in: buffer, rewrites: everyPair.rewrites, limits: limits) }
        }.get()
        guard !attempt.rewrites.allConfirmed else { return attempt.documents }

        let quotedPairs = SurrogatePairEscapes.rewrite(input, attempt.rewrites.confirmedIndices.map { occurrences[$0] })
        return try quotedPairs.bytes.withUnsafeBufferPointer { buffer in
            Result { () throws(YAMLError) in try documents(in: buffer, rewrites: quotedPairs.rewrites, limits: limits) }
        }.get().documents
    }

    private static func documents(in input: UnsafeBufferPointer<UInt8>, rewrites: EscapeRewrites,
                                  limits: NodeTreeBuilder.Limits) throws(YAMLError) -> (documents: [YAMLDocument], rewrites: EscapeRewrites) {
        var reader = try LibYAMLEventReader(input: input, rewrites: rewrites)
        let documents = try NodeTreeBuilder.documents(from: &reader, limits: limits)
        return (documents, reader.rewrites)
    }
}
