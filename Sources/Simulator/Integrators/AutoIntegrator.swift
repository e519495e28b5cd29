/// The default integrator ("auto").
///
/// Signalling models are almost always stiff (binding and phosphorylation on milliseconds,
/// transcription and degradation on hours), so "auto" is ``Rodas4`` with error control: it
/// is L-stable, uses the compiled analytic Jacobian, and on non-stiff models of signalling
/// size (n ≲ 100) it costs at most a few times what ``DormandPrince54`` would, while
/// DOPRI can need millions of steps on stiff ones. A DOPRI5 ↔ Rosenbrock switch with
/// stiffness detection (as in LSODA or OrdinaryDiffEq's `AutoTsit5`) would win on large
/// non-stiff models; it is not implemented.
///
/// `SolverOptions.stepSize` is ignored: "auto" always controls the error.
public struct AutoIntegrator: Integrator {
    public init() {}

    public var name: String { "auto" }

    @inlinable
    public func solve<F: ODEFunction>(
        _ problem: ODEProblem<F>, output: OutputSchedule, options: SolverOptions
    ) -> Solution {
        var adaptive = options
        adaptive.stepSize = nil
        return Rodas4().solve(problem, output: output, options: adaptive)
    }
}
