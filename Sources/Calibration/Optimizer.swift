import Analysis
import Foundation
import Synchronization

/// The result of one local optimisation.
public struct LocalFit: Sendable {
    /// Where it started and ended, estimated parameters on their scales.
    public var start: [Double]
    public var parameters: [Double]
    /// The objective (nllh + negative log-prior) at the end; ∞ if the start could not be simulated.
    public var objective: Double
    public var nllh: Double
    public var iterations: Int
    public var evaluations: Int
    /// Why it stopped.
    public var stop: String
}

extension PEtabObjective {
    /// The objective (nllh plus negative log-prior), its gradient and a Gauss–Newton matrix at `x`
    /// (estimated parameters on their scales).
    func objectiveAndModel(_ x: [Double]) -> (f: Double, nllh: Double, g: [Double], h: [[Double]])? {
        let e = evaluate(unscaled(x), gradient: true)
        guard e.failure == nil, e.nllh.isFinite, var g = e.gradient, let jac = e.residualJacobian else { return nil }
        let n = x.count
        let prior = negativeLogPrior(x, gradient: &g)
        var h = Array(repeating: [Double](repeating: 0, count: n), count: n)
        for row in jac {
            for i in 0..<n where row[i] != 0 {
                for j in i..<n { h[i][j] += row[i] * row[j] }
            }
        }
        for i in 0..<n { for j in 0..<i { h[i][j] = h[j][i] } }
        // Normal priors on the parameter scale add their exact curvature 1/b².
        for (k, idx) in estimated.enumerated() {
            if let p = problem.parameters[idx].prior, p.kind == .parameterScaleNormal { h[k][k] += 1 / (p.parameters[1] * p.parameters[1]) }
        }
        return (e.nllh + prior, e.nllh, g, h)
    }

    /// Levenberg–Marquardt on the parameter scales within the bounds (Moré 1978, with a projected step).
    ///
    /// The model of the objective is the Gauss–Newton matrix JᵀJ of the residuals (h(y) − h(m))/σ, which
    /// here also carry the noise parameters' part, plus the gradient of the full objective (with the
    /// ln σ terms and priors), so estimating σ works as in least squares. A step that lowers the objective
    /// is taken and the damping λ shrinks; otherwise λ grows. Parameters at a bound whose gradient points
    /// out of the box are held there. Stops when the projected gradient or the relative decrease is tiny.
    public func levenbergMarquardt(from start: [Double], maxIterations: Int = 300,
                                   bounds box: (lower: [Double], upper: [Double])? = nil) -> LocalFit {
        let (lower, upper) = box ?? bounds
        let n = start.count
        var x = zip(start, zip(lower, upper)).map { min(max($0, $1.0), $1.1) }
        var evaluations = 1
        guard var current = objectiveAndModel(x) else {
            return LocalFit(start: start, parameters: x, objective: .infinity, nllh: .infinity, iterations: 0, evaluations: 1, stop: "the start could not be simulated")
        }
        var lambda = 1e-2
        var smallSteps = 0
        for iteration in 1...maxIterations {
            let g = current.g
            let free = (0..<n).filter { i in
                !((x[i] <= lower[i] && g[i] > 0) || (x[i] >= upper[i] && g[i] < 0))
            }
            let projected = free.map { g[$0] * g[$0] }.reduce(0, +).squareRoot()
            if projected < 1e-6 {
                return LocalFit(start: start, parameters: x, objective: current.f, nllh: current.nllh, iterations: iteration, evaluations: evaluations, stop: "gradient below 1e-6")
            }
            var accepted = false
            while !accepted {
                // Solve (H + λ·diag(H)) δ = −g on the free parameters.
                var a = free.map { i in free.map { j in current.h[i][j] } }
                for k in free.indices { a[k][k] += lambda * max(current.h[free[k]][free[k]], 1e-10) + 1e-12 }
                guard let delta = solveSymmetric(a, free.map { -g[$0] }) else { lambda *= 10; if lambda > 1e12 { break }; continue }
                var trial = x
                for (k, i) in free.enumerated() { trial[i] = min(max(x[i] + delta[k], lower[i]), upper[i]) }
                evaluations += 1
                if let next = objectiveAndModel(trial), next.f < current.f {
                    let decrease = current.f - next.f
                    x = trial
                    current = next
                    lambda = max(lambda / 3, 1e-10)
                    accepted = true
                    smallSteps = decrease < 1e-8 * (1 + Swift.abs(current.f)) ? smallSteps + 1 : 0
                } else {
                    lambda *= 4
                    if lambda > 1e12 { break }
                }
            }
            if !accepted {
                return LocalFit(start: start, parameters: x, objective: current.f, nllh: current.nllh, iterations: iteration, evaluations: evaluations, stop: "no step lowers the objective")
            }
            if smallSteps >= 3 {
                return LocalFit(start: start, parameters: x, objective: current.f, nllh: current.nllh, iterations: iteration, evaluations: evaluations, stop: "relative decrease below 1e-8")
            }
        }
        return LocalFit(start: start, parameters: x, objective: current.f, nllh: current.nllh, iterations: maxIterations, evaluations: evaluations, stop: "iteration limit")
    }
}

