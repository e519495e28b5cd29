/// Cache and step of the explicit Euler method y₁ = y₀ + h·f(t₀, y₀) (order 1).
///
/// Dense output is the method's own partial step y₀ + (τ − t₀)·f(t₀, y₀), i.e. linear
/// interpolation: values at output times are exactly what an Euler step to that time would
/// give, without the step grid depending on the output times.
@usableFromInline
final class EulerStepper<F: ODEFunction>: ExplicitOneStepStepper {
    @usableFromInline let f: F
    @usableFromInline let n: Int
    @usableFromInline let storage: UnsafeMutablePointer<Double>
    @usableFromInline let k1: UnsafeMutablePointer<Double>
    @usableFromInline let yOld: UnsafeMutablePointer<Double>
    @usableFromInline var tOld = 0.0

    @inlinable
    init(function: F) {
        f = function
        n = function.dimension
        storage = .allocate(capacity: max(1, 2 * n))
        storage.initialize(repeating: 0, count: max(1, 2 * n))
        k1 = storage
        yOld = storage + n
    }

    deinit { storage.deallocate() }

    @inlinable
    var controllerKind: StepSizeController.Kind {
        .proportionalIntegral(alpha: 0.5, beta: 0, minFactor: 0.2, maxFactor: 10)
    }

    @inlinable
    func attempt(
        t: Double, h: Double, y: UnsafePointer<Double>, yNew: UnsafeMutablePointer<Double>,
        statistics: inout SolverStatistics
    ) -> StepOutcome {
        let k1 = self.k1, n = self.n
        f.evaluate(t: t, y: y, dydt: k1)
        statistics.rhsEvaluations += 1
        for i in 0..<n { yNew[i] = y[i] + h * k1[i] }
        return .completed(errorNorm: 0)
    }

    @inlinable
    func interpolate(at time: Double, into out: UnsafeMutablePointer<Double>, statistics: inout SolverStatistics) {
        let s = time - tOld
        for i in 0..<n { out[i] = yOld[i] + s * k1[i] }
    }
}
