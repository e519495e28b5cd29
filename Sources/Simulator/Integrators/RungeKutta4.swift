/// The classical fourth-order Runge–Kutta method (4 evaluations of f per step), fixed step
/// `SolverOptions.stepSize` (required).
///
/// Steps follow the grid t₀ + kΔ, cut short only at timed events, triggered-event roots and
/// t₁. Values at output times (and event roots) are RK4 steps of the needed length from the
/// preceding grid point — a fourth-order continuous extension costing 3 extra evaluations
/// per output point — so output never changes the trajectory. Global error O(Δ⁴); no error
/// control, so choose Δ well below the fastest time scale (explicit: unstable for
/// Δ·|λ| ≳ 2.8 on stiff modes).
public struct RungeKutta4: Integrator {
    public init() {}

    public var name: String { "rk4" }

    @inlinable
    public func solve<F: ODEFunction>(
        _ problem: ODEProblem<F>, output: OutputSchedule, options: SolverOptions
    ) -> Solution {
        IntegrationDriver.solve(problem, output: output, options: options, requiresStepSize: true) {
            RungeKutta4Stepper(function: problem.function)
        }
    }
}