/// Solves a symmetric positive definite system by Cholesky; nil when it is not positive definite.
func solveSymmetric(_ a: [[Double]], _ b: [Double]) -> [Double]? {
    let n = b.count
    var l = Array(repeating: [Double](repeating: 0, count: n), count: n)
    for i in 0..<n {
        for j in 0...i {
            var s = a[i][j]
            for k in 0..<j { s -= l[i][k] * l[j][k] }
            if i == j {
                guard s > 0, s.isFinite else { return nil }
                l[i][i] = s.squareRoot()
            } else {
                l[i][j] = s / l[j][j]
            }
        }
    }
    var y = b
    for i in 0..<n {
        for k in 0..<i { y[i] -= l[i][k] * y[k] }
        y[i] /= l[i][i]
    }
    for i in stride(from: n - 1, through: 0, by: -1) {
        for k in (i + 1)..<n { y[i] -= l[k][i] * y[k] }
        y[i] /= l[i][i]
    }
    return y
}

// MARK: Multi-start

/// A seeded random generator (SplitMix64, Steele, Lea & Flood 2014): the same seed gives the same starts
/// on every machine.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64
    public init(seed: UInt64) { state = seed }
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    /// A uniform number in [0, 1).
    mutating func unit() -> Double { Double(next() >> 11) * 0x1p-53 }
}

/// `count` Latin-hypercube points in the box (each coordinate's range cut into `count` equal strata,
/// one point per stratum, strata paired at random).
public func latinHypercube(count: Int, lower: [Double], upper: [Double], seed: UInt64) -> [[Double]] {
    var rng = SplitMix64(seed: seed)
    var points = Array(repeating: [Double](repeating: 0, count: lower.count), count: count)
    for d in lower.indices {
        var strata = Array(0..<count)
        for i in stride(from: count - 1, to: 0, by: -1) {
            let j = Int(rng.next() % UInt64(i + 1))
            strata.swapAt(i, j)
        }
        for i in 0..<count {
            points[i][d] = lower[d] + (Double(strata[i]) + rng.unit()) / Double(count) * (upper[d] - lower[d])
        }
    }
    return points
}

public struct MultiStartResult: Sendable {
    /// Every start's result, in start order.
    public var fits: [LocalFit]
    /// The best fit.
    public var best: LocalFit { fits.min { $0.objective < $1.objective }! }
    /// Starts whose objective is within `tolerance` of the best.
    public func converged(tolerance: Double = 0.1) -> Int { fits.filter { $0.objective <= best.objective + tolerance }.count }
}

extension PEtabProblem {
    /// Local fits from `starts` Latin-hypercube points within the bounds (on the parameter scales),
    /// on `jobs` threads; results in start order, the same for any number of threads.
    /// `progress` is called (under a lock) as each start finishes.
    public enum Optimizer: String, Sendable, CaseIterable {
        /// Bounded Levenberg–Marquardt with forward-sensitivity gradients (the default).
        case levenbergMarquardt = "lm"
        /// Nelder–Mead, gradient-free (a baseline to compare with).
        case nelderMead = "nelder-mead"
    }

