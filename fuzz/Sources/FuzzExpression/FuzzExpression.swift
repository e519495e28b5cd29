import FuzzSupport
import PathwayModel

/// Fuzzes the expression parser: `Expression(parsing:)` must throw a syntax error, never trap. A parsed
/// expression is also printed and read back (the YAML and SBML writers print expressions).
@_cdecl("FuzzExpression_main")
func fuzzMain(argc: Int32, argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> Int32 {
    runFuzzer(argc: argc, argv: argv) { data, size in
        if let e = try? Expression(parsing: fuzzText(data, size)) {
            _ = try? Expression(parsing: e.description)
        }
        return 0
    }
}
