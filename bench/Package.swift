// swift-tools-version:6.0
import PackageDescription

// A load-test target for CapGuardServer, kept out of the root package so that it builds only on demand.
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
        )
    ],
    swiftLanguageModes: [.v6]
)
