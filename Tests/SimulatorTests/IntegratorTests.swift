import Foundation
import Simulator
import Testing

/// Accuracy against analytic solutions, for each general-purpose integrator.
@Suite("Accuracy against analytic solutions")
struct IntegratorTests {
    static let methods = ["dopri5", "rodas4", "auto", "rk4"]
    static let rtol = 1e-8, atol = 1e-10

    /// Tolerances as asked; RK4 gets a small fixed step instead.
    func options(for method: String) -> SolverOptions {
        SolverOptions(rtol: Self.rtol, atol: Self.atol, stepSize: method == "rk4" ? 1e-3 : nil)
    }

    /// Global-error bound: a modest multiple of the local tolerance.
    func bound(_ exact: Double) -> Double { 50 * (Self.rtol * abs(exact) + Self.atol) }

    @Test("First-order decay y' = −ky matches exp(−kt)", arguments: methods)
    func decay(method: String) {
        let k = 0.7
        let problem = ODEProblem(function: Decay(k: k), initialState: [1], timeSpan: 0...10)
        let sol = integrator(named: method).solve(problem, output: .uniform(0...10, count: 101), options: options(for: method))
        #expect(sol.status == .success)
        #expect(sol.count == 101)
        for i in 0..<sol.count {
            let exact = exp(-k * sol.times[i])
            #expect(abs(sol.value(species: 0, at: i) - exact) <= bound(exact), "t = \(sol.times[i])")
        }
    }

    @Test("Reversible binding A + B ⇌ C relaxes to the analytic equilibrium", arguments: methods)
    func reversibleBinding(method: String) {
        let kon = 100.0, koff = 1.0, a0 = 1.0, b0 = 0.5
        let problem = ODEProblem(
            function: ReversibleBinding(kon: kon, koff: koff), initialState: [a0, b0, 0], timeSpan: 0...20)
        let sol = integrator(named: method).solve(problem, output: .uniform(0...20, count: 21), options: options(for: method))
        #expect(sol.status == .success)
        // kon (a0 − c)(b0 − c) = koff c, smaller root.
        let b = kon * (a0 + b0) + koff
        let c = (b - (b * b - 4 * kon * kon * a0 * b0).squareRoot()) / (2 * kon)
        let last = sol.count - 1
        #expect(abs(sol.value(species: 2, at: last) - c) <= bound(c))
        #expect(abs(sol.value(species: 0, at: last) - (a0 - c)) <= bound(a0 - c))
        #expect(abs(sol.value(species: 1, at: last) - (b0 - c)) <= bound(b0 - c))
        for i in 0..<sol.count {  // conservation of A + C and B + C
            #expect(abs(sol.value(species: 0, at: i) + sol.value(species: 2, at: i) - a0) <= 1e-9)
            #expect(abs(sol.value(species: 1, at: i) + sol.value(species: 2, at: i) - b0) <= 1e-9)
        }
    }

    @Test("Linear chain A → B → C matches the Bateman solution", arguments: methods)
    func linearChain(method: String) {
        let k1 = 1.0, k2 = 0.3
        let problem = ODEProblem(function: LinearChain(k1: k1, k2: k2), initialState: [1, 0, 0], timeSpan: 0...20)
        let sol = integrator(named: method).solve(problem, output: .uniform(0...20, count: 81), options: options(for: method))
        #expect(sol.status == .success)
        for i in 0..<sol.count {
            let t = sol.times[i]
            let a = exp(-k1 * t)
            let bb = k1 / (k2 - k1) * (exp(-k1 * t) - exp(-k2 * t))
            let c = 1 - a - bb
            #expect(abs(sol.value(species: 0, at: i) - a) <= bound(a), "A at t = \(t)")
            #expect(abs(sol.value(species: 1, at: i) - bb) <= bound(bb), "B at t = \(t)")
            #expect(abs(sol.value(species: 2, at: i) - c) <= bound(c), "C at t = \(t)")
        }
    }

    @Test("Every-step output records t₀ and each accepted step, ascending")
    func everyStepOutput() {
        let problem = ODEProblem(function: Decay(k: 1), initialState: [1], timeSpan: 0...5)
        let sol = DormandPrince54().solve(problem, output: .everyStep)
        #expect(sol.status == .success)
        #expect(sol.count == sol.statistics.acceptedSteps + 1)
        #expect(sol.times.first == 0)
        #expect(sol.times.last == 5)
        #expect(zip(sol.times, sol.times.dropFirst()).allSatisfy { $0 < $1 })
    }

    @Test("Work counters are consistent")
    func counters() {
        let problem = ODEProblem(function: ReversibleBinding(kon: 100, koff: 1), initialState: [1, 0.5, 0], timeSpan: 0...20)
        let sol = Rodas4().solve(problem, output: .uniform(0...20, count: 5))
        let s = sol.statistics
        #expect(s.steps == s.acceptedSteps + s.rejectedSteps)
        #expect(s.luDecompositions == s.steps)
        #expect(s.jacobianEvaluations == s.acceptedSteps)
        #expect(s.rhsEvaluations >= 5 * s.steps)
        let d = DormandPrince54().solve(problem, output: .uniform(0...20, count: 5)).statistics
        #expect(d.jacobianEvaluations == 0 && d.luDecompositions == 0)
        #expect(d.rhsEvaluations == 6 * d.steps + 2)  // FSAL: 6 per attempt + f(t₀) + initial-step probe
    }
}
