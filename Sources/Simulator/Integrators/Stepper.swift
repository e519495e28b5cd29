/// One method's cache and step function, driven by ``IntegrationDriver``.
///
/// A stepper owns its stage buffers (allocated once in `init`, freed in `deinit`) and the
/// dense output of the last accepted step. The driver owns t, y, step-size control, events
/// and output.
@usableFromInline
protocol Stepper: AnyObject {
    /// Step-size controller suited to the method (used when error control is on).
    var controllerKind: StepSizeController.Kind { get }

    /// (Re)starts at (t, y): forgets FSAL derivatives and Jacobians. Called at t₀ and after
    /// every event. A method that solves algebraic constraints (``BDF``) makes y's algebraic
    /// components consistent with them here, in place.
    func restart(t: Double, y: UnsafeMutablePointer<Double>, statistics: inout SolverStatistics)

    /// Hairer's starting step estimate at (t, y); only called after `restart`.
    func initialStepSize(
        t: Double, y: UnsafePointer<Double>, maxStep: Double, statistics: inout SolverStatistics
    ) -> Double

    /// Attempts one step of size h from (t, y), writing the new state to `yNew`.
    func attempt(
        t: Double, h: Double, y: UnsafePointer<Double>, yNew: UnsafeMutablePointer<Double>,
        statistics: inout SolverStatistics
    ) -> StepOutcome

    /// The driver accepted the step from (t, y) to (t + h, yNew): build the dense output and
    /// carry FSAL data over. `y` and `yNew` are only valid during the call.
    func accept(
        t: Double, h: Double, y: UnsafePointer<Double>, yNew: UnsafePointer<Double>,
        statistics: inout SolverStatistics
    )

    /// Dense output of the last accepted step at `time` ∈ [t, t + h].
    func interpolate(at time: Double, into out: UnsafeMutablePointer<Double>, statistics: inout SolverStatistics)
    /// Whether the method's stiffness test says the problem has become stiff.
    var detectedStiffness: Bool { get }

    /// `true` if the method chooses its own step sizes (and orders), as multistep methods must:
    /// the driver then takes ``proposedStepSize`` after every attempt instead of asking its
    /// ``StepSizeController``. Default `false`.
    var selectsStepSize: Bool { get }

    /// The step the method wants next, read by the driver after a rejected attempt and after
    /// `accept` when ``selectsStepSize`` is `true` (the driver may still shorten it to land on
    /// an event, t₁ or `maxStep`).
    var proposedStepSize: Double { get }
}

extension Stepper {
    @inlinable
    var detectedStiffness: Bool { false }

    @inlinable
    var selectsStepSize: Bool { false }

    @inlinable
    var proposedStepSize: Double { 0 }
}

/// An explicit one-step method without an error estimate or a start-up of its own (``Euler``,
/// ``RungeKutta4``): nothing to restart, the first step is `maxStep`, and accepting a step keeps its start
/// (`tOld`, `yOld`), from which the method's dense output steps to the requested time.
@usableFromInline
protocol ExplicitOneStepStepper: Stepper {
    var n: Int { get }
    var yOld: UnsafeMutablePointer<Double> { get }
    var tOld: Double { get set }
}

extension ExplicitOneStepStepper {
    @inlinable
    func restart(t: Double, y: UnsafeMutablePointer<Double>, statistics: inout SolverStatistics) {}

    @inlinable
    func initialStepSize(
        t: Double, y: UnsafePointer<Double>, maxStep: Double, statistics: inout SolverStatistics
    ) -> Double { maxStep }

    @inlinable
    func accept(
        t: Double, h: Double, y: UnsafePointer<Double>, yNew: UnsafePointer<Double>,
        statistics: inout SolverStatistics
    ) {
        tOld = t
        yOld.update(from: y, count: n)
    }
}

/// Result of a step attempt.
@usableFromInline
enum StepOutcome {
    /// The step was computed; `errorNorm` is the weighted RMS norm of the local error
    /// estimate (0 for methods without one). NaN/∞ means the stages were not finite.
    case completed(errorNorm: Double)
    /// The linear system of an implicit method was singular.
    case singularMatrix
    /// The nonlinear (Newton) iteration of an implicit method did not converge even with a fresh
    /// Jacobian; the step must be retried smaller (``Stepper/proposedStepSize`` if the method
    /// selects its steps, else a quarter of it).
    case convergenceFailure
}
