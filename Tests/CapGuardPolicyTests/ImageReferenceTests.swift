import Testing
@testable import CapGuardPolicy

/// References as containerd and CRI-O read them (docker/distribution's `ParseDockerRef`); most rows are
/// those of distribution's own `normalize_test.go` and `reference_test.go`.
@Suite("Image references")
struct ImageReferenceTests {
    static let digest = "sha256:" + String(repeating: "7cc4b5aefd1d0cad", count: 4)

    @Test("normalised as the runtime does", arguments: [
        ("ubuntu", "docker.io/library/ubuntu:latest"),
        ("ubuntu:12.04", "docker.io/library/ubuntu:12.04"),
        ("library/ubuntu", "docker.io/library/ubuntu:latest"),
        ("docker.io/ubuntu", "docker.io/library/ubuntu:latest"),
        ("docker.io/library/ubuntu:latest", "docker.io/library/ubuntu:latest"),
        ("index.docker.io/ubuntu", "docker.io/library/ubuntu:latest"),
        ("index.docker.io/dmcgowan/myapp", "docker.io/dmcgowan/myapp:latest"),
        ("dmcgowan/myapp", "docker.io/dmcgowan/myapp:latest"),
        ("dmcgowan/myapp/sub:v1", "docker.io/dmcgowan/myapp/sub:v1"),
        ("localhost/ubuntu", "localhost/ubuntu:latest"),
        ("localhost:5000/foo/bar", "localhost:5000/foo/bar:latest"),
        ("registry:5000/x", "registry:5000/x:latest"),
        ("127.0.0.1:5000/foo:tag", "127.0.0.1:5000/foo:tag"),
        ("[::1]:5000/foo", "[::1]:5000/foo:latest"),
        ("example.com/foo/bar", "example.com/foo/bar:latest"),
        ("Foo/bar", "Foo/bar:latest"),
        ("quay.io/cilium/cilium:v1.16.1", "quay.io/cilium/cilium:v1.16.1"),
        ("foo__bar/a-b--c.d_e", "docker.io/foo__bar/a-b--c.d_e:latest"),
        ("ubuntu@\(digest)", "docker.io/library/ubuntu@\(digest)"),
        ("docker.io/library/busybox:latest@\(digest)", "docker.io/library/busybox@\(digest)"),
        ("quay.io/cilium/cilium:v1.16.1@\(digest)", "quay.io/cilium/cilium@\(digest)"),
        ("ubuntu:" + String(repeating: "t", count: 128), "docker.io/library/ubuntu:" + String(repeating: "t", count: 128)),
    ])
    func normalised(reference: String, expected: String) {
        #expect(ImageReference(reference)?.description == expected)
    }

    @Test("refused as the runtime refuses them", arguments: [
        "", "UPPERCASE", "docker.io/UPPERCASE", "foo/Bar", "ubuntu:", ":latest", "-foo", "foo-", "foo..bar", "foo___bar",
        "foo_-bar", "foo:bar:baz", "a//b", "ubuntu@sha256:abc", "ubuntu@sha256:" + String(repeating: "A", count: 64),
        "ubuntu@md5:" + String(repeating: "a", count: 32), "ubuntu@", String(repeating: "a", count: 64),
        "ubuntu:" + String(repeating: "t", count: 129), "ubuntu:.tag", "[fe80::1%eth0]:5000/foo", "host:port/x",
        "example.com/" + String(repeating: "a", count: 244), " nginx",
    ])
    func refused(reference: String) {
        #expect(ImageReference(reference) == nil)
    }

    @Test("a one-component name is always on Docker Hub, localhost included") func bareNames() {
        #expect(ImageReference("localhost")?.name == "docker.io/library/localhost")
        #expect(ImageReference("localhost:5000")?.description == "docker.io/library/localhost:5000")
    }

