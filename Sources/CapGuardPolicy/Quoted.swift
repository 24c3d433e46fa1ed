import CapGuardJSON

extension String {
    /// The string in double quotes, escaped and cut as `TextSafety.quoted` does, so that text from a
    /// manifest cannot break a one-line message or an HTTP warning header, reorder or hide what a reader
    /// sees, or make a message as long as the request.
    public var quotedForMessage: String { TextSafety.quoted(self) }
}
