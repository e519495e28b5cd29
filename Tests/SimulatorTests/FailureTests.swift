import Foundation
import Simulator
import Testing

@Suite("Failure reporting")
struct FailureTests {
    @Test("y' = y² blowing up at t = 1 is reported near t = 1, with the partial solution kept",
          arguments: ["dopri5", "rodas4", "auto"])
    func blowUp(method: String) {
        let problem = ODEProblem(function: BlowUp(), initialState: [1], timeSpan: 0...2)
        let sol = integrator(named: method).solve(problem, output: .uniform(0...2, count: 21))
        let time: Double
        switch sol.status {
        case let .nonFinite(_, t): time = t
        case let .stepSizeUnderflow(t, _): time = t
        default:
            Issue.record("unexpected status \(sol.status)")
            return
        }
        #expect(abs(time - 1) <= 1e-3, "\(sol.status)")
        // Partial solution kept: t = 0, 0.1, …, 0.9 at least. (The numerical solution's pole is
        // shifted by the global error, about 1e-7 here, so t = 1.0 itself may be recorded; not checked.)
        #expect(sol.count >= 10)
        for i in 0..<min(sol.count, 10) {
            let exact = 1 / (1 - sol.times[i])
            #expect(abs(sol.value(species: 0, at: i) - exact) <= 1e-4 * exact)
        }
    }

    @Test("A component going negative is reported; the check can be turned off")
    func negativeState() {
        let problem = ODEProblem(function: ConstantDrain(c: 1), initialState: [1], timeSpan: 0...3)
        let sol = DormandPrince54().solve(problem, output: .uniform(0...3, count: 31))
        guard case let .negativeState(component, time, value) = sol.status else {
            Issue.record("expected negativeState, got \(sol.status)")
            return
        }
        #expect(component == 0)
        #expect(time > 1 && value < 0)
        #expect(sol.times.allSatisfy { $0 < time })
        #expect(sol.count >= 1)

        let unchecked = DormandPrince54().solve(
            problem, output: .uniform(0...3, count: 31), options: SolverOptions(checkNegative: false))
        #expect(unchecked.status == .success)
        #expect(abs(unchecked.value(species: 0, at: 30) + 2) <= 1e-12)
    }

    @Test("Tiny negative round-off is tolerated")
    func tinyNegativeTolerated() {
        // y' = −y from 1e-12 is fine; the threshold is relative to atol and the scale seen.
        let problem = ODEProblem(function: Decay(k: 50), initialState: [1e-3], timeSpan: 0...100)
        #expect(Rodas4().solve(problem, output: .times([100])).status == .success)
    }

    @Test("Status messages are plain English")
    func descriptions() {
        #expect(SolverStatus.stepSizeUnderflow(time: 12.3, stepSize: 1e-14).description
            == "step size underflow at t = 12.3 (h = 1e-14)")
        #expect(SolverStatus.success.description == "success")
        #expect(SolverStatus.nonFinite(component: 2, time: 0.5).description
            == "non-finite value (NaN or infinity) in component 2 at t = 0.5")
        #expect(SolverStatus.negativeState(component: 1, time: 3, value: -0.25).description
            == "component 1 became negative at t = 3.0 (value -0.25)")
        #expect(SolverStatus.singularMatrix(time: 7).description == "singular iteration matrix at t = 7.0")
    }

    @Test("Invalid input is reported, not trapped")
    func invalidInput() {
        let problem = ODEProblem(function: Decay(k: 1), initialState: [1], timeSpan: 0...1)
        let noStep = RungeKutta4().solve(problem, output: .times([1]))
        #expect(!noStep.status.isSuccess)
        let outside = DormandPrince54().solve(problem, output: .times([2]))
        #expect(!outside.status.isSuccess)
        let wrongSize = DormandPrince54().solve(
            ODEProblem(function: Decay(k: 1), initialState: [1, 2], timeSpan: 0...1), output: .times([1]))
        if case .invalidInput = wrongSize.status {} else { Issue.record("got \(wrongSize.status)") }
    }
}
