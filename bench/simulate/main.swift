// Simulation benchmark: load + compile, and one simulation (1001 output points), as medians of
// repeated runs, for each model given. Prints one tab-separated line per model and measurement:
//   model  what  median_ms  runs
// bench/run-simulate.sh runs it beside libRoadRunner on the same models and prints the ratios.
import Foundation
import PathwayModel
import Simulator

func median(_ xs: [Double]) -> Double {
    let s = xs.sorted()
    return s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
}

func milliseconds(_ d: Duration) -> Double {
    Double(d.components.seconds) * 1000 + Double(d.components.attoseconds) * 1e-15
}

var arguments = Array(CommandLine.arguments.dropFirst())
var runs = 50
var rtol = 1e-6, atol = 1e-9
var points = 1001
var method = Method.auto
while let first = arguments.first, first.hasPrefix("--") {
    arguments.removeFirst()
    let value = arguments.isEmpty ? "" : arguments.removeFirst()
    switch first {
    case "--runs": runs = Int(value) ?? runs
    case "--rtol": rtol = Double(value) ?? rtol
    case "--atol": atol = Double(value) ?? atol
    case "--points": points = Int(value) ?? points
    case "--method": method = Method(rawValue: value) ?? method
    default:
        FileHandle.standardError.write(Data("unknown option \(first)\n".utf8))
        exit(2)
    }
}
if arguments.isEmpty {
    FileHandle.standardError.write(Data("usage: simulate-bench [--runs N] [--rtol R] [--atol A] [--points N] [--method M] MODEL.yaml|END...\n".utf8))
    exit(2)
}

let clock = ContinuousClock()
// Each argument is MODEL or MODEL@END (END in the model's time unit; default: its simulation t-end).
for argument in arguments {
    let parts = argument.split(separator: "@", maxSplits: 1).map(String.init)
    let path = parts[0]
    var loadTimes: [Double] = [], compileTimes: [Double] = [], simulateTimes: [Double] = []
    var compiled: CompiledModel?
    var model: Model?
    for _ in 0..<max(5, runs / 5) {
        let t0 = clock.now
        let m = try ModelLoader.load(path: path).model
        let t1 = clock.now
        let c = try CompiledModel(m)
        let t2 = clock.now
        loadTimes.append(milliseconds(t1 - t0))
        compileTimes.append(milliseconds(t2 - t1))
        compiled = c
        model = m
    }
    guard let compiled, let model else { continue }
    let end = parts.count > 1 ? Double(parts[1])! : (model.simulation.end ?? 100)
    let settings = SimulationSettings(end: end, output: .points(points), method: method, rtol: rtol, atol: atol)
    var steps = 0
    for _ in 0..<runs {
        let t0 = clock.now
        let r = try compiled.simulate(settings)
        simulateTimes.append(milliseconds(clock.now - t0))
        precondition(r.status.isSuccess, "\(path): \(r.status)")
        steps = r.statistics.steps
    }
    // Cost of one right-hand side and one Jacobian evaluation at the initial state.
    let n = compiled.dimension
    var y = compiled.initialState, dydt = [Double](repeating: 0, count: n), jac = [Double](repeating: 0, count: n * n)
    let evaluations = 200_000
    let e0 = clock.now
    for i in 0..<evaluations {
        y[0] += 1e-300 * Double(i & 1)
        compiled.evaluate(t: 0, y: y, dydt: &dydt)
    }
    let e1 = clock.now
    for _ in 0..<(evaluations / 10) { _ = compiled.jacobian(t: 0, y: y, into: &jac) }
    let e2 = clock.now
    let name = (path as NSString).lastPathComponent
    let ps = compiled.programStatistics
    print("\(name)\tprogram\trhs \(ps.rhs) instructions, jacobian \(ps.jacobian); \(ps.histogram.sorted { ($0.value, $1.key) > ($1.value, $0.key) }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))")
    print("\(name)\trhs\t\(String(format: "%.4f", milliseconds(e1 - e0) * 1e6 / Double(evaluations)))\tns per evaluation")
    print("\(name)\tjacobian\t\(String(format: "%.4f", milliseconds(e2 - e1) * 1e6 / Double(evaluations / 10)))\tns per evaluation")
    print("\(name)\tload+compile\t\(String(format: "%.4f", median(loadTimes) + median(compileTimes)))\t\(loadTimes.count)")
    print("\(name)\tcompile\t\(String(format: "%.4f", median(compileTimes)))\t\(compileTimes.count)")
    print("\(name)\tsimulate\t\(String(format: "%.4f", median(simulateTimes)))\t\(runs)\tsteps=\(steps) species=\(model.species.count) end=\(end)")
}
