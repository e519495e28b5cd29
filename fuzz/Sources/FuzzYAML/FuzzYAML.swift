import FuzzSupport
import PathwayModel

/// Fuzzes the YAML model reader: `ModelLoader.load(yaml:)` must throw a positioned error, never trap.
/// Includes resolve against `models/` (run from the repository's root), so the shipped modules compose.
@_cdecl("FuzzYAML_main")
func fuzzMain(argc: Int32, argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> Int32 {
    runFuzzer(argc: argc, argv: argv) { data, size in
        _ = try? ModelLoader.load(yaml: fuzzText(data, size), file: "<fuzz>", directory: "models")
        return 0
    }
}
