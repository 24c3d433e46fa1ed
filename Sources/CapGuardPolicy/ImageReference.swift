/// A container image reference read as the container runtime reads it: containerd's CRI plugin and CRI-O
/// normalise with docker/distribution's `ParseDockerRef` (`ParseNormalizedNamed`, then the tag dropped when
/// a digest is given, then `latest` when neither is), and pull what that names.
///
/// - `nginx` is `docker.io/library/nginx:latest`; `user/app` is `docker.io/user/app`; `index.docker.io` is
///   `docker.io`.
/// - The first `/`-separated component is the registry when it is `localhost`, contains `.` or `:`
///   (`registry:5000/x`, `127.0.0.1/x`) or upper-case letters; otherwise the image is on Docker Hub.
/// - `name:tag@sha256:...` pulls by the digest: the tag is ignored, so it is not kept.
/// - A reference the runtime would refuse (upper-case repository, bad tag, a digest of the wrong length, a
///   bare 64-hex identifier) is no reference: `init` returns nil.
public struct ImageReference: Sendable, Hashable, CustomStringConvertible {
    /// The registry, with its port: `docker.io`, `localhost:5000`, `[::1]:5000`.
    public let domain: String
    /// The repository below the registry: `library/nginx`.
    public let path: String
    /// What the runtime pulls: a digest (`sha256:...`), or else a tag (`latest` when none was written).
    public let version: Version

    public enum Version: Sendable, Hashable {
        case tag(String)
        case digest(String)
    }

    public init?(_ text: String) {
        guard !ImageReferenceGrammar.isIdentifier(text) else { return nil }
        var rest = Substring(text)
        var digest: String?
        if let at = rest.firstIndex(of: "@") {
            let written = String(rest[rest.index(after: at)...])
            guard ImageReferenceGrammar.isValidDigest(written) else { return nil }
            digest = written
            rest = rest[..<at]
        }
        let (name, tag) = ImageReferenceGrammar.splitTag(rest)
        if let tag, !ImageReferenceGrammar.isValidTag(tag) { return nil }
        let (domain, path) = ImageReferenceGrammar.splitDomain(name)
        guard path.lowercased() == path, ImageReferenceGrammar.isValidDomain(domain),
              ImageReferenceGrammar.isValidPath(path),
              domain.utf8.count + 1 + path.utf8.count <= ImageReferenceGrammar.nameLengthLimit
        else { return nil }
        self.domain = domain
        self.path = path
        version = digest.map(Version.digest) ?? .tag(tag.map(String.init) ?? "latest")
    }

    /// `domain/path`: `docker.io/library/nginx`.
    public var name: String { "\(domain)/\(path)" }

    /// The normalised reference: `docker.io/library/nginx:latest`, `quay.io/x@sha256:...`.
    public var description: String {
        switch version {
        case .tag(let tag): "\(name):\(tag)"
        case .digest(let digest): "\(name)@\(digest)"
        }
    }
}

/// The reference grammar of docker/distribution (`reference/regexp.go`) and go-digest's digest rules,
/// written out by hand so that reading a reference costs one pass and no regular expression engine.
enum ImageReferenceGrammar {
    /// `NameTotalLengthMax`: the whole name, registry included.
    static let nameLengthLimit = 255

    /// `docker.io` for a first component that names no registry, and `library/` for a one-component name
    /// there (`splitDockerDomain`).
    static func splitDomain(_ name: Substring) -> (domain: String, path: String) {
        var domain = "docker.io", path = String(name)
        if let slash = name.firstIndex(of: "/") {
            let first = name[..<slash], remainder = String(name[name.index(after: slash)...])
            if first == "localhost" || first.contains(".") || first.contains(":") || first.lowercased() != first {
                domain = String(first)
                path = remainder
            }
        }
        if domain == "index.docker.io" { domain = "docker.io" }
        if domain == "docker.io" && !path.contains("/") { path = "library/" + path }
        return (domain, path)
    }

    /// Splits `name:tag` at the last `:` that has no `/` after it (a `:` before a `/` is a registry port).
    static func splitTag(_ text: Substring) -> (name: Substring, tag: Substring?) {
        guard let colon = text.lastIndex(of: ":"), !text[colon...].contains("/") else { return (text, nil) }
        return (text[..<colon], text[text.index(after: colon)...])
    }

