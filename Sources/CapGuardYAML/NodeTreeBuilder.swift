/// Turns a stream of parse events into documents of nodes, expanding aliases and merge keys.
///
/// The builder keeps its own stack of open collections instead of recursing, and bounds both the
/// nesting depth and the number of nodes that aliases copy, so hostile input fails with an error
/// instead of exhausting the stack or memory.
struct NodeTreeBuilder {
    struct Limits {
        /// Nodes that aliases may add to a stream, counting every node of every copy.
        var maxExpandedNodes = 1_000_000
        /// Collections nested inside one another, counting those that aliases bring in.
        var maxDepth = 512
    }

    private struct Anchored {
        let node: YAMLNode
        /// Nodes in the subtree, copies from aliases included.
        let size: Int
        /// Collections nested in the subtree, itself included; zero for a scalar.
        let height: Int
    }

    private struct OpenCollection {
        let isMapping: Bool
        let properties: ParseEvent.NodeProperties
        let nodeCountBefore: Int
        /// Where this collection's children start on the shared `children` stack.
        let firstChild: Int
        var hasMergeKey = false
        var childHeight = 0
    }

    private let limits: Limits
    private let rules: ReadingRules
    private var documents: [YAMLDocument] = []
    private var documentMark = YAMLMark(line: 1, column: 1)
    private var root: YAMLNode?
    private var open: [OpenCollection] = []
    /// The children of every open collection, innermost last (a mapping's as key, value, key, ...):
    /// one growing stack lets each finished collection take an array of exactly its size.
    private var children: [YAMLNode] = []
    private var anchors: [String: Anchored] = [:]
    private var nodeCount = 0
    private var expandedNodes: Int

    init(limits: Limits, rules: ReadingRules, expandedNodes: Int) {
        self.limits = limits
        self.rules = rules
        self.expandedNodes = expandedNodes
    }

    /// The documents, and how many nodes aliases have added counting `expandedNodes` from before, so
    /// that the pieces of one file share one budget.
    static func documents(from reader: inout LibYAMLEventReader, limits: Limits, rules: ReadingRules,
                          expandedNodes: Int) throws(YAMLError) -> (documents: [YAMLDocument], expandedNodes: Int) {
        var builder = NodeTreeBuilder(limits: limits, rules: rules, expandedNodes: expandedNodes)
        while true {
            let event = try reader.next()
            if case .streamEnd = event { return (builder.documents, builder.expandedNodes) }
            try builder.consume(event)
        }
    }

    private mutating func consume(_ event: ParseEvent) throws(YAMLError) {
        switch event {
        case .streamStart, .streamEnd:
            break
        case .documentStart(let mark):
            documentMark = mark
            root = nil
            anchors = [:]
        case .documentEnd:
            documents.append(YAMLDocument(root: root, mark: documentMark))
        case .alias(let name, let mark, let extent):
            try expandAlias(name, at: mark, extent: extent)
        case .scalar(let scalar, let properties, let end):
            nodeCount += 1
            try rules.checkTag(properties.tag, of: .scalar, at: properties.mark)
            try rules.checkPlainScalar(scalar, inFlowCollection: open.last?.properties.isFlow ?? false, at: properties.mark)
            let node = try BinaryScalar.decodingIfTagged(YAMLNode(.scalar(scalar), mark: properties.mark, tag: properties.tag,
                                                                  extent: properties.start..<end))
            let isEmptyDocument = open.isEmpty && scalar.value.isEmpty && scalar.style == .plain
                && properties.tag == nil && properties.anchor == nil
            if isEmptyDocument { return }
            try add(node, size: 1, height: 0, anchor: properties.anchor)
        case .sequenceStart(let properties):
            try openCollection(isMapping: false, properties)
        case .mappingStart(let properties):
            try openCollection(isMapping: true, properties)
        case .sequenceEnd(let end), .mappingEnd(let end):
            try closeCollection(end: end)
        }
    }

    private mutating func openCollection(isMapping: Bool, _ properties: ParseEvent.NodeProperties) throws(YAMLError) {
        try rules.checkTag(properties.tag, of: isMapping ? .mapping : .sequence, at: properties.mark)
        guard open.count < limits.maxDepth else {
            throw YAMLError(message: "collections are nested more than \(limits.maxDepth) deep", mark: properties.mark)
        }
        open.append(OpenCollection(isMapping: isMapping, properties: properties, nodeCountBefore: nodeCount,
                                   firstChild: children.count))
        nodeCount += 1
    }