    @Test("patterns normalised", arguments: [
        ("nginx:*", "docker.io/library/nginx:*"),
        ("nginx", "docker.io/library/nginx:latest"),
        ("*", "docker.io/library/*:latest"),
        ("quay.io/cilium/*:*", "quay.io/cilium/*:*"),
        ("quay.io/cilium/cilium@sha256:*", "quay.io/cilium/cilium@sha256:*"),
        ("index.docker.io/team/*:v1.*", "docker.io/team/*:v1.*"),
        ("*.example.com/app:*", "*.example.com/app:*"),
        ("localhost:5000/x:*", "localhost:5000/x:*"),
    ])
    func patternsNormalised(pattern: String, expected: String) throws {
        #expect(try ImagePattern.parse(pattern).get().description == expected)
    }

    @Test("invalid patterns say why", arguments: [
        ("", "empty"),
        ("nginx@sha256", "sha256:"),
        ("nginx@*:abc", "sha256:"),
        ("nginx@sha256:xyz", "hex"),
        ("nginx@sha256:abc", "hex"),
        ("nginx:1.27@sha256:*", "ignores a tag"),
        ("nginx:.bad", "tag pattern"),
        ("Team/App:*", "lower-case"),
        ("quay.io/a b:*", "repository path"),
        ("bad_host.io/x:*", "registry"),
    ])
    func invalidPatterns(pattern: String, reason: String) {
        guard case .failure(let error) = ImagePattern.parse(pattern) else {
            Issue.record("\(pattern) was accepted")
            return
        }
        #expect(error.description.contains(reason), "\(error)")
    }

    @Test("pattern matching", arguments: [
        ("quay.io/cilium/cilium:v1.16.*", "quay.io/cilium/cilium:v1.16.1", true),
        ("quay.io/cilium/cilium:v1.16.*", "quay.io/cilium/cilium:v1.17.0", false),
        ("quay.io/cilium/cilium:v1.16.*", "quay.io/cilium/cilium-evil:v1.16.1", false),
        ("quay.io/cilium/cilium:v1.16.*", "quay.io/cilium/cilium:v1.16.1@\(digest)", false),
        ("quay.io/cilium/cilium@sha256:*", "quay.io/cilium/cilium:v1.16.1@\(digest)", true),
        ("quay.io/cilium/cilium@sha256:*", "quay.io/cilium/cilium@\(digest)", true),
        ("quay.io/cilium/cilium@sha256:*", "quay.io/cilium/cilium:v1.16.1", false),
        ("quay.io/cilium/cilium@\(digest)", "quay.io/cilium/cilium@\(digest)", true),
        ("quay.io/cilium/cilium@sha256:" + String(repeating: "0", count: 64), "quay.io/cilium/cilium@\(digest)", false),
        ("nginx:*", "nginx", true),
        ("nginx:*", "docker.io/library/nginx:1.27", true),
        ("nginx:*", "index.docker.io/library/nginx:1.27", true),
        ("nginx:*", "evil.io/library/nginx:1.27", false),
        ("nginx:*", "nginx@\(digest)", false),
        ("nginx", "nginx:latest", true),
        ("nginx", "nginx:1.27", false),
        ("quay.io/cilium/*:*", "quay.io/cilium/sub/agent:v1", true),
        ("*.example.com/app:*", "registry.example.com/app:v1", true),
        ("*.example.com/app:*", "x/y.example.com/app:v1", false),
        ("*/app:*", "quay.io/app:v1", false),
        ("*/app:*", "team/app:v1", true),
        ("nginx:*", "NGINX:1", false),
        ("nginx:*", "", false),
    ])
    func matching(pattern: String, image: String, matches: Bool) throws {
        #expect(try ImagePattern.parse(pattern).get().matches(image) == matches)
    }

    @Test func matchesByTagOnly() throws {
        #expect(try ImagePattern.parse("quay.io/cilium/cilium:v1.16.*").get().matchesByTagOnly)
        #expect(try !ImagePattern.parse("quay.io/cilium/cilium@sha256:*").get().matchesByTagOnly)
    }
}
