/// Dormand–Prince 5(4) (Dormand & Prince 1980; Hairer, Nørsett & Wanner I, §II.5): the
/// explicit, adaptive workhorse for non-stiff problems (MATLAB's `ode45`, Hairer's DOPRI5).
///
/// * Local extrapolation: the 5th-order solution is propagated, the embedded 4th-order one
///   only estimates the error.
/// * FSAL: 6 new evaluations of f per step.
/// * Step size: Hairer's PI controller (safety 0.9, β = 0.04, exponent 1/5 − 0.75β,
///   0.2 ≤ h_new/h ≤ 10, no growth right after a rejection).
/// * First step: Hairer's estimate (``SolverOptions/initialStep`` overrides it).
/// * Dense output: Shampine's 4th-order continuous extension (no extra evaluations).
///
/// Caveat: on stiff problems (fast binding next to slow transcription) the step size is
/// limited by stability, not accuracy; expect ``SolverStatus/maxStepsReached(time:steps:)``
/// and use ``BDF``, ``Rodas4`` or ``AutoIntegrator``. Hairer's stiffness test runs on every
/// accepted step (see ``DormandPrince54Stepper``); ``SolverOptions/stopWhenStiff`` stops there, and
/// also turns on the cost-based switch test, which is how ``AutoIntegrator`` hands over to ``BDF``.
///
/// If `SolverOptions.stepSize` is set the method takes fixed steps with error control off
/// (the 5th-order solution; useful for measuring the order).
public struct DormandPrince54: Integrator {
    public init() {}

    public var name: String { "dopri5" }

    @inlinable
    public func solve<F: ODEFunction>(
        _ problem: ODEProblem<F>, output: OutputSchedule, options: SolverOptions
    ) -> Solution {
        IntegrationDriver.solve(problem, output: output, options: options, requiresStepSize: false) {
            DormandPrince54Stepper(
                function: problem.function, rtol: options.rtol, atol: options.atol,
                switchesOnCost: options.stopWhenStiff)
        }
    }
}
