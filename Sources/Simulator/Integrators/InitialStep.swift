#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Hairer's starting step size (Hairer, Nørsett & Wanner I, §II.4, "Starting Step Size";
/// routine HINIT of DOPRI5/RODAS).
///
/// With d₀ = ‖y₀‖, d₁ = ‖f(t₀, y₀)‖ (weighted RMS norms, weights atol + rtol·|y₀|):
/// h₀ = 0.01·d₀/d₁ (or 1e-6 if either is tiny); one explicit Euler step of h₀ gives
/// d₂ = ‖f(t₀+h₀, y₀+h₀f₀) − f₀‖/h₀; then h₁ = (0.01/max(d₁, d₂))^(1/p) and
/// h = min(100·h₀, h₁, hmax), p being the method's order.
@usableFromInline
enum InitialStep {
    @inlinable
    static func estimate<F: ODEFunction>(
        function f: F, t: Double, y: UnsafePointer<Double>, f0: UnsafePointer<Double>, count n: Int,
        order: Int, rtol: Double, atol: Double, maxStep: Double,
        yWork: UnsafeMutablePointer<Double>, fWork: UnsafeMutablePointer<Double>,
        statistics: inout SolverStatistics
    ) -> Double {
        let dnf = ErrorNorm.rms(f0, scaledBy: y, count: n, rtol: rtol, atol: atol)
        let dny = ErrorNorm.rms(y, scaledBy: y, count: n, rtol: rtol, atol: atol)
        var h = (dnf <= 1e-5 || dny <= 1e-5) ? 1e-6 : 0.01 * dny / dnf
        h = min(h, maxStep)
        for i in 0..<n { yWork[i] = y[i] + h * f0[i] }
        f.evaluate(t: t + h, y: yWork, dydt: fWork)
        statistics.rhsEvaluations += 1
        for i in 0..<n { fWork[i] -= f0[i] }
        let der2 = ErrorNorm.rms(fWork, scaledBy: y, count: n, rtol: rtol, atol: atol) / h
        let der12 = max(der2, dnf)
        let h1: Double
        if !der12.isFinite {
            h1 = h * 1e-3
        } else if der12 <= 1e-15 {
            h1 = max(1e-6, h * 1e-3)
        } else {
            h1 = pow(0.01 / der12, 1.0 / Double(order))
        }
        return min(100 * h, h1, maxStep)
    }
}
