/// One document of a YAML stream.
public struct YAMLDocument: Sendable {
    /// The document's content; nil when nothing was written between its markers.
    public let root: YAMLNode?
    /// Where the document starts: its `---` marker, or its first content when the marker is implicit.
    public let mark: YAMLMark

    public init(root: YAMLNode?, mark: YAMLMark) {
        self.root = root
        self.mark = mark
    }
}
