/// A libyaml event in Swift terms, so that nothing of libyaml reaches the tree builder.
enum ParseEvent {
    struct NodeProperties {
        let mark: YAMLMark
        /// Byte offset in the whole input where the node starts, at its anchor or tag if it has one.
        let start: Int
        let tag: String?
        let anchor: String?
        /// For a collection, whether it is written in flow style (`[a]`, `{a: b}`).
        var isFlow = false
    }

    case streamStart
    case streamEnd
    case documentStart(YAMLMark)
    case documentEnd
    case alias(anchor: String, mark: YAMLMark, extent: Range<Int>)
    /// `end` is the byte offset in the whole input after the scalar's last character that is not white space.
    case scalar(YAMLScalar, NodeProperties, end: Int)
    case sequenceStart(NodeProperties)
    /// `end` is the byte offset after the closing bracket of a flow collection; a block collection has none.
    case sequenceEnd(end: Int)
    case mappingStart(NodeProperties)
    case mappingEnd(end: Int)
}