    public func multiStart(starts: Int, seed: UInt64, jobs: Int, optimizer: Optimizer = .levenbergMarquardt,
                           settings: PEtabObjective.ObjectiveSettings = .init(),
                           progress: @escaping @Sendable (Int, LocalFit) -> Void = { _, _ in }) throws(CalibrationError) -> MultiStartResult {
        let gradients = optimizer == .levenbergMarquardt
        let probe = try PEtabObjective(self, gradients: gradients, settings: settings)
        guard probe.hasGradient || !gradients else {
            throw CalibrationError(at: .init(file: file, line: 0, column: 0), "this problem has no forward-sensitivity gradient (events, delays, variable stoichiometry, or a parameter estimated only before preequilibration), so Levenberg–Marquardt cannot fit it; try --optimizer nelder-mead")
        }
        let (lower, upper) = probe.bounds
        let points = latinHypercube(count: starts, lower: lower, upper: upper, seed: seed)
        let problem = self
        let box = FitsBox(count: starts)
        do {
            try Parallel.orderedMap(0..<starts, jobs: jobs, makeContext: { try PEtabObjective(problem, gradients: gradients, settings: settings) },
                                    work: { objective, i in
                                        gradients ? objective.levenbergMarquardt(from: points[i]) : objective.nelderMead(from: points[i])
                                    },
                                    deliver: { i, fit in box.set(i, fit); progress(i, fit) })
        } catch let error as CalibrationError {
            throw error
        } catch {
            throw CalibrationError(at: .init(file: file, line: 0, column: 0), "\(error)")
        }
        return MultiStartResult(fits: box.fits.map { $0! })
    }
}

/// The fits by start, behind a lock of their own (a checked `Sendable`, not a promise).
private final class FitsBox: Sendable {
    private let storage: Mutex<[LocalFit?]>
    init(count: Int) { storage = Mutex(Array(repeating: nil, count: count)) }
    func set(_ i: Int, _ fit: LocalFit) { storage.withLock { $0[i] = fit } }
    var fits: [LocalFit?] { storage.withLock { $0 } }
}

// MARK: Gradient-free comparison

extension PEtabObjective {
    /// Nelder–Mead (Nelder & Mead 1965, with the standard coefficients 1, 2, ½, ½) on the parameter
    /// scales, points clipped into the bounds: a gradient-free baseline for the multi-start comparison.
    /// Initial simplex: steps of 5 % of each bound range. Stops after `maxEvaluations` objective values
    /// or when the simplex's objective spread falls below 1e-8.
    public func nelderMead(from start: [Double], maxEvaluations: Int = 3000) -> LocalFit {
        let (lower, upper) = bounds
        let n = start.count
        func clip(_ x: [Double]) -> [Double] { (0..<n).map { min(max(x[$0], lower[$0]), upper[$0]) } }
        var evaluations = 0
        func f(_ x: [Double]) -> Double {
            evaluations += 1
            let e = evaluate(unscaled(x))
            var g = [Double](repeating: 0, count: n)
            let v = e.nllh + negativeLogPrior(x, gradient: &g)
            return v.isFinite ? v : .infinity
        }
        var simplex = [clip(start)]
        for i in 0..<n {
            var p = simplex[0]
            let h = 0.05 * (upper[i] - lower[i])
            p[i] = p[i] + h <= upper[i] ? p[i] + h : p[i] - h
            simplex.append(p)
        }
        var values = simplex.map(f)
        var iterations = 0
        while evaluations < maxEvaluations {
            iterations += 1
            let order = values.indices.sorted { values[$0] < values[$1] }
            simplex = order.map { simplex[$0] }
            values = order.map { values[$0] }
            if values[n] - values[0] < 1e-8 * (1 + Swift.abs(values[0])) { break }
            let centroid = (0..<n).map { j in simplex[0..<n].map { $0[j] }.reduce(0, +) / Double(n) }
            func along(_ t: Double) -> [Double] { clip((0..<n).map { centroid[$0] + t * (simplex[n][$0] - centroid[$0]) }) }
            let reflected = along(-1), fr = f(reflected)
            if fr < values[0] {
                let expanded = along(-2), fe = f(expanded)
                if fe < fr { simplex[n] = expanded; values[n] = fe } else { simplex[n] = reflected; values[n] = fr }
            } else if fr < values[n - 1] {
                simplex[n] = reflected; values[n] = fr
            } else {
                let contracted = fr < values[n] ? along(-0.5) : along(0.5)
                let fc = f(contracted)
                if fc < min(fr, values[n]) {
                    simplex[n] = contracted; values[n] = fc
                } else {
                    for i in 1...n {
                        simplex[i] = clip((0..<n).map { simplex[0][$0] + 0.5 * (simplex[i][$0] - simplex[0][$0]) })
                        values[i] = f(simplex[i])
                    }
                }
            }
        }
        let best = values.indices.min { values[$0] < values[$1] }!
        let e = evaluate(unscaled(simplex[best]))
        return LocalFit(start: start, parameters: simplex[best], objective: values[best], nllh: e.nllh, iterations: iterations,
                        evaluations: evaluations, stop: evaluations >= maxEvaluations ? "evaluation limit" : "simplex spread below 1e-8")
    }
}
