/// Work counters kept on every solve, in the manner of SUNDIALS CVODE's `CVodeGetNum…`.
public struct SolverStatistics: Sendable, Equatable, CustomStringConvertible {
    /// Attempted steps (accepted + rejected).
    public var steps: Int = 0
    public var acceptedSteps: Int = 0
    public var rejectedSteps: Int = 0
    /// Evaluations of f, including those spent on finite-difference Jacobians, ∂f/∂t,
    /// initial-step selection and dense output of fixed-step methods.
    public var rhsEvaluations: Int = 0
    /// Jacobians formed (analytic or by finite differences).
    public var jacobianEvaluations: Int = 0
    /// LU factorisations of the iteration matrix.
    public var luDecompositions: Int = 0
    /// Event actions applied (timed and triggered).
    public var eventsFired: Int = 0
    /// Where ``AutoIntegrator`` switched from Dormand–Prince to BDF (nil: no switch).
    public var switchedToStiffAt: Double?
    /// Steps (accepted + rejected) Dormand–Prince took before ``AutoIntegrator`` switched to BDF.
    public var stepsBeforeSwitch: Int?

    public init() {}

    public var description: String {
        "steps \(steps) (accepted \(acceptedSteps), rejected \(rejectedSteps)), "
            + "f evaluations \(rhsEvaluations), Jacobians \(jacobianEvaluations), "
            + "LU decompositions \(luDecompositions), events fired \(eventsFired)"
            + (switchedToStiffAt.map { t in
                "; switched from dopri5 to bdf at t = \(t)" + (stepsBeforeSwitch.map { " after \($0) steps" } ?? "")
            } ?? "")
    }

    /// The counters of two consecutive runs added up.
    @inlinable
    public func adding(_ other: SolverStatistics) -> SolverStatistics {
        var s = self
        s.steps += other.steps
        s.acceptedSteps += other.acceptedSteps
        s.rejectedSteps += other.rejectedSteps
        s.rhsEvaluations += other.rhsEvaluations
        s.jacobianEvaluations += other.jacobianEvaluations
        s.luDecompositions += other.luDecompositions
        s.eventsFired += other.eventsFired
        s.switchedToStiffAt = switchedToStiffAt ?? other.switchedToStiffAt
        s.stepsBeforeSwitch = stepsBeforeSwitch ?? other.stepsBeforeSwitch
        return s
    }
}
