import FuzzSupport
import SBML

/// Fuzzes the SBML importer on in-memory text: `SBMLImporter.importXML(_:)` must throw, never trap.
@_cdecl("FuzzSBML_main")
func fuzzMain(argc: Int32, argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> Int32 {
    runFuzzer(argc: argc, argv: argv) { data, size in
        _ = try? SBMLImporter.importXML(fuzzText(data, size), file: "<fuzz>")
        return 0
    }
}
