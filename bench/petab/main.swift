// One objective evaluation and one gradient per PEtab problem, timed (medians), for
// bench/petab/run-petab.sh. Prints tab-separated lines: problem, what, median ms, runs, value.
//   petab-bench [--runs N] PROBLEM.yaml...
import Calibration
import Foundation
import Simulator

var arguments = Array(CommandLine.arguments.dropFirst())
var runs = 20
var method: String?
var what: Set<String> = ["objective", "gradient"]
while arguments.count > 1, arguments[0].hasPrefix("--") {
    switch arguments[0] {
    case "--runs": runs = Int(arguments[1]) ?? runs
    case "--method": method = arguments[1]
    case "--only": what = [arguments[1]]
    default: break
    }
    arguments.removeFirst(2)
}

func milliseconds(_ body: () -> Void) -> Double {
    if useCPUTime {
        let start = threadMilliseconds()
        body()
        return threadMilliseconds() - start
    }
    let clock = ContinuousClock()
    let start = clock.now
    body()
    let d = clock.now - start
    return (Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18) * 1e3
}

/// CPU time of this thread in ms (PETAB_BENCH_CPU=1): steadier than wall time on a shared machine.
let useCPUTime = ProcessInfo.processInfo.environment["PETAB_BENCH_CPU"] != nil
func threadMilliseconds() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts)
    return Double(ts.tv_sec) * 1e3 + Double(ts.tv_nsec) * 1e-6
}

func median(_ v: [Double]) -> Double {
    let s = v.sorted()
    return s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
}

for path in arguments {
    let name = ((path as NSString).lastPathComponent as NSString).deletingPathExtension
    do {
        let problem = try PEtabProblem.load(path: path)
        var settings = PEtabObjective.ObjectiveSettings()
        if let method, let m = Simulator.Method(rawValue: method) { settings.method = m }
        let plain = try PEtabObjective(problem, gradients: false, settings: settings)
        let nominal = plain.nominal
        var value = 0.0
        if what.contains("objective") {
            _ = plain.evaluate(nominal) // warm-up
            let evaluations = (0..<runs).map { _ in milliseconds { value = plain.evaluate(nominal).nllh } }
            print("\(name)\tobjective\t\(String(format: "%.4f", median(evaluations)))\t\(runs)\t\(value)")
        }
        guard what.contains("gradient") else { continue }
        let withGradient = try PEtabObjective(problem, gradients: true, settings: settings)
        _ = withGradient.evaluate(nominal, gradient: true)
        let gradients = (0..<runs).map { _ in milliseconds { value = withGradient.evaluate(nominal, gradient: true).nllh } }
        print("\(name)\tgradient\t\(String(format: "%.4f", median(gradients)))\t\(runs)\t\(withGradient.estimated.count)")
    } catch {
        print("\(name)\terror\t\(error)")
    }
}
