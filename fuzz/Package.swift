// swift-tools-version: 6.1
// libFuzzer targets for pathway's entry points, kept out of the main package's build and tests.
// Built only by `make fuzz` (release, `-sanitize=fuzzer,address -parse-as-library`); see docs/fuzzing.md.
import PackageDescription

let package = Package(
    name: "pathway-fuzz",
    platforms: [.macOS(.v14)],
    dependencies: [.package(name: "pathway", path: "..")],
    targets: [
        // MARK: Support
        .target(name: "CFuzzer"),
        .target(name: "FuzzSupport", dependencies: ["CFuzzer"]),

        // MARK: Fuzz targets (one per entry point; each defines `<target>_main`)
        .executableTarget(name: "FuzzYAML", dependencies: ["FuzzSupport", .product(name: "PathwayModel", package: "pathway")]),
        .executableTarget(name: "FuzzExpression", dependencies: ["FuzzSupport", .product(name: "PathwayModel", package: "pathway")]),
        .executableTarget(name: "FuzzPerturbation", dependencies: ["FuzzSupport", .product(name: "PathwayModel", package: "pathway"), .product(name: "Analysis", package: "pathway")]),
        .executableTarget(name: "FuzzSBML", dependencies: ["FuzzSupport", .product(name: "SBML", package: "pathway")]),
    ],
    swiftLanguageModes: [.v6]
)
