/// How a solve ended (SciML's `retcode`). On any failure the ``Solution`` still holds the
/// output recorded up to the failure.
public enum SolverStatus: Sendable, Equatable, CustomStringConvertible {
    /// Reached the end of the time span.
    case success
    /// A component became NaN or infinite (component index is 0-based).
    case nonFinite(component: Int, time: Double)
    /// The step size fell below the resolution of t (about 16 ulp): typically a blow-up or
    /// a singularity of f.
    case stepSizeUnderflow(time: Double, stepSize: Double)
    /// `SolverOptions.maxSteps` attempted steps were used up before the end.
    case maxStepsReached(time: Double, steps: Int)
    /// An accepted step left a component clearly negative (see `SolverOptions.checkNegative`).
    case negativeState(component: Int, time: Double, value: Double)
    /// The Rosenbrock iteration matrix I/(γh) − J stayed singular after repeated step cuts.
    case singularMatrix(time: Double)
    /// The problem, output schedule or options were inconsistent; nothing was integrated.
    case invalidInput(String)
    /// Dormand–Prince's stiffness test (or its cost-based switch test) fired and ``SolverOptions/stopWhenStiff`` asked to stop there
    /// (``AutoIntegrator`` then continues with ``BDF``).
    case stiffnessDetected(time: Double)
    /// Events kept triggering each other at one instant without end (see ``EventHandler``).
    case eventsDidNotSettle(time: Double)

    /// `true` for ``success``.
    public var isSuccess: Bool {
        if case .success = self { return true }
        return false
    }

    public var description: String {
        switch self {
        case .success:
            return "success"
        case let .nonFinite(component, time):
            return "non-finite value (NaN or infinity) in component \(component) at t = \(time)"
        case let .stepSizeUnderflow(time, stepSize):
            return "step size underflow at t = \(time) (h = \(stepSize))"
        case let .maxStepsReached(time, steps):
            return "maximum number of steps (\(steps)) reached at t = \(time)"
        case let .negativeState(component, time, value):
            return "component \(component) became negative at t = \(time) (value \(value))"
        case let .singularMatrix(time):
            return "singular iteration matrix at t = \(time)"
        case let .stiffnessDetected(time):
            return "the problem became stiff at t = \(time)"
        case let .eventsDidNotSettle(time):
            return "events kept triggering each other at t = \(time)"
        case let .invalidInput(reason):
            return "invalid input: \(reason)"
        }
    }
}
