/// A first-order system of ordinary differential equations
///
///     dy/dt = f(t, y),   y ∈ ℝⁿ,
///
/// as compiled from a signalling model. Conformers are usually `final class`es holding the
/// parameters, so that event actions (which capture the system) can change them mid-run.
///
/// Integrators call ``evaluate(t:y:dydt:)`` in their innermost loop: it must not allocate,
/// must not retain the pointers, and must write all `dimension` components of `dydt`.
public protocol ODEFunction {
    /// Number of state variables n.
    var dimension: Int { get }

    /// Writes dy/dt = f(t, y) into `dydt` (n values). Must not allocate.
    func evaluate(t: Double, y: UnsafePointer<Double>, dydt: UnsafeMutablePointer<Double>)

    /// Writes the dense row-major Jacobian `J[i*n + j] = ∂f_i/∂y_j` and returns `true`,
    /// or returns `false` if no analytic Jacobian is available; implicit integrators then
    /// fall back to forward finite differences (n extra evaluations of f per Jacobian).
    func jacobian(t: Double, y: UnsafePointer<Double>, into J: UnsafeMutablePointer<Double>) -> Bool

    /// `true` if f does not depend on t explicitly. Rosenbrock methods need ∂f/∂t; for an
    /// autonomous system it is zero, otherwise it costs one extra evaluation of f per step
    /// (forward difference). Defaults to `false`, which is always safe.
    var isAutonomous: Bool { get }

    /// The structural nonzeros of the Jacobian, as dense indices `i*n + j`, when known. Implicit
    /// integrators then factor with a sparse, fill-reducing LU (see ``SparseLU``). Nil: dense.
    var jacobianSparsity: [Int]? { get }

    /// The components that are algebraic: for them `evaluate` writes the residual g of a constraint
    /// 0 = g(t, y), not a derivative (a semi-explicit differential–algebraic system M·y' = f with
    /// M = diag(1 for differential, 0 for algebraic components)). Only ``BDF`` solves such systems.
    var algebraicComponents: [Int] { get }

    /// Whether the constraint of each algebraic component holds at (t, y) (`active[k]` for
    /// `algebraicComponents[k]`). One that does not (a switched constraint, off) has a derivative in
    /// its row, mass 1. Asked at the start and after events only: constraints switch at events.
    func algebraicActivity(t: Double, y: UnsafePointer<Double>, into active: UnsafeMutablePointer<Bool>)

    /// Per algebraic component (empty: none): its residual is the rate at which a fast process moves it
    /// (a fast reaction's equilibrium), so its consistent value is where that process comes to rest from
    /// the current state (``DAEConsistency`` follows it), not any root of the residual.
    var algebraicComponentsFollowFlow: [Bool] { get }
}

extension ODEFunction {
    /// Default: no analytic Jacobian (finite differences are used).
    @inlinable
    public func jacobian(t: Double, y: UnsafePointer<Double>, into J: UnsafeMutablePointer<Double>) -> Bool {
        false
    }

    /// Default: assume f depends on t (safe; costs one evaluation per Rosenbrock step).
    @inlinable
    public var isAutonomous: Bool { false }

    /// Default: no sparsity information (dense linear algebra).
    @inlinable
    public var jacobianSparsity: [Int]? { nil }

    /// Default: an ordinary differential system.
    @inlinable
    public var algebraicComponents: [Int] { [] }

    /// Default: no algebraic component follows a flow.
    @inlinable
    public var algebraicComponentsFollowFlow: [Bool] { [] }

    /// Default: every constraint always holds.
    @inlinable
    public func algebraicActivity(t: Double, y: UnsafePointer<Double>, into active: UnsafeMutablePointer<Bool>) {
        for k in algebraicComponents.indices { active[k] = true }
    }
}
