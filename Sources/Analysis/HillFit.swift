import Foundation
import Simulator

/// A Hill curve `y = bottom + (top − bottom) · xⁿ / (EC50ⁿ + xⁿ)` (x > 0).
public struct HillCurve: Sendable, Hashable {
    /// The response as x → 0.
    public var bottom: Double
    /// The response as x → ∞.
    public var top: Double
    public var ec50: Double
    /// The Hill coefficient (> 0 for a sigmoid in log x; a falling curve has top < bottom).
    public var n: Double

    public init(bottom: Double, top: Double, ec50: Double, n: Double) {
        self.bottom = bottom
        self.top = top
        self.ec50 = ec50
        self.n = n
    }

    public func value(at x: Double) -> Double {
        bottom + (top - bottom) * Self.sigmoid(n * (log(x) - log(ec50)))
    }

    static func sigmoid(_ z: Double) -> Double {
        z >= 0 ? 1 / (1 + exp(-z)) : exp(z) / (1 + exp(z))
    }
}

/// The result of ``HillFit/fit(x:y:start:)``.
public struct HillFit: Sendable, Hashable {
    public var curve: HillCurve
    /// Residual sum of squares.
    public var rss: Double
    public var iterations: Int
    public var converged: Bool

    /// Least-squares fit of a Hill curve by Levenberg–Marquardt (Marquardt 1963: the normal equations
    /// damped by λ·diag(JᵀJ), λ divided by 10 after a successful step and multiplied by 10 after a
    /// failed one). Parameters are (bottom, top, ln EC50, n), so EC50 stays positive; the Jacobian is
    /// analytic. `start` defaults to the first and last responses, the geometric middle of x and n = 1.
    /// Needs at least 4 points with x > 0; returns nil otherwise.
    public static func fit(x: [Double], y: [Double], start: HillCurve? = nil, maxIterations: Int = 500) -> HillFit? {
        let points = zip(x, y).filter { $0.0 > 0 && $0.0.isFinite && $0.1.isFinite }
        guard points.count >= 4 else { return nil }
        let lx = points.map { log($0.0) }, ys = points.map(\.1)
        let m = points.count
        let guess = start ?? HillCurve(bottom: ys.first!, top: ys.last!, ec50: exp((lx.first! + lx.last!) / 2), n: 1)
        var p = [guess.bottom, guess.top, log(guess.ec50), guess.n]

        func rss(_ p: [Double]) -> Double {
            var s = 0.0
            for i in 0..<m {
                let r = ys[i] - (p[0] + (p[1] - p[0]) * HillCurve.sigmoid(p[3] * (lx[i] - p[2])))
                s += r * r
            }
            return s.isNaN ? .infinity : s
        }
        var current = rss(p)
        var lambda = 1e-3
        var jtj = [Double](repeating: 0, count: 16), jtr = [Double](repeating: 0, count: 4)
        var a = jtj, delta = jtr, pivots = [0, 0, 0, 0], trial = p
        var iterations = 0, converged = false
        let yScale = max(ys.map(abs).max() ?? 1, 1e-300)
        while iterations < maxIterations {
            iterations += 1
            for k in 0..<16 { jtj[k] = 0 }
            for k in 0..<4 { jtr[k] = 0 }
            for i in 0..<m {
                let s = HillCurve.sigmoid(p[3] * (lx[i] - p[2]))
                let f = p[0] + (p[1] - p[0]) * s
                let ds = s * (1 - s) * (p[1] - p[0])
                // Gradient of the model in (bottom, top, ln EC50, n) (a SIMD value: no allocation).
                let g = SIMD4<Double>(1 - s, s, -p[3] * ds, (lx[i] - p[2]) * ds)
                let r = ys[i] - f
                for a in 0..<4 {
                    jtr[a] += g[a] * r
                    for b in 0..<4 { jtj[a * 4 + b] += g[a] * g[b] }
                }
            }
            var improved = false
            while lambda < 1e16 {
                for k in 0..<16 { a[k] = jtj[k] }
                for k in 0..<4 { a[k * 4 + k] += lambda * max(jtj[k * 4 + k], 1e-12) }
                delta = jtr
                if DenseLinearSystem.factor(&a, order: 4, pivots: &pivots) {
                    DenseLinearSystem.solve(a, order: 4, pivots: pivots, &delta)
                    for k in 0..<4 { trial[k] = p[k] + delta[k] }
                    let r = rss(trial)
                    if r < current {
                        let gain = current - r
                        swap(&p, &trial)
                        current = r
                        lambda = max(lambda / 10, 1e-12)
                        improved = true
                        if gain <= 1e-14 * max(current, yScale * yScale * Double(m) * 1e-20) || gain <= 1e-15 * current {
                            converged = true
                        }
                        break
                    }
                }
                lambda *= 10
            }
            if !improved {
                // No step lowers the residual: at a minimum to working precision — unless the
                // residual is not even finite, or nothing was ever improved.
                converged = current.isFinite && (iterations > 1 || current <= 1e-24 * yScale * yScale * Double(m))
                break
            }
            if converged { break }
            let stepNorm = zip(delta, p).map { abs($0) / max(abs($1), 1e-8) }.max() ?? 0
            if stepNorm < 1e-12 {
                converged = true
                break
            }
        }
        return HillFit(curve: HillCurve(bottom: p[0], top: p[1], ec50: exp(p[2]), n: p[3]), rss: current,
                       iterations: iterations, converged: converged)
    }
}
