/// Cache and step function of ``Rodas4`` (coefficients in ``Rodas4Tableau``).
///
/// Per step: one Jacobian (analytic, or n extra f-evaluations by forward differences),
/// ∂f/∂t (free for autonomous systems, else one f-evaluation), one f at the step start; per
/// attempt: one LU of the n×n matrix I/(γh) − J, six solves and five evaluations of f.
/// A rejected attempt reuses J and f(t₀, y₀) and only refactors. All buffers are allocated
/// once in `init`.
@usableFromInline
final class Rodas4Stepper<F: ODEFunction>: Stepper {
    @usableFromInline let f: F
    @usableFromInline let n: Int
    @usableFromInline let rtol: Double
    @usableFromInline let atol: Double
    @usableFromInline let storage: UnsafeMutablePointer<Double>
    @usableFromInline let jac: UnsafeMutablePointer<Double>
    /// W = I/(γh) − J, factored once per attempt and solved six times.
    @usableFromInline let matrix: IterationMatrix
    @usableFromInline let f0, ft, fs, k1, k2, k3, k4, k5, k6, tmp: UnsafeMutablePointer<Double>
    @usableFromInline let q0, q1, q2, q3: UnsafeMutablePointer<Double>
    /// f(t₀, y₀) in `f0` is current.
    @usableFromInline var haveF0 = false
    /// J and f_t at (t₀, y₀) are current.
    @usableFromInline var haveJacobian = false
    @usableFromInline var tOld = 0.0
    @usableFromInline var hOld = 1.0

    @inlinable
    init(function: F, rtol: Double, atol: Double) {
        f = function
        n = function.dimension
        self.rtol = rtol
        self.atol = atol
        let size = max(1, n * n + 14 * n)
        storage = .allocate(capacity: size)
        storage.initialize(repeating: 0, count: size)
        matrix = IterationMatrix(order: n, sparsity: function.jacobianSparsity)
        jac = storage
        let v = storage + n * n
        f0 = v
        ft = v + n
        fs = v + 2 * n
        k1 = v + 3 * n
        k2 = v + 4 * n
        k3 = v + 5 * n
        k4 = v + 6 * n
        k5 = v + 7 * n
        k6 = v + 8 * n
        tmp = v + 9 * n
        q0 = v + 10 * n
        q1 = v + 11 * n
        q2 = v + 12 * n
        q3 = v + 13 * n
    }

    deinit {
        storage.deallocate()
    }

    @inlinable
    var controllerKind: StepSizeController.Kind {
        // Hairer's RODAS defaults: 1/5 ≤ h_new/h ≤ 6, error exponent 1/4 (embedded order 3).
        .predictive(exponent: 0.25, minFactor: 0.2, maxFactor: 6)
    }

    @inlinable
    func restart(t: Double, y: UnsafeMutablePointer<Double>, statistics: inout SolverStatistics) {
        f.evaluate(t: t, y: y, dydt: f0)
        statistics.rhsEvaluations += 1
        haveF0 = true
        haveJacobian = false
    }

    @inlinable
    func initialStepSize(
        t: Double, y: UnsafePointer<Double>, maxStep: Double, statistics: inout SolverStatistics
    ) -> Double {
        InitialStep.estimate(
            function: f, t: t, y: y, f0: f0, count: n, order: 4, rtol: rtol, atol: atol,
            maxStep: maxStep, yWork: tmp, fWork: fs, statistics: &statistics)
    }

    /// J and f_t at the step start (once per step, kept across rejections).
    @inlinable
    func prepare(t: Double, y: UnsafePointer<Double>, statistics: inout SolverStatistics) {
        if !haveF0 {
            f.evaluate(t: t, y: y, dydt: f0)
            statistics.rhsEvaluations += 1
            haveF0 = true
        }
        if !f.jacobian(t: t, y: y, into: jac) {
            FiniteDifferenceJacobian.compute(
                function: f, t: t, y: y, f0: f0, count: n, into: jac, yWork: tmp, fWork: fs,
                statistics: &statistics)
        }
        statistics.jacobianEvaluations += 1
        if f.isAutonomous {
            ft.update(repeating: 0, count: n)
        } else {
            FiniteDifferenceJacobian.timeDerivative(
                function: f, t: t, y: y, f0: f0, count: n, into: ft, statistics: &statistics)
        }
        haveJacobian = true
    }

