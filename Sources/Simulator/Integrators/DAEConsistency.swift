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
/// is exactly 0; at most 50 iterations. The system is of index 1 where ∂g/∂z is non-singular: a
/// singular ∂g/∂z (pivot below 10⁻¹⁴ of the largest entry) is reported, not stepped through.
///
/// Used at t₀ (``CompiledModel/simulate``) and after every event (``BDFStepper/restart``). All buffers
/// are allocated once.
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
    }

    deinit {
        for p in [jac, residual, trial, fdWork, fdWork2, block, step] { p.deallocate() }
        pivots.deallocate()
    }

    /// The largest |gᵢ| at (t, y), with the residuals left in `residual`.
    @inlinable
    func residualNorm(t: Double, y: UnsafePointer<Double>, statistics: inout SolverStatistics) -> Double {
        f.evaluate(t: t, y: y, dydt: residual)
        statistics.rhsEvaluations += 1
        var largest = 0.0
        for i in algebraic {
            let r = abs(residual[i])
            largest = r.isNaN ? .infinity : max(largest, r)
        }
        return largest
    }

    /// Makes y's algebraic components consistent in place (the differential ones are not changed).
    @inlinable
    func project(t: Double, y: UnsafeMutablePointer<Double>, statistics: inout SolverStatistics) -> Outcome {
        let m = algebraic.count
        guard m > 0 else { return .consistent }
        var norm = residualNorm(t: t, y: y, statistics: &statistics)
        for _ in 0..<50 {
            if norm == 0 { return .consistent }
            // ∂g/∂z: the algebraic rows and columns of the Jacobian.
            if !f.jacobian(t: t, y: y, into: jac) {
                f.evaluate(t: t, y: y, dydt: fdWork2)
                statistics.rhsEvaluations += 1
                FiniteDifferenceJacobian.compute(function: f, t: t, y: y, f0: fdWork2, count: n, into: jac,
                                                 yWork: trial, fWork: fdWork, statistics: &statistics)
            }
            statistics.jacobianEvaluations += 1
            for (r, i) in algebraic.enumerated() {
                for (c, j) in algebraic.enumerated() { block[r * m + c] = jac[i * n + j] }
                step[r] = -residual[i]
            }
            var scale = 0.0
            for e in 0..<(m * m) { scale = max(scale, abs(block[e])) }
            guard DenseLU.factor(block, order: m, pivots: pivots), scale.isFinite, scale > 0 else {
                return .singular(singularComponent())
            }
            for k in 0..<m where abs(block[k * m + k]) <= 1e-14 * scale { return .singular(k) }
            DenseLU.solve(block, order: m, pivots: pivots, step)
            var converged = true
            for (r, i) in algebraic.enumerated() where abs(step[r]) > 1e-12 * (1 + abs(y[i])) { converged = false }
            // Damped: halve the step while ‖g‖ grows.
            var lambda = 1.0
            for i in 0..<n { trial[i] = y[i] }
            var trialNorm = Double.infinity
            for _ in 0...8 {
                for (r, i) in algebraic.enumerated() { trial[i] = y[i] + lambda * step[r] }
                trialNorm = residualNorm(t: t, y: trial, statistics: &statistics)
                if trialNorm < norm || converged { break }
                lambda *= 0.5
            }
            guard trialNorm.isFinite else { break }
            for i in algebraic { y[i] = trial[i] }
            norm = trialNorm
            if converged { return .consistent }
        }
        // Not converged: name the component with the largest residual.
        _ = residualNorm(t: t, y: y, statistics: &statistics)
        var worst = 0
        for (r, i) in algebraic.enumerated() where !(abs(residual[i]) <= abs(residual[algebraic[worst]])) { worst = r }
        return .diverged(worst)
    }

    /// The first algebraic component whose column of ∂g/∂z is zero (else the first).
    @inlinable
    func singularComponent() -> Int {
        for (c, j) in algebraic.enumerated() {
            var zero = true
            for i in algebraic where jac[i * n + j] != 0 { zero = false }
            if zero { return c }
        }
        return 0
    }
}
