import Foundation
import Simulator
import Testing

/// Measured orders: slope of log(max error) against log(h) with fixed steps, on the rotation
/// y₁' = y₂, y₂' = −y₁ over [0, 2] (exact y₁ = cos t).
@Suite("Convergence orders")
struct ConvergenceTests {
    /// Rotation y₁' = y₂, y₂' = −y₁ (autonomous, so ∂f/∂t is exactly zero).
    final class Rotation: ODEFunction {
        let dimension = 2
        var isAutonomous: Bool { true }
        func evaluate(t: Double, y: UnsafePointer<Double>, dydt: UnsafeMutablePointer<Double>) {
            dydt[0] = y[1]
            dydt[1] = -y[0]
        }
        func jacobian(t: Double, y: UnsafePointer<Double>, into J: UnsafeMutablePointer<Double>) -> Bool {
            J[0] = 0; J[1] = 1; J[2] = -1; J[3] = 0
            return true
        }
    }

    /// Max error over the step ends and over points inside steps (dense output).
    func rotationErrors(_ method: any Integrator, h: Double) -> (ends: Double, dense: Double) {
        let problem = ODEProblem(function: Rotation(), initialState: [1, 0], timeSpan: 0...2)
        let k = Int((2 / h).rounded())
        let ends = (0...k).map { min(2, Double($0) * h) }
        let inside = (0..<k).map { (Double($0) + 0.37) * h }
        var result = (ends: 0.0, dense: 0.0)
        for (grid, isDense) in [(ends, false), (inside, true)] {
            let sol = method.solve(problem, output: .times(grid), options: SolverOptions(stepSize: h, checkNegative: false))
            for i in 0..<sol.count {
                let e = abs(sol.value(species: 0, at: i) - cos(sol.times[i]))
                if isDense { result.dense = max(result.dense, e) } else { result.ends = max(result.ends, e) }
            }
        }
        return result
    }

    @Test("Euler is first order")
    func euler() {
        let hs = [0.1, 0.05, 0.025, 0.0125]
        let order = convergenceOrder(steps: hs, errors: hs.map { rotationErrors(Euler(), h: $0).ends })
        #expect(abs(order - 1) <= 0.3, "measured \(order)")
    }

    @Test("Classical Runge–Kutta is fourth order")
    func rk4() {
        let hs = [0.2, 0.1, 0.05, 0.025]
        let order = convergenceOrder(steps: hs, errors: hs.map { rotationErrors(RungeKutta4(), h: $0).ends })
        #expect(abs(order - 4) <= 0.3, "measured \(order)")
    }

    @Test("Dormand–Prince propagates a fifth-order solution")
    func dopri5() {
        let hs = [0.2, 0.1, 0.05, 0.025]
        let order = convergenceOrder(steps: hs, errors: hs.map { rotationErrors(DormandPrince54(), h: $0).ends })
        #expect(abs(order - 5) <= 0.3, "measured \(order)")
    }

    @Test("Rodas4 is fourth order; its continuous extension at least third")
    func rodas4() {
        let hs = [0.2, 0.1, 0.05, 0.025]
        let errors = hs.map { rotationErrors(Rodas4(), h: $0) }
        let order = convergenceOrder(steps: hs, errors: errors.map(\.ends))
        let denseOrder = convergenceOrder(steps: hs, errors: errors.map(\.dense))
        #expect(abs(order - 4) <= 0.3, "measured \(order)")
        #expect(denseOrder >= 2.7, "measured \(denseOrder)")
    }

    @Test("Dormand–Prince dense output is at least fourth order")
    func dopri5Dense() {
        let hs = [0.2, 0.1, 0.05, 0.025]
        let errors = hs.map { rotationErrors(DormandPrince54(), h: $0) }
        let denseOrder = convergenceOrder(steps: hs, errors: errors.map(\.dense))
        #expect(denseOrder >= 3.7, "measured \(denseOrder)")
    }

    @Test("Rodas4 handles a non-autonomous system (∂f/∂t by finite differences)")
    func rodasNonAutonomous() {
        let problem = ODEProblem(function: ForcedDecay(), initialState: [1], timeSpan: 0...10)
        let sol = Rodas4().solve(
            problem, output: .uniform(0...10, count: 11),
            options: SolverOptions(rtol: 1e-8, atol: 1e-10, checkNegative: false))
        #expect(sol.status == .success)
        for i in 0..<sol.count {
            #expect(abs(sol.value(species: 0, at: i) - ForcedDecay.exact(sol.times[i])) <= 1e-7, "t = \(sol.times[i])")
        }
    }
}
