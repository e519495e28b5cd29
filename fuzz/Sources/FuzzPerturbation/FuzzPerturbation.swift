import Analysis
import FuzzSupport
import PathwayModel

/// Fuzzes the perturbation syntax: the first byte picks the kind (`--knockout`, `--dose`, …), the rest is
/// the text after the option; `Perturbation(parsing:kind:units:)` must throw, never trap.
@_cdecl("FuzzPerturbation_main")
func fuzzMain(argc: Int32, argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> Int32 {
    runFuzzer(argc: argc, argv: argv) { data, size in
        guard let data, size > 0 else { return 0 }
        let kinds = PerturbationKind.allCases
        let kind = kinds[Int(data[0]) % kinds.count]
        let units = Units(time: .second, concentration: .nanomolar, volume: .picolitre)
        _ = try? Perturbation(parsing: fuzzText(data + 1, size - 1), kind: kind, units: units)
        return 0
    }
}
