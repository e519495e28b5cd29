/// Forward-difference approximations of ∂f/∂y and ∂f/∂t for when the model provides none.
///
/// Column j uses the increment δⱼ = sqrt(ε · max(1e-5, yⱼ²)) (as in Hairer's RODAS/RADAU5),
/// i.e. about 1.5e-8·|yⱼ| but at least ~4.7e-11; cost n evaluations of f. Accuracy is about
/// sqrt(ε) relative, ample for the iteration matrix of a Rosenbrock method with error control
/// (but the method then behaves as a W-method and may take somewhat smaller steps).
@usableFromInline
enum FiniteDifferenceJacobian {
    @inlinable
    static func compute<F: ODEFunction>(
        function f: F, t: Double, y: UnsafePointer<Double>, f0: UnsafePointer<Double>, count n: Int,
        into J: UnsafeMutablePointer<Double>, yWork: UnsafeMutablePointer<Double>,
        fWork: UnsafeMutablePointer<Double>, statistics: inout SolverStatistics
    ) {
        yWork.update(from: y, count: n)
        for j in 0..<n {
            let yj = y[j]
            let delta = (Double.ulpOfOne * max(1e-5, yj * yj)).squareRoot()
            yWork[j] = yj + delta
            let actualDelta = yWork[j] - yj
            f.evaluate(t: t, y: yWork, dydt: fWork)
            let inv = 1.0 / actualDelta
            for i in 0..<n { J[i * n + j] = (fWork[i] - f0[i]) * inv }
            yWork[j] = yj
        }
        statistics.rhsEvaluations += n
    }

    /// ∂f/∂t ≈ (f(t+δ, y) − f(t, y))/δ with δ = sqrt(ε · max(1e-5, t²)).
    @inlinable
    static func timeDerivative<F: ODEFunction>(
        function f: F, t: Double, y: UnsafePointer<Double>, f0: UnsafePointer<Double>, count n: Int,
        into ft: UnsafeMutablePointer<Double>, statistics: inout SolverStatistics
    ) {
        let delta = (Double.ulpOfOne * max(1e-5, t * t)).squareRoot()
        let tt = t + delta
        let actualDelta = tt - t
        f.evaluate(t: tt, y: y, dydt: ft)
        statistics.rhsEvaluations += 1
        let inv = 1.0 / actualDelta
        for i in 0..<n { ft[i] = (ft[i] - f0[i]) * inv }
    }
}
