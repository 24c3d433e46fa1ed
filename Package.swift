// swift-tools-version:6.0
import PackageDescription

// Layers, each importing only those below it; tests may use any layer and CapGuardTestSupport.
//   C modules:   COpenSSL, CYAML (system libraries), COpenSSLShims (OpenSSL's macros as functions),
//                CCapGuardBuildInfo (the commit built from),
//                CSystemShims (libc calls that Swift's Glibc module leaves out)
//   pure and system pieces, knowing neither Kubernetes nor HTTP:
//                CapGuardJSON (JSON strings and the JSON writer, repeated keys, hex digits, and which text is
//                escaped wherever capguard writes it), CapGuardSystem (bounded file reading, periodic tasks,
//                monotonic time and durations, SHA-256), CapGuardPolicy (the policy core, no I/O),
//                CapGuardYAML (libyaml -> node tree)
//   over OpenSSL: CapGuardTLS (contexts of the server and client roles, certificate reload, non-blocking
//                streams), then CapGuardServer (HTTP/1.1 over CapGuardTLS; knows nothing of Kubernetes)
//   over the policy core and YAML: CapGuardKube (Kubernetes objects, manifests, the object checker),
//                CapGuardConfig (the policy file and its reload)
//   above both:  CapGuardWebhook (admission endpoints, metrics, wiring: server, objects and config),
//                CapGuardKubeClient (the API client (TLS, objects): kubeconfig, credentials, paginated lists),
//                CapGuardAudit (auditing what runs through the API seam of CapGuardKube: reports, metrics, PolicyReports)
//   on top:      capguard (command line)
// The commit for capguard_build_info: CAPGUARD_REVISION when set (for builds from a copy of the sources, such as
// the Dockerfile's), else the git checkout's HEAD, else "unknown". Kept to characters a C string literal holds as is.
let revision = (Context.environment["CAPGUARD_REVISION"] ?? Context.gitInformation?.currentCommit ?? "")
    .filter { $0.isASCII && ($0.isLetter || $0.isNumber || "._-".contains($0)) }

