#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Consistent values of the algebraic components of a semi-explicit differential–algebraic system
///
///     y' = f(t, y, z),   0 = g(t, y, z)
///
/// (``ODEFunction/algebraicComponents`` are z; `evaluate` writes g in their rows): Newton's method on
/// g(t, y, z) = 0 for z with t and y held, z ← z − (∂g/∂z)⁻¹·g, the step halved while it does not
/// reduce ‖g‖ (at most 8 halvings). Converged when every correction is below 10⁻¹²·(1 + |z|) or g
/// is exactly 0; at most 50 Newton iterations. The system is of index 1 where ∂g/∂z is non-singular: a
/// singular ∂g/∂z (pivot below 10⁻¹⁴ of the largest entry) is reported, not stepped through.
///
/// Components whose residual is a fast flow (``ODEFunction/algebraicComponentsFollowFlow``: a fast
/// reaction's equilibrium, g = dz/dt of the fast process) go where that process comes to rest from the
/// current state, which Newton from anywhere may miss (it finds an unstable root as readily as a stable
/// one): pseudo-transient continuation (Kelley & Keyes 1998), implicit Euler steps of z' = g with the
/// pseudo-time step Δτ, (I/Δτ − ∂g/∂z)·δ = g, Δτ starting at 0.1/max|∂gᵢ/∂zᵢ| and growing as ‖g‖ falls
/// (Δτₖ₊₁ = Δτₖ·‖gₖ‖/‖gₖ₊₁‖, switched evolution relaxation) until the iteration is Newton's.
///
/// Only the constraints that hold at (t, y) take part (``ODEFunction/algebraicActivity(t:y:into:)``;
/// a switched-off one leaves its component to its derivative), recorded in ``active`` for the caller's
/// mass matrix. Used at t₀ (``CompiledModel/simulate``) and after every event (``BDFStepper/restart``).
/// All buffers are allocated once.
@usableFromInline
final class DAEConsistency<F: ODEFunction> {
    @usableFromInline enum Outcome: Equatable {
        case consistent
        /// ∂g/∂z is singular: the constraint for the algebraic component at this position (an index into
        /// ``ODEFunction/algebraicComponents``) does not determine it (index > 1, or under-determined).
        case singular(Int)
        /// Newton did not converge; the component whose residual is largest.
        case diverged(Int)
    }

    @usableFromInline let f: F
    @usableFromInline let n: Int
    @usableFromInline let algebraic: [Int]
    @usableFromInline let jac, residual, trial, fdWork, fdWork2, block, step: UnsafeMutablePointer<Double>
    @usableFromInline let pivots: UnsafeMutablePointer<Int>
    /// Whether each algebraic component's constraint holds (set by ``project``), and the positions
    /// (into ``algebraic``) of those that do, the first ``activeCount``.
    @usableFromInline let active: UnsafeMutablePointer<Bool>
    @usableFromInline let activeRows: UnsafeMutablePointer<Int>
    /// Whether each algebraic component follows a fast flow (pseudo-transient continuation).
    @usableFromInline let flow: UnsafeMutablePointer<Bool>
    @usableFromInline var activeCount = 0

    @inlinable
    init(function: F) {
        f = function
        n = function.dimension
        algebraic = function.algebraicComponents
        let m = algebraic.count
        jac = .allocate(capacity: max(1, n * n))
        residual = .allocate(capacity: max(1, n))
        trial = .allocate(capacity: max(1, n))
        fdWork = .allocate(capacity: max(1, n))
        fdWork2 = .allocate(capacity: max(1, n))
        block = .allocate(capacity: max(1, m * m))
        step = .allocate(capacity: max(1, m))
        pivots = .allocate(capacity: max(1, m))
        active = .allocate(capacity: max(1, m))
        active.initialize(repeating: true, count: max(1, m))
        activeRows = .allocate(capacity: max(1, m))
        flow = .allocate(capacity: max(1, m))
        flow.initialize(repeating: false, count: max(1, m))
        for (k, follows) in function.algebraicComponentsFollowFlow.enumerated() where k < m { flow[k] = follows }
    }

    deinit {
        for p in [jac, residual, trial, fdWork, fdWork2, block, step] { p.deallocate() }
        pivots.deallocate()
        active.deallocate()
        activeRows.deallocate()
        flow.deallocate()
    }

    /// The largest |gᵢ| at (t, y), with the residuals left in `residual`.
    @inlinable
    func residualNorm(t: Double, y: UnsafePointer<Double>, statistics: inout SolverStatistics) -> Double {
        f.evaluate(t: t, y: y, dydt: residual)
        statistics.rhsEvaluations += 1
        var largest = 0.0
        for a in 0..<activeCount {
            let r = abs(residual[algebraic[activeRows[a]]])
            largest = r.isNaN ? .infinity : max(largest, r)
        }
        return largest
    }

