/// A libyaml event in Swift terms, so that nothing of libyaml reaches the tree builder.
enum ParseEvent {
    struct NodeProperties {
        let mark: YAMLMark
        let tag: String?
        let anchor: String?
        /// For a collection, whether it is written in flow style (`[a]`, `{a: b}`).
        var isFlow = false
    }

    case streamStart
    case streamEnd
    case documentStart(YAMLMark)
    case documentEnd
    case alias(anchor: String, mark: YAMLMark)
    case scalar(YAMLScalar, NodeProperties)
    case sequenceStart(NodeProperties)
    case sequenceEnd
    case mappingStart(NodeProperties)
    case mappingEnd
}
