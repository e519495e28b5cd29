import Foundation
import FuzzSupport
import PathwayModel

/// Where includes resolve: `models/` (run from the repository's root), so the shipped modules compose;
/// `FUZZ_YAML_INCLUDES=DIR` resolves them elsewhere (an empty directory: every include is refused,
/// nothing composes, and each input costs only its own reading and validation — about 30 times
/// faster than inputs that compose the whole IL-11 model).
let includeDirectory = ProcessInfo.processInfo.environment["FUZZ_YAML_INCLUDES"] ?? "models"

/// Fuzzes the YAML model reader: `ModelLoader.load(yaml:)` must throw a positioned error, never trap.
@_cdecl("FuzzYAML_main")
func fuzzMain(argc: Int32, argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> Int32 {
    runFuzzer(argc: argc, argv: argv) { data, size in
        _ = try? ModelLoader.load(yaml: fuzzText(data, size), file: "<fuzz>", directory: includeDirectory)
        return 0
    }
}