    /// Makes y's algebraic components consistent in place (the differential ones are not changed).
    @inlinable
    func project(t: Double, y: UnsafeMutablePointer<Double>, statistics: inout SolverStatistics) -> Outcome {
        guard !algebraic.isEmpty else { return .consistent }
        f.algebraicActivity(t: t, y: y, into: active)
        activeCount = 0
        for k in algebraic.indices where active[k] {
            activeRows[activeCount] = k
            activeCount += 1
        }
        let m = activeCount
        guard m > 0 else { return .consistent }
        var norm = residualNorm(t: t, y: y, statistics: &statistics)
        // Pseudo-time step of the continuation (0: not yet chosen; ∞: Newton).
        var pseudoStep = Double.infinity
        for r in 0..<m where flow[activeRows[r]] { pseudoStep = 0 }
        var newtonIterations = 0
        for _ in 0..<400 {
            if pseudoStep.isInfinite {
                newtonIterations += 1
                if newtonIterations > 50 { break }
            }
            if norm == 0 { return .consistent }
            // ∂g/∂z: the algebraic rows and columns of the Jacobian.
            if !f.jacobian(t: t, y: y, into: jac) {
                f.evaluate(t: t, y: y, dydt: fdWork2)
                statistics.rhsEvaluations += 1
                FiniteDifferenceJacobian.compute(function: f, t: t, y: y, f0: fdWork2, count: n, into: jac,
                                                 yWork: trial, fWork: fdWork, statistics: &statistics)
            }
            statistics.jacobianEvaluations += 1
            for r in 0..<m {
                let i = algebraic[activeRows[r]]
                for c in 0..<m { block[r * m + c] = jac[i * n + algebraic[activeRows[c]]] }
                step[r] = -residual[i]
            }
            var scale = 0.0
            for e in 0..<(m * m) { scale = max(scale, abs(block[e])) }
            if pseudoStep == 0 {
                var diagonal = 0.0
                for r in 0..<m where flow[activeRows[r]] { diagonal = max(diagonal, abs(block[r * m + r])) }
                pseudoStep = 0.1 / (diagonal > 0 ? diagonal : max(scale, 1))
            }
            let continuing = pseudoStep.isFinite
            if continuing {
                for r in 0..<m where flow[activeRows[r]] { block[r * m + r] -= 1 / pseudoStep }
            }
            guard DenseLU.factor(block, order: m, pivots: pivots), scale.isFinite, scale > 0 else {
                return .singular(singularComponent())
            }
            for k in 0..<m where abs(block[k * m + k]) <= 1e-14 * scale { return .singular(activeRows[k]) }
            DenseLU.solve(block, order: m, pivots: pivots, step)
            var converged = true
            for r in 0..<m where abs(step[r]) > 1e-12 * (1 + abs(y[algebraic[activeRows[r]]])) { converged = false }
            if continuing {
                // A step this small, with Δτ beyond the system's time scale, is at a root.
                if converged && pseudoStep * scale > 1 { return .consistent }
                // An implicit Euler step in pseudo-time, taken whole; Δτ grows as ‖g‖ falls.
                for r in 0..<m { y[algebraic[activeRows[r]]] += step[r] }
                let previous = norm
                norm = residualNorm(t: t, y: y, statistics: &statistics)
                guard norm.isFinite else { break }
                if norm == 0 { return .consistent }
                pseudoStep *= min(10, max(0.5, previous / norm))
                if pseudoStep * scale > 1e10 { pseudoStep = .infinity }
                continue
            }
            // Damped: halve the step while ‖g‖ grows.
            var lambda = 1.0
            for i in 0..<n { trial[i] = y[i] }
            var trialNorm = Double.infinity
            for _ in 0...8 {
                for r in 0..<m { trial[algebraic[activeRows[r]]] = y[algebraic[activeRows[r]]] + lambda * step[r] }
                trialNorm = residualNorm(t: t, y: trial, statistics: &statistics)
                if trialNorm < norm || converged { break }
                lambda *= 0.5
            }
            guard trialNorm.isFinite else { break }
            for r in 0..<m { y[algebraic[activeRows[r]]] = trial[algebraic[activeRows[r]]] }
            norm = trialNorm
            if converged { return .consistent }
        }
        // Not converged: name the component with the largest residual.
        _ = residualNorm(t: t, y: y, statistics: &statistics)
        var worst = activeRows[0]
        for r in 0..<m where !(abs(residual[algebraic[activeRows[r]]]) <= abs(residual[algebraic[worst]])) { worst = activeRows[r] }
        return .diverged(worst)
    }

    /// The first active algebraic component whose column of ∂g/∂z is zero (else the first active one).
    @inlinable
    func singularComponent() -> Int {
        for c in 0..<activeCount {
            let j = algebraic[activeRows[c]]
            var zero = true
            for r in 0..<activeCount where jac[algebraic[activeRows[r]] * n + j] != 0 { zero = false }
            if zero { return activeRows[c] }
        }
        return activeRows[0]
    }
}
