/// Cache and step of the classical fourth-order Runge–Kutta method (Kutta 1901):
///
///     k₁ = f(t, y)              k₂ = f(t + h/2, y + h/2·k₁)
///     k₃ = f(t + h/2, y + h/2·k₂)   k₄ = f(t + h, y + h·k₃)
///     y₁ = y + h/6·(k₁ + 2k₂ + 2k₃ + k₄)
///
/// Dense output at τ ∈ (t, t+h) is an RK4 step of size τ − t from the step's start
/// (three extra evaluations of f, k₁ reused): a continuous, fourth-order extension that
/// lands exactly on output times and event roots without changing the step grid.
@usableFromInline
final class RungeKutta4Stepper<F: ODEFunction>: ExplicitOneStepStepper {
    @usableFromInline let f: F
    @usableFromInline let n: Int
    @usableFromInline let storage: UnsafeMutablePointer<Double>
    @usableFromInline let k1, k2, k3, k4, tmp, yOld: UnsafeMutablePointer<Double>
    @usableFromInline var tOld = 0.0

    @inlinable
    init(function: F) {
        f = function
        n = function.dimension
        let size = max(1, 6 * n)
        storage = .allocate(capacity: size)
        storage.initialize(repeating: 0, count: size)
        k1 = storage
        k2 = storage + n
        k3 = storage + 2 * n
        k4 = storage + 3 * n
        tmp = storage + 4 * n
        yOld = storage + 5 * n
    }

    deinit { storage.deallocate() }

    @inlinable
    var controllerKind: StepSizeController.Kind {
        .proportionalIntegral(alpha: 0.2, beta: 0, minFactor: 0.2, maxFactor: 10)
    }

    /// One RK4 step from (t, y) with k₁ = f(t, y) already in `k1`.
    @inlinable
    func step(t: Double, h: Double, y: UnsafePointer<Double>, into out: UnsafeMutablePointer<Double>) {
        let n = self.n, k1 = self.k1, k2 = self.k2, k3 = self.k3, k4 = self.k4, tmp = self.tmp
        let half = 0.5 * h
        for i in 0..<n { tmp[i] = y[i] + half * k1[i] }
        f.evaluate(t: t + half, y: tmp, dydt: k2)
        for i in 0..<n { tmp[i] = y[i] + half * k2[i] }
        f.evaluate(t: t + half, y: tmp, dydt: k3)
        for i in 0..<n { tmp[i] = y[i] + h * k3[i] }
        f.evaluate(t: t + h, y: tmp, dydt: k4)
        let sixth = h / 6
        for i in 0..<n { out[i] = y[i] + sixth * (k1[i] + 2 * (k2[i] + k3[i]) + k4[i]) }
    }

    @inlinable
    func attempt(
        t: Double, h: Double, y: UnsafePointer<Double>, yNew: UnsafeMutablePointer<Double>,
        statistics: inout SolverStatistics
    ) -> StepOutcome {
        f.evaluate(t: t, y: y, dydt: k1)
        step(t: t, h: h, y: y, into: yNew)
        statistics.rhsEvaluations += 4
        return .completed(errorNorm: 0)
    }

    @inlinable
    func interpolate(at time: Double, into out: UnsafeMutablePointer<Double>, statistics: inout SolverStatistics) {
        let s = time - tOld
        if s == 0 {
            out.update(from: yOld, count: n)
            return
        }
        step(t: tOld, h: s, y: yOld, into: out)
        statistics.rhsEvaluations += 3
    }
}
