import Foundation
import Simulator
import Testing

@Suite("Stiff problems")
struct StiffTests {
    /// Reference at t = 40 (Hairer & Wanner II, §IV.10; computed with tight tolerances).
    static let reference40 = [0.7158270687, 9.185534764e-6, 0.2841637457]

    @Test("Rodas4 solves Robertson to t = 4e10 with bounded work and conservation", arguments: ["rodas4", "auto"])
    func robertson(method: String) {
        let problem = ODEProblem(function: Robertson(), initialState: [1, 0, 0], timeSpan: 0...4e10)
        let options = SolverOptions(rtol: 1e-7, atol: 1e-12)
        let sol = integrator(named: method).solve(problem, output: .times([40, 1e5, 4e10]), options: options)
        #expect(sol.status == .success, "\(sol.status)")
        #expect(sol.statistics.steps < 2000, "\(sol.statistics)")
        for i in 0..<3 {
            #expect(abs(sol.value(species: i, at: 0) - Self.reference40[i]) <= 1e-4 * Self.reference40[i])
        }
        for j in 0..<sol.count {
            let total = sol.state(at: j).reduce(0, +)
            #expect(abs(total - 1) <= 1e-8)
        }
        // Late times: y₁ → 0, y₃ → 1.
        #expect(sol.value(species: 2, at: 2) > 0.9999)
    }

    @Test("Rodas4 with a finite-difference Jacobian also solves Robertson")
    func robertsonFiniteDifferences() {
        final class NoJacobian: ODEFunction {
            let inner = Robertson()
            var dimension: Int { 3 }
            func evaluate(t: Double, y: UnsafePointer<Double>, dydt: UnsafeMutablePointer<Double>) {
                inner.evaluate(t: t, y: y, dydt: dydt)
            }
        }
        let problem = ODEProblem(function: NoJacobian(), initialState: [1, 0, 0], timeSpan: 0...40)
        let sol = Rodas4().solve(problem, output: .times([40]), options: SolverOptions(rtol: 1e-7, atol: 1e-12))
        #expect(sol.status == .success)
        #expect(sol.statistics.rhsEvaluations >= 3 * sol.statistics.jacobianEvaluations)
        for i in 0..<3 {
            #expect(abs(sol.value(species: i, at: 0) - Self.reference40[i]) <= 1e-4 * Self.reference40[i])
        }
    }

    @Test("Dormand–Prince on Robertson reports maxStepsReached instead of failing silently")
    func dopriGivesUp() {
        let problem = ODEProblem(function: Robertson(), initialState: [1, 0, 0], timeSpan: 0...1e5)
        let sol = DormandPrince54().solve(
            problem, output: .uniform(0...1e5, count: 11), options: SolverOptions(maxSteps: 2000))
        guard case let .maxStepsReached(time, steps) = sol.status else {
            Issue.record("expected maxStepsReached, got \(sol.status)")
            return
        }
        #expect(steps == 2000)
        #expect(time > 0 && time < 1e5)
        #expect(sol.count >= 1 && sol.count < 11)  // partial solution kept
        #expect(sol.status.description.contains("maximum number of steps"))
    }
}
