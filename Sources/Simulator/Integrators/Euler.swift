/// The explicit Euler method, order 1, fixed step `SolverOptions.stepSize` (required).
///
/// Steps follow the grid t₀ + kΔ; a step is cut short only to end exactly at a timed event,
/// a triggered event's root or t₁. Values at output times are Euler steps from the preceding
/// grid point (linear interpolation), so output never changes the trajectory. No error
/// control: `rtol`/`atol` only enter the negative-state check. For tests and teaching;
/// prefer ``RungeKutta4`` or an adaptive method for real work.
public struct Euler: Integrator {
    public init() {}

    public var name: String { "euler" }

    @inlinable
    public func solve<F: ODEFunction>(
        _ problem: ODEProblem<F>, output: OutputSchedule, options: SolverOptions
    ) -> Solution {
        IntegrationDriver.solve(problem, output: output, options: options, requiresStepSize: true) {
            EulerStepper(function: problem.function)
        }
    }
}
