// swift-tools-version:6.0
import PackageDescription

// Benchmark programs, kept out of the root package so that they build only on demand: an echo server for
// CapGuardServer's load test, and the admission pipeline in-process.
let package = Package(
    name: "capguard-bench",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "capguard", path: ".."),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
    ],
    targets: [
        .executableTarget(
            name: "echo-server",
            dependencies: [
                .product(name: "CapGuardServer", package: "capguard"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .executableTarget(
            name: "pipeline",
            dependencies: [
                .product(name: "CapGuardWebhook", package: "capguard"),
                .product(name: "CapGuardServer", package: "capguard"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)
