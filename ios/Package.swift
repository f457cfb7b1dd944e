// swift-tools-version:5.9
// The HosoCore Swift package: the generated bindings over the xcframework built by build-xcframework.sh.
import PackageDescription

let package = Package(
    name: "HosoCore",
    platforms: [.iOS(.v15)],
    products: [.library(name: "HosoCore", targets: ["HosoCore"])],
    targets: [
        .binaryTarget(name: "HosoCoreFFI", path: "HosoCore.xcframework"),
        .target(name: "HosoCore", dependencies: ["HosoCoreFFI"], path: "Sources/HosoCore"),
    ]
)