    @inlinable
    func attempt(
        t: Double, h: Double, y: UnsafePointer<Double>, yNew: UnsafeMutablePointer<Double>,
        statistics: inout SolverStatistics
    ) -> StepOutcome {
        typealias T = Rodas4Tableau
        if !haveJacobian { prepare(t: t, y: y, statistics: &statistics) }
        let n = self.n, jac = self.jac
        let f0 = self.f0, ft = self.ft, fs = self.fs, tmp = self.tmp
        let k1 = self.k1, k2 = self.k2, k3 = self.k3, k4 = self.k4, k5 = self.k5, k6 = self.k6

        // W = I/(γh) − J: sparse along the fill-reducing order when possible, else dense with
        // partial pivoting.
        let diagonal = 1 / (T.gamma * h)
        statistics.luDecompositions += 1
        guard matrix.factor(jacobian: jac, diagonal: diagonal) else { return .singularMatrix }

        let invH = 1 / h
        let hd1 = h * T.d1, hd2 = h * T.d2, hd3 = h * T.d3, hd4 = h * T.d4
        let hc21 = T.c21 * invH, hc31 = T.c31 * invH, hc32 = T.c32 * invH
        let hc41 = T.c41 * invH, hc42 = T.c42 * invH, hc43 = T.c43 * invH
        let hc51 = T.c51 * invH, hc52 = T.c52 * invH, hc53 = T.c53 * invH, hc54 = T.c54 * invH
        let hc61 = T.c61 * invH, hc62 = T.c62 * invH, hc63 = T.c63 * invH
        let hc64 = T.c64 * invH, hc65 = T.c65 * invH

        // Stage 1
        for i in 0..<n { k1[i] = f0[i] + hd1 * ft[i] }
        solveLinear(k1)
        // Stage 2
        for i in 0..<n { tmp[i] = y[i] + T.a21 * k1[i] }
        f.evaluate(t: t + T.c2 * h, y: tmp, dydt: fs)
        for i in 0..<n { k2[i] = fs[i] + hd2 * ft[i] + hc21 * k1[i] }
        solveLinear(k2)
        // Stage 3
        for i in 0..<n { tmp[i] = y[i] + T.a31 * k1[i] + T.a32 * k2[i] }
        f.evaluate(t: t + T.c3 * h, y: tmp, dydt: fs)
        for i in 0..<n { k3[i] = fs[i] + hd3 * ft[i] + hc31 * k1[i] + hc32 * k2[i] }
        solveLinear(k3)
        // Stage 4
        for i in 0..<n { tmp[i] = y[i] + T.a41 * k1[i] + T.a42 * k2[i] + T.a43 * k3[i] }
        f.evaluate(t: t + T.c4 * h, y: tmp, dydt: fs)
        for i in 0..<n { k4[i] = fs[i] + hd4 * ft[i] + hc41 * k1[i] + hc42 * k2[i] + hc43 * k3[i] }
        solveLinear(k4)
        // Stage 5 (c₅ = 1, d₅ = 0)
        for i in 0..<n { tmp[i] = y[i] + T.a51 * k1[i] + T.a52 * k2[i] + T.a53 * k3[i] + T.a54 * k4[i] }
        f.evaluate(t: t + h, y: tmp, dydt: fs)
        for i in 0..<n { k5[i] = fs[i] + hc51 * k1[i] + hc52 * k2[i] + hc53 * k3[i] + hc54 * k4[i] }
        solveLinear(k5)
        // Stage 6: embedded solution y₀ + Σa₅ⱼuⱼ + u₅ (c₆ = 1, d₆ = 0)
        for i in 0..<n { tmp[i] += k5[i] }
        f.evaluate(t: t + h, y: tmp, dydt: fs)
        for i in 0..<n {
            k6[i] = fs[i] + hc61 * k1[i] + hc62 * k2[i] + hc63 * k3[i] + hc64 * k4[i] + hc65 * k5[i]
        }
        solveLinear(k6)
        statistics.rhsEvaluations += 5
        for i in 0..<n { yNew[i] = tmp[i] + k6[i] }
        return .completed(errorNorm: ErrorNorm.rms(k6, y: y, yNew: yNew, count: n, rtol: rtol, atol: atol))
    }

    /// Solves W·x = b in place with whichever factorisation is current.
    @inlinable
    func solveLinear(_ b: UnsafeMutablePointer<Double>) {
        matrix.solve(b)
    }

    @inlinable
    func accept(
        t: Double, h: Double, y: UnsafePointer<Double>, yNew: UnsafePointer<Double>,
        statistics: inout SolverStatistics
    ) {
        typealias T = Rodas4Tableau
        let n = self.n
        let k1 = self.k1, k2 = self.k2, k3 = self.k3, k4 = self.k4, k5 = self.k5
        let q0 = self.q0, q1 = self.q1, q2 = self.q2, q3 = self.q3
        for i in 0..<n {
            q0[i] = y[i]
            q1[i] = yNew[i]
            q2[i] = T.d21 * k1[i] + T.d22 * k2[i] + T.d23 * k3[i] + T.d24 * k4[i] + T.d25 * k5[i]
            q3[i] = T.d31 * k1[i] + T.d32 * k2[i] + T.d33 * k3[i] + T.d34 * k4[i] + T.d35 * k5[i]
        }
        tOld = t
        hOld = h
        haveF0 = false
        haveJacobian = false
    }

    @inlinable
    func interpolate(at time: Double, into out: UnsafeMutablePointer<Double>, statistics: inout SolverStatistics) {
        let s = (time - tOld) / hOld
        let s1 = 1 - s
        let q0 = self.q0, q1 = self.q1, q2 = self.q2, q3 = self.q3
        for i in 0..<n {
            out[i] = s1 * q0[i] + s * (q1[i] + s1 * (q2[i] + s * q3[i]))
        }
    }
}