let package = Package(
    name: "capguard",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "capguard", targets: ["capguard"]),
        .library(name: "CapGuardPolicy", targets: ["CapGuardPolicy"]),
        .library(name: "CapGuardServer", targets: ["CapGuardServer"]),
        .library(name: "CapGuardWebhook", targets: ["CapGuardWebhook"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
    ],
    targets: [
        // C modules
        .systemLibrary(
            name: "COpenSSL",
            pkgConfig: "openssl",
            providers: [.apt(["libssl-dev"])]
        ),
        .systemLibrary(
            name: "CYAML",
            pkgConfig: "yaml-0.1",
            providers: [.apt(["libyaml-dev"])]
        ),
        .target(
            name: "COpenSSLShims",
            dependencies: ["COpenSSL"]
        ),
        .target(name: "CSystemShims"),
        // Pure and system pieces
        .target(name: "CapGuardSystem"),
        .target(
            name: "CCapGuardBuildInfo",
            cSettings: revision.isEmpty ? [] : [.define("CAPGUARD_REVISION", to: "\"\(revision)\"")]
        ),
        .target(name: "CapGuardJSON"),
        .target(name: "CapGuardPolicy", dependencies: ["CapGuardJSON"]),
        .target(
            name: "CapGuardYAML",
            dependencies: ["CapGuardJSON", "CYAML"]
        ),
        // Kubernetes objects and the policy file, over the policy core and YAML
        .target(
            name: "CapGuardKube",
            dependencies: ["CapGuardJSON", "CapGuardPolicy", "CapGuardYAML"]
        ),
        .target(
            name: "CapGuardConfig",
            dependencies: [
                "CapGuardJSON",
                "CapGuardPolicy",
                "CapGuardSystem",
                "CapGuardYAML",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // TLS over OpenSSL, and the HTTP server over TLS
        .target(
            name: "CapGuardTLS",
            dependencies: ["COpenSSL", "COpenSSLShims", "CapGuardSystem"]
        ),
        .target(
            name: "CapGuardServer",
            dependencies: [
                "CSystemShims",
                "CapGuardJSON",
                "CapGuardSystem",
                "CapGuardTLS",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // The webhook over the server, objects and config; the command line on top
        .target(
            name: "CapGuardWebhook",
            dependencies: [
                "CCapGuardBuildInfo",
                "CapGuardJSON",
                "CapGuardPolicy",
                "CapGuardKube",
                "CapGuardConfig",
                "CapGuardServer",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(
            name: "CapGuardKubeClient",
            dependencies: ["CapGuardKube", "CapGuardSystem", "CapGuardTLS", "CapGuardYAML"]
        ),
        // Auditing what runs, over the objects, the policy file and the server (for its /metrics)
        .target(
            name: "CapGuardAudit",
            dependencies: [
                "CapGuardJSON",
                "CapGuardKube",
                "CapGuardPolicy",
                "CapGuardServer",
                "CapGuardSystem",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .executableTarget(
            name: "capguard",
            dependencies: [
                "CapGuardAudit",
                "CapGuardKubeClient",
                "CapGuardPolicy",
                "CapGuardKube",
                "CapGuardConfig",
                "CapGuardServer",
                "CapGuardSystem",
                "CapGuardWebhook",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // Tests
        .target(name: "CapGuardTestSupport", dependencies: ["COpenSSL", "CapGuardTLS"], path: "Tests/CapGuardTestSupport"),
        .testTarget(name: "CapGuardSystemTests", dependencies: ["CapGuardSystem", "CapGuardTestSupport"]),
        .testTarget(name: "CapGuardPolicyTests", dependencies: ["CapGuardPolicy"]),
        .testTarget(name: "CapGuardTLSTests", dependencies: ["CapGuardTLS", "COpenSSL", "COpenSSLShims"]),
        .testTarget(name: "CapGuardYAMLTests", dependencies: ["CapGuardYAML"]),
        .testTarget(name: "CapGuardKubeTests", dependencies: ["CapGuardKube", "CapGuardPolicy", "CapGuardTestSupport"]),
        .testTarget(
            name: "CapGuardConfigTests",
            dependencies: [
                "CapGuardConfig", "CapGuardPolicy", "CapGuardTestSupport", .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(
            name: "CapGuardServerTests",
            dependencies: [
                "CapGuardJSON",
                "CapGuardServer",
                "CapGuardTLS",
                "COpenSSL",
                "CapGuardTestSupport",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(
            name: "CapGuardWebhookTests",
            dependencies: [
                "CapGuardConfig", "CapGuardKube", "CapGuardPolicy", "CapGuardServer", "CapGuardWebhook", "CapGuardTestSupport",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(
            name: "CapGuardKubeClientTests",
            dependencies: ["CapGuardKube", "CapGuardKubeClient", "CapGuardTLS", "CapGuardTestSupport"]
        ),
        .testTarget(
            name: "CapGuardAuditTests",
            dependencies: [
                "CapGuardAudit", "CapGuardKube", "CapGuardPolicy", "CapGuardServer", "CapGuardTestSupport",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(name: "CapGuardCLITests", dependencies: ["capguard", "CapGuardTestSupport"]),
    ],
    swiftLanguageModes: [.v6]
)

// libFuzzer targets, declared only when CAPGUARD_FUZZ=1 (scripts/fuzz sets it and builds them with
// `-sanitize=fuzzer,address` in their own scratch path), so that a normal build and test never see them.
if Context.environment["CAPGUARD_FUZZ"] == "1" {
    let support = Target.Dependency(stringLiteral: "FuzzSupport")
    package.targets += [
        .target(name: "FuzzSupport", path: "Fuzz/Sources/FuzzSupport"),
        .executableTarget(
            name: "FuzzHTTPRequestParser", dependencies: ["CapGuardServer", support],
            path: "Fuzz/Sources/FuzzHTTPRequestParser"
        ),
        .executableTarget(
            name: "FuzzAdmissionReview",
            dependencies: ["CapGuardConfig", "CapGuardKube", "CapGuardServer", "CapGuardWebhook", support,
                           .product(name: "Logging", package: "swift-log")],
            path: "Fuzz/Sources/FuzzAdmissionReview"
        ),
        .executableTarget(
            name: "FuzzManifest", dependencies: ["CapGuardKube", "CapGuardPolicy", "CapGuardYAML", support],
            path: "Fuzz/Sources/FuzzManifest"
        ),
        .executableTarget(
            name: "FuzzCheckAgainstServe", dependencies: ["CapGuardJSON", "CapGuardKube", "CapGuardPolicy", support],
            path: "Fuzz/Sources/FuzzCheckAgainstServe"
        ),
        .executableTarget(
            name: "FuzzPrunedReview", dependencies: ["CapGuardJSON", "CapGuardKube", support],
            path: "Fuzz/Sources/FuzzPrunedReview"
        ),
        .executableTarget(
            name: "FuzzPolicyFile", dependencies: ["CapGuardConfig", "CapGuardPolicy", support],
            path: "Fuzz/Sources/FuzzPolicyFile"
        ),
        .executableTarget(
            name: "FuzzFix", dependencies: ["CapGuardKube", "CapGuardPolicy", support],
            path: "Fuzz/Sources/FuzzFix"
        ),
        .executableTarget(
            name: "FuzzAPIResponse", dependencies: ["CapGuardKube", "CapGuardKubeClient", support],
            path: "Fuzz/Sources/FuzzAPIResponse"
        ),
        .executableTarget(
            name: "FuzzKubeconfig", dependencies: ["CapGuardKubeClient", support],
            path: "Fuzz/Sources/FuzzKubeconfig"
        ),
    ]
}