    /// `[\w][\w.-]{0,127}`.
    static func isValidTag(_ tag: Substring) -> Bool {
        guard let first = tag.utf8.first, isWordByte(first), tag.utf8.count <= 128 else { return false }
        return tag.utf8.allSatisfy { isWordByte($0) || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "-") }
    }

    /// Path components joined by `/`, each `[a-z0-9]+` joined by `.`, `_`, `__` or a run of `-`.
    static func isValidPath(_ path: String) -> Bool {
        path.split(separator: "/", omittingEmptySubsequences: false).allSatisfy(isValidPathComponent)
    }

    static func isValidPathComponent(_ component: Substring) -> Bool {
        let bytes = Array(component.utf8)
        guard let first = bytes.first, let last = bytes.last, isLowerAlphanumeric(first), isLowerAlphanumeric(last) else {
            return false
        }
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if isLowerAlphanumeric(byte) {
                index += 1
                continue
            }
            // A separator: `.`, `_`, `__` or any run of `-`, always between alphanumerics.
            var end = index + 1
            switch byte {
            case UInt8(ascii: "."): break
            case UInt8(ascii: "_"): if end < bytes.count, bytes[end] == UInt8(ascii: "_") { end += 1 }
            case UInt8(ascii: "-"): while end < bytes.count, bytes[end] == UInt8(ascii: "-") { end += 1 }
            default: return false
            }
            guard end < bytes.count, isLowerAlphanumeric(bytes[end]) else { return false }
            index = end
        }
        return true
    }

    /// A host name (labels of letters, digits and inner `-`, joined by `.`) or an IPv6 address in brackets,
    /// then an optional `:port`.
    static func isValidDomain(_ domain: String) -> Bool {
        var host = Substring(domain)
        if let colon = host.lastIndex(of: ":"), !host[colon...].contains("]") {
            let port = host[host.index(after: colon)...]
            guard !port.isEmpty, port.utf8.allSatisfy(isDigit) else { return false }
            host = host[..<colon]
        }
        if host.hasPrefix("[") {
            let inner = host.dropFirst().dropLast()
            return host.hasSuffix("]") && !inner.isEmpty && inner.utf8.allSatisfy { isHexDigit($0) || $0 == UInt8(ascii: ":") }
        }
        return host.split(separator: ".", omittingEmptySubsequences: false).allSatisfy { label in
            guard let first = label.utf8.first, let last = label.utf8.last, isAlphanumeric(first), isAlphanumeric(last) else {
                return false
            }
            return label.utf8.allSatisfy { isAlphanumeric($0) || $0 == UInt8(ascii: "-") }
        }
    }

    /// The digests go-digest accepts: a registered algorithm and its length of lower-case hex.
    static func isValidDigest(_ digest: String) -> Bool {
        guard let colon = digest.firstIndex(of: ":"), let length = digestLengths[String(digest[..<colon])] else { return false }
        let hex = digest[digest.index(after: colon)...]
        return hex.utf8.count == length && hex.utf8.allSatisfy(isLowerHexDigit)
    }

    static let digestLengths = ["sha256": 64, "sha384": 96, "sha512": 128]

    /// A bare 64-hex identifier, which `ParseNormalizedNamed` refuses as a name.
    static func isIdentifier(_ text: String) -> Bool {
        text.utf8.count == 64 && text.utf8.allSatisfy(isLowerHexDigit)
    }

    static func isWordByte(_ byte: UInt8) -> Bool { isAlphanumeric(byte) || byte == UInt8(ascii: "_") }
    static func isDigit(_ byte: UInt8) -> Bool { byte >= 48 && byte <= 57 }
    static func isLowerAlphanumeric(_ byte: UInt8) -> Bool { isDigit(byte) || (byte >= 97 && byte <= 122) }
    static func isAlphanumeric(_ byte: UInt8) -> Bool { isLowerAlphanumeric(byte) || (byte >= 65 && byte <= 90) }
    static func isLowerHexDigit(_ byte: UInt8) -> Bool { isDigit(byte) || (byte >= 97 && byte <= 102) }
    static func isHexDigit(_ byte: UInt8) -> Bool { isLowerHexDigit(byte) || (byte >= 65 && byte <= 70) }
}
