/// An integration *algorithm*: a small value naming a method (SciML style). It owns no
/// state; every `solve` allocates its work buffers once, runs, and frees them.
///
/// Implementations are `@inlinable` so that a call with a concrete `F` specialises the whole
/// integration loop in the caller's module (f is then called directly, not through a
/// witness table).
public protocol Integrator: Sendable {
    /// A short name ("dopri5", "rodas4", …) for logs and command-line flags.
    var name: String { get }

    /// Integrates `problem`, recording `output`.
    func solve<F: ODEFunction>(
        _ problem: ODEProblem<F>, output: OutputSchedule, options: SolverOptions
    ) -> Solution
}

extension Integrator {
    /// Integrates with default ``SolverOptions``.
    @inlinable
    public func solve<F: ODEFunction>(_ problem: ODEProblem<F>, output: OutputSchedule) -> Solution {
        solve(problem, output: output, options: SolverOptions())
    }
}
