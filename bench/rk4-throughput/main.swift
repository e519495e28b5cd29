// Manual throughput check for RungeKutta4 (not a test): a 10-species linear cascade
// y₀' = −k y₀, yᵢ' = k yᵢ₋₁ − k yᵢ. Run with `swift run -c release rk4-throughput`.
import Simulator

final class Cascade: ODEFunction {
    let dimension = 10
    var k = 0.5

    func evaluate(t: Double, y: UnsafePointer<Double>, dydt: UnsafeMutablePointer<Double>) {
        dydt[0] = -k * y[0]
        for i in 1..<10 { dydt[i] = k * (y[i - 1] - y[i]) }
    }
}

let system = Cascade()
var initial = [Double](repeating: 0, count: 10)
initial[0] = 1
let problem = ODEProblem(function: system, initialState: initial, timeSpan: 0...1000)
let options = SolverOptions(maxSteps: 10_000_000, stepSize: 2e-4)
let clock = ContinuousClock()

/// Best of three runs: (seconds, solution).
func measure(_ run: () -> Solution) -> (Double, Solution) {
    var best = Double.infinity
    var last: Solution?
    for _ in 0..<3 {
        let start = clock.now
        last = run()
        let elapsed = clock.now - start
        best = min(best, Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18)
    }
    return (best, last!)
}

let output = OutputSchedule.uniform(0...1000, count: 1001)
// Concrete type: the @inlinable integrator specialises for Cascade in this module.
let (seconds, s) = measure { RungeKutta4().solve(problem, output: output, options: options) }
// Through an existential: the loop runs as unspecialised generic code inside Simulator.
let existential: any Integrator = RungeKutta4()
let (secondsExistential, _) = measure { existential.solve(problem, output: output, options: options) }

let evals = Double(s.statistics.rhsEvaluations)
print("status: \(s.status); \(s.statistics)")
print("y9(1000) = \(s.value(species: 9, at: s.count - 1))")
print("specialised:  \(seconds) s, \(evals / seconds / 1e6) million RHS evaluations per second")
print("existential:  \(secondsExistential) s, \(evals / secondsExistential / 1e6) million RHS evaluations per second")
