// swift-tools-version: 6.1
import PackageDescription

let package = Package(
    name: "pathway",
    platforms: [.macOS(.v15)],  // Synchronization.Mutex
    products: [
        .executable(name: "pathway", targets: ["pathway-cli"]),
        .library(name: "PathwayModel", targets: ["PathwayModel"]),
        // For the fuzz targets in fuzz/ (a package of their own, built by `make fuzz`).
        .library(name: "Analysis", targets: ["Analysis"]),
        .library(name: "SBML", targets: ["SBML"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
    ],
    targets: [
        // MARK: Libraries
        .target(
            name: "PathwayModel",
            dependencies: [.product(name: "Yams", package: "Yams")]
        ),
        .target(
            name: "Simulator",
            dependencies: ["PathwayModel"]
        ),
        .target(name: "Plot"),
        .target(
            name: "Analysis",
            dependencies: ["PathwayModel", "Simulator", "Plot"]
        ),
        .target(
            name: "Diagram",
            dependencies: ["PathwayModel", "CGraphviz", "Plot"]
        ),
        .target(name: "SBML", dependencies: ["PathwayModel", "CSBML"]),
        // The SBML Test Suite runner that `pathway sbml-test` and the tests share.
        .target(name: "Conformance", dependencies: ["SBML", "Simulator", "Analysis"]),
        .target(name: "Report", dependencies: ["PathwayModel", "Simulator", "Analysis", "Diagram", "Plot"]),
        // PEtab calibration: problem import, objective with forward-sensitivity gradients, optimisers.
        .target(name: "Calibration", dependencies: ["PathwayModel", "Simulator", "SBML", "Analysis", "Plot", .product(name: "Yams", package: "Yams")]),

        // MARK: C libraries (system packages; headers are the installed ones)
        .systemLibrary(
            name: "CGraphviz",
            path: "Sources/CGraphviz",
            pkgConfig: "libgvc",
            providers: [.apt(["libgraphviz-dev"])]
        ),
        .systemLibrary(name: "CSBML", path: "Sources/CSBML", pkgConfig: "libsbml", providers: [.apt(["libsbml5-dev"])]),

        // MARK: Command-line tool
        .executableTarget(
            name: "pathway-cli",
            dependencies: [
                "PathwayModel",
                "Diagram",
                "Simulator",
                "Analysis",
                "Conformance",
                "Plot",
                "SBML",
                "Report",
                "Calibration",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),

        // MARK: Tests
        .testTarget(name: "PathwayModelTests", dependencies: ["PathwayModel"], exclude: ["Fixtures"]),
        .target(name: "PathwayTestSupport", path: "Tests/PathwayTestSupport"),
        .testTarget(name: "DiagramTests", dependencies: ["Diagram", "PathwayModel", "PathwayTestSupport"], exclude: ["Golden"]),
        .testTarget(name: "SimulatorTests", dependencies: ["Simulator", "PathwayModel", "SBML"], exclude: ["Fixtures"]),
        .testTarget(name: "CLITests", dependencies: ["pathway-cli", "PathwayTestSupport"]),
        .testTarget(name: "AnalysisTests", dependencies: ["Analysis", "Plot", "Simulator", "PathwayModel", "PathwayTestSupport", "pathway-cli"],
                    exclude: ["Fixtures"]),
        .testTarget(name: "SBMLTests", dependencies: ["SBML", "Simulator", "PathwayModel", "Conformance", "PathwayTestSupport", "pathway-cli"],
                    exclude: ["Fixtures"]),

        .testTarget(name: "CalibrationTests", dependencies: ["Calibration", "Simulator", "PathwayTestSupport", "pathway-cli"],
                    exclude: ["Fixtures"]),

        // MARK: Benchmarks (run with `make bench`; not tests)
        .executableTarget(name: "rk4-throughput", dependencies: ["Simulator"], path: "bench/rk4-throughput"),
        .executableTarget(name: "simulate-bench", dependencies: ["PathwayModel", "Simulator"], path: "bench/simulate"),
        .executableTarget(name: "graphviz-render-bench", dependencies: ["Diagram"], path: "bench/graphviz-render"),
        .executableTarget(name: "chain-bench", dependencies: ["PathwayModel", "SBML", "Simulator"], path: "bench/chain",
                          exclude: ["make-chain.py", "run-chain.sh"]),
        .executableTarget(name: "petab-bench", dependencies: ["Calibration", "Simulator"], path: "bench/petab",
                          exclude: ["petab_roadrunner.py", "run-petab.sh"]),
    ],
    swiftLanguageModes: [.v6]
)
