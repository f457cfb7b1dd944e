// swift-tools-version:5.9
// The HosoCore Swift package: the Swift bindings uniffi generates over the xcframework of the Rust core,
// both made by ../build-xcframework.sh (never committed).
import PackageDescription

let package = Package(
    name: "HosoCore",
    platforms: [.iOS(.v17)],
    products: [.library(name: "HosoCore", targets: ["HosoCore"])],
    targets: [
        .binaryTarget(name: "HosoCoreFFI", path: "HosoCore.xcframework"),
        // A static library carries no link directives: SQLCipher's CommonCrypto and the platform
        // certificate verifier need Apple's Security and CoreFoundation frameworks.
        .target(
            name: "HosoCore", dependencies: ["HosoCoreFFI"], path: "Sources/HosoCore",
            linkerSettings: [.linkedFramework("Security"), .linkedFramework("CoreFoundation")]
        ),
    ]
)
