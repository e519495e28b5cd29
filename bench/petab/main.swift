// One objective evaluation and one gradient per PEtab problem, timed (medians), for
// bench/petab/run-petab.sh. Prints tab-separated lines: problem, what, median ms, runs, value.
//   petab-bench [--runs N] PROBLEM.yaml...
import Calibration
import Foundation

var arguments = Array(CommandLine.arguments.dropFirst())
var runs = 20
if arguments.first == "--runs", arguments.count > 1 {
    runs = Int(arguments[1]) ?? runs
    arguments.removeFirst(2)
}

func milliseconds(_ body: () -> Void) -> Double {
    let clock = ContinuousClock()
    let start = clock.now
    body()
    let d = clock.now - start
    return (Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18) * 1e3
}

func median(_ v: [Double]) -> Double {
    let s = v.sorted()
    return s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
}

for path in arguments {
    let name = ((path as NSString).lastPathComponent as NSString).deletingPathExtension
    do {
        let problem = try PEtabProblem.load(path: path)
        let plain = try PEtabObjective(problem, gradients: false)
        let withGradient = try PEtabObjective(problem, gradients: true)
        let nominal = plain.nominal
        var value = 0.0
        _ = plain.evaluate(nominal) // warm-up
        let evaluations = (0..<runs).map { _ in milliseconds { value = plain.evaluate(nominal).nllh } }
        print("\(name)\tobjective\t\(String(format: "%.4f", median(evaluations)))\t\(runs)\t\(value)")
        _ = withGradient.evaluate(nominal, gradient: true)
        let gradients = (0..<runs).map { _ in milliseconds { value = withGradient.evaluate(nominal, gradient: true).nllh } }
        print("\(name)\tgradient\t\(String(format: "%.4f", median(gradients)))\t\(runs)\t\(withGradient.estimated.count)")
    } catch {
        print("\(name)\terror\t\(error)")
    }
}
