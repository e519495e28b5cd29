/// RODAS4 (Hairer & Wanner, *Solving ODEs II*, §VI.4; their code RODAS): a 6-stage,
/// order-4 Rosenbrock method with an embedded order-3 error estimate, L-stable and stiffly
/// accurate — suited to stiff kinetics such as fast binding next to slow transcription.
///
/// * Linearly implicit: per attempt one dense LU (partial pivoting) of I/(γh) − J, γ = 1/4,
///   six triangular solves and five evaluations of f; no Newton iteration.
/// * Uses the model's analytic Jacobian; if `jacobian` returns `false`, forward finite
///   differences (n evaluations of f). ∂f/∂t by a forward difference unless the system is
///   ``ODEFunction/isAutonomous``.
/// * The Jacobian is exact at the step start, so linear invariants (mass conservation) are
///   kept to rounding error.
/// * Step size: Gustafsson's predictive controller as in RODAS (0.2 ≤ h_new/h ≤ 6).
/// * Dense output: the method's 3rd-order continuous extension.
/// * Work is O(n³) per step for the LU: fine for the tens to low hundreds of species of
///   signalling models; beyond that a sparse or Krylov solver would be needed.
///
/// If `SolverOptions.stepSize` is set the method takes fixed steps with error control off.
public struct Rodas4: Integrator {
    public init() {}

    public var name: String { "rodas4" }

    @inlinable
    public func solve<F: ODEFunction>(
        _ problem: ODEProblem<F>, output: OutputSchedule, options: SolverOptions
    ) -> Solution {
        IntegrationDriver.solve(problem, output: output, options: options, requiresStepSize: false) {
            Rodas4Stepper(function: problem.function, rtol: options.rtol, atol: options.atol)
        }
    }
}
