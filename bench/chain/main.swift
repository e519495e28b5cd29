// Loading benchmark on large models (bench/chain/run-chain.sh makes linear chains of N species):
// for each file, the median of repeated cold runs of
//   validate  read + validate (ModelLoader for YAML, SBMLImporter for SBML), plus the checks that
//             `pathway validate` adds (modifier signs)
//   compile   CompiledModel(model)
// One tab-separated line per file and measurement: file  what  median_ms  runs
import Foundation
import PathwayModel
import SBML
import Simulator

func median(_ xs: [Double]) -> Double {
    let s = xs.sorted()
    return s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
}

func milliseconds(_ d: Duration) -> Double {
    Double(d.components.seconds) * 1000 + Double(d.components.attoseconds) * 1e-15
}

var arguments = Array(CommandLine.arguments.dropFirst())
var runs = 5
if arguments.first == "--runs", arguments.count > 1 {
    runs = Int(arguments[1]) ?? runs
    arguments.removeFirst(2)
}
if arguments.isEmpty {
    FileHandle.standardError.write(Data("usage: chain-bench [--runs N] MODEL.yaml|MODEL.xml...\n".utf8))
    exit(2)
}

let clock = ContinuousClock()
for path in arguments {
    var validateTimes: [Double] = [], compileTimes: [Double] = []
    for _ in 0..<runs {
        let t0 = clock.now
        let model: Model
        if path.hasSuffix(".xml") || path.hasSuffix(".sbml") {
            model = try SBMLImporter.importFile(path: path).model
        } else {
            model = try ModelLoader.load(path: path).model
        }
        _ = ModifierSignCheck.diagnostics(for: model, options: .init(scenarios: false))
        let t1 = clock.now
        _ = try CompiledModel(model)
        let t2 = clock.now
        validateTimes.append(milliseconds(t1 - t0))
        compileTimes.append(milliseconds(t2 - t1))
    }
    print("\(path)\tvalidate\t\(String(format: "%.1f", median(validateTimes)))\t\(runs)")
    print("\(path)\tcompile\t\(String(format: "%.1f", median(compileTimes)))\t\(runs)")
}
