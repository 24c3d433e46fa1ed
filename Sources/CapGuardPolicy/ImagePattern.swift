/// An image pattern of a grant or an exemption, read as a reference is (`ImageReference`), with `*` as a
/// wildcard.
///
/// - The name is normalised as a reference's is, `*` counting as an ordinary character there: `nginx:*` is
///   `docker.io/library/nginx:*`, `quay.io/cilium/*` stays on quay.io, and `*/app` is on docker.io (its first
///   component names no registry).
/// - `*` matches any run of characters, none included, within the part it is written in: the registry, the
///   repository path (where it crosses `/`: `quay.io/cilium/*` matches `quay.io/cilium/x/y`), the tag, or the
///   digest. It never spans from one part into the next, so `*.example.com/app` cannot match
///   `docker.io/x/y.example.com/app`.
/// - A pattern with `@` matches only by digest (`quay.io/cilium/cilium@sha256:*`): an image without a digest
///   never matches it. Any other pattern matches only by tag, `latest` when it names none (as the runtime
///   reads `nginx`), and so never matches an image pulled by digest, whose tag the runtime ignores.
public struct ImagePattern: Sendable, Hashable, CustomStringConvertible {
    /// The registry pattern: `quay.io`, `docker.io`, `*.example.com`.
    public let domain: String
    /// The repository path pattern: `cilium/cilium`, `library/*`.
    public let path: String
    /// What the version of a matching image must be: its tag, or its digest.
    public let version: ImageReference.Version

    /// Reads `text`, or says in a sentence why it is no pattern.
    public static func parse(_ text: String) -> Result<ImagePattern, ImagePatternError> {
        guard !text.isEmpty else { return .failure(ImagePatternError("an image pattern cannot be empty")) }
        var rest = Substring(text)
        var version: ImageReference.Version?
        if let at = rest.firstIndex(of: "@") {
            let digest = rest[rest.index(after: at)...]
            guard let colon = digest.firstIndex(of: ":"),
                  let length = ImageReferenceGrammar.digestLengths[String(digest[..<colon])] else {
                return .failure(ImagePatternError("a digest pattern starts with sha256:, sha384: or sha512:"))
            }
            let hex = digest[digest.index(after: colon)...]
            let valid = !hex.isEmpty && hex.utf8.allSatisfy { ImageReferenceGrammar.isLowerHexDigit($0) || $0 == asterisk }
                && (hex.contains("*") ? hex.utf8.count <= length : hex.utf8.count == length)
            guard valid else {
                return .failure(ImagePatternError("the digest must be \(length) lower-case hex digits, or a pattern of them with *"))
            }
            version = .digest(String(digest))
            rest = rest[..<at]
            if ImageReferenceGrammar.splitTag(rest).tag != nil {
                return .failure(ImagePatternError("the runtime ignores a tag beside a digest: write name@digest"))
            }
        }
        let (name, tag) = ImageReferenceGrammar.splitTag(rest)
        if let tag {
            guard ImageReferenceGrammar.isValidTag(Substring(String(tag).replacing("*", with: "a"))) else {
                return .failure(ImagePatternError("\(String(tag).quotedForMessage) is not a tag pattern (letters, digits, _ . - and *)"))
            }
            version = .tag(String(tag))
        }
        let (domain, path) = ImageReferenceGrammar.splitDomain(name)
        guard path.lowercased() == path else {
            return .failure(ImagePatternError("the repository \(path.quotedForMessage) must be lower-case, as the runtime requires"))
        }
        guard ImageReferenceGrammar.isValidDomain(domain.replacing("*", with: "a")) else {
            return .failure(ImagePatternError("\(domain.quotedForMessage) is not a registry host name"))
        }
        guard ImageReferenceGrammar.isValidPath(path.replacing("*", with: "a")) else {
            return .failure(ImagePatternError("\(path.quotedForMessage) is not a repository path (lower-case letters, digits, separators . _ __ -, and *)"))
        }
        return .success(ImagePattern(domain: domain, path: path, version: version ?? .tag("latest")))
    }

    private static let asterisk = UInt8(ascii: "*")

    /// True when `image` is a reference the runtime accepts and every part of it matches.
    public func matches(_ image: String) -> Bool {
        guard let reference = ImageReference(image) else { return false }
        return matches(reference)
    }

    public func matches(_ reference: ImageReference) -> Bool {
        switch (version, reference.version) {
        case (.tag(let pattern), .tag(let tag)), (.digest(let pattern), .digest(let tag)):
            WildcardPattern.matches(domain, reference.domain) && WildcardPattern.matches(path, reference.path)
                && WildcardPattern.matches(pattern, tag)
        default:
            false
        }
    }

    /// True unless it matches by digest: a tag can be pushed again, so what it lets run can change.
    public var matchesByTagOnly: Bool {
        if case .tag = version { return true }
        return false
    }

    /// The normalised pattern: `docker.io/library/nginx:*`.
    public var description: String {
        switch version {
        case .tag(let tag): "\(domain)/\(path):\(tag)"
        case .digest(let digest): "\(domain)/\(path)@\(digest)"
        }
    }
}

/// Why a text is no image pattern.
public struct ImagePatternError: Error, Sendable, Hashable, CustomStringConvertible {
    public let description: String

    public init(_ description: String) { self.description = description }
}