    /// `end` is where libyaml ends the collection: after its closing bracket, or for a block collection at
    /// the next token, past the comments and line breaks that follow its last entry, where it ends instead.
    private mutating func closeCollection(end: Int) throws(YAMLError) {
        let collection = open.removeLast()
        let style: YAMLNode.CollectionStyle = collection.properties.isFlow ? .flow : .block
        let lastEntryEnd = children.count > collection.firstChild ? children[children.count - 1].extent.upperBound : end
        let extent = collection.properties.start..<(style == .flow ? end : lastEntryEnd)
        let content: YAMLNode.Content
        if collection.isMapping {
            var pairs: [YAMLNode.Pair] = []
            pairs.reserveCapacity((children.count - collection.firstChild) / 2)
            for keyIndex in stride(from: collection.firstChild, to: children.count, by: 2) {
                pairs.append(YAMLNode.Pair(key: children[keyIndex], value: children[keyIndex + 1]))
            }
            content = .mapping(collection.hasMergeKey ? try MergeKeys.resolve(pairs) : pairs)
        } else {
            content = .sequence(Array(children[collection.firstChild...]))
        }
        children.removeSubrange(collection.firstChild...)
        let node = YAMLNode(content, mark: collection.properties.mark, tag: collection.properties.tag, extent: extent,
                            collectionStyle: style)
        try add(node, size: nodeCount - collection.nodeCountBefore, height: collection.childHeight + 1,
            anchor: collection.properties.anchor)
    }

    private mutating func expandAlias(_ name: String, at mark: YAMLMark, extent: Range<Int>) throws(YAMLError) {
        // The anchor of an enclosing node is the latest one, even over an earlier node of the same name,
        // as go-yaml (and so kubectl) reads it: such an alias is a cycle.
        guard !open.contains(where: { $0.properties.anchor == name }) else {
            throw YAMLError(message: "alias *\(name) refers to a node that contains it", mark: mark)
        }
        guard let anchored = anchors[name] else {
            throw YAMLError(message: "undefined alias *\(name)", mark: mark)
        }
        expandedNodes += anchored.size
        guard expandedNodes <= limits.maxExpandedNodes else {
            throw YAMLError(message: "aliases expand to more than \(limits.maxExpandedNodes) nodes", mark: mark)
        }
        guard open.count + anchored.height <= limits.maxDepth else {
            throw YAMLError(message: "alias *\(name) nests collections more than \(limits.maxDepth) deep", mark: mark)
        }
        if isKeyNext, MergeKeys.isMergeKey(anchored.node) {
            try rules.checkAliasOfMergeKey(at: mark)
        }
        if isMergeValue, anchored.node.mapping == nil {
            // go-yaml v2 merges a sequence written in place, but refuses an alias of one.
            throw YAMLError(message: MergeKeys.notMergeableMessage, mark: mark)
        }
        nodeCount += anchored.size
        try add(anchored.node.aliased(at: extent), size: anchored.size, height: anchored.height, anchor: nil)
    }

    private mutating func add(_ node: consuming YAMLNode, size: Int, height: Int, anchor: String?) throws(YAMLError) {
        if let anchor {
            anchors[anchor] = Anchored(node: copy node, size: size, height: height)
        }
        guard !open.isEmpty else {
            try rules.checkNonKey(node)
            root = node
            return
        }
        let top = open.count - 1
        open[top].childHeight = max(open[top].childHeight, height)
        let isKey = open[top].isMapping && (children.count - open[top].firstChild) % 2 == 0
        if !isKey {
            try rules.checkNonKey(node)
        } else if MergeKeys.isMergeKey(node) {
            open[top].hasMergeKey = true
        } else {
            try rules.checkKey(node)
        }
        children.append(node)
    }

    /// Whether the next node is a key of the innermost open mapping.
    private var isKeyNext: Bool {
        guard let top = open.last, top.isMapping else { return false }
        return (children.count - top.firstChild) % 2 == 0
    }

    /// Whether the next node completes a pair whose key is `<<`.
    private var isMergeValue: Bool {
        guard let top = open.last, top.isMapping, (children.count - top.firstChild) % 2 == 1 else { return false }
        return MergeKeys.isMergeKey(children[children.count - 1])
    }
}
