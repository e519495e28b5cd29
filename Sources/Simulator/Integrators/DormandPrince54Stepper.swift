/// Cache and step function of ``DormandPrince54`` (tableau in ``DormandPrince54Tableau``).
@usableFromInline
final class DormandPrince54Stepper<F: ODEFunction>: Stepper {
    @usableFromInline let f: F
    @usableFromInline let n: Int
    @usableFromInline let rtol: Double
    @usableFromInline let atol: Double
    @usableFromInline let storage: UnsafeMutablePointer<Double>
    // k1 and k7 swap roles after each accepted step (FSAL).
    @usableFromInline var k1: UnsafeMutablePointer<Double>
    @usableFromInline var k7: UnsafeMutablePointer<Double>
    @usableFromInline let k2, k3, k4, k5, k6, tmp, err: UnsafeMutablePointer<Double>
    @usableFromInline let r1, r2, r3, r4, r5: UnsafeMutablePointer<Double>
    @usableFromInline var tOld = 0.0
    @usableFromInline var hOld = 1.0
    /// Hairer's stiffness test (DOPRI5, Hairer & Wanner I, IV.2): h·ρ with ρ ≈ ‖k₇ − k₆‖/‖y₁ − ŷ₆‖
    /// estimates h·|λ| along the dominant eigenvalue; the region boundary is near 3.25.
    @usableFromInline var stiffCount = 0
    @usableFromInline var nonStiffCount = 0
    @usableFromInline var detectedStiffness = false

    @inlinable
    init(function: F, rtol: Double, atol: Double) {
        f = function
        n = function.dimension
        self.rtol = rtol
        self.atol = atol
        let size = max(1, 15 * n)
        storage = .allocate(capacity: size)
        storage.initialize(repeating: 0, count: size)
        k1 = storage
        k2 = storage + n
        k3 = storage + 2 * n
        k4 = storage + 3 * n
        k5 = storage + 4 * n
        k6 = storage + 5 * n
        k7 = storage + 6 * n
        tmp = storage + 7 * n
        err = storage + 8 * n
        r1 = storage + 9 * n
        r2 = storage + 10 * n
        r3 = storage + 11 * n
        r4 = storage + 12 * n
        r5 = storage + 13 * n
    }

    deinit { storage.deallocate() }

    @inlinable
    var controllerKind: StepSizeController.Kind {
        // Hairer's DOPRI5 defaults: β = 0.04, α = 1/5 − 0.75β, 0.2 ≤ h_new/h ≤ 10.
        .proportionalIntegral(alpha: 0.2 - 0.04 * 0.75, beta: 0.04, minFactor: 0.2, maxFactor: 10)
    }

    @inlinable
    func restart(t: Double, y: UnsafePointer<Double>, statistics: inout SolverStatistics) {
        f.evaluate(t: t, y: y, dydt: k1)
        statistics.rhsEvaluations += 1
    }

    @inlinable
    func initialStepSize(
        t: Double, y: UnsafePointer<Double>, maxStep: Double, statistics: inout SolverStatistics
    ) -> Double {
        InitialStep.estimate(
            function: f, t: t, y: y, f0: k1, count: n, order: 5, rtol: rtol, atol: atol,
            maxStep: maxStep, yWork: k2, fWork: k3, statistics: &statistics)
    }

    @inlinable
    func attempt(
        t: Double, h: Double, y: UnsafePointer<Double>, yNew: UnsafeMutablePointer<Double>,
        statistics: inout SolverStatistics
    ) -> StepOutcome {
        typealias T = DormandPrince54Tableau
        let n = self.n
        let k1 = self.k1, k2 = self.k2, k3 = self.k3, k4 = self.k4
        let k5 = self.k5, k6 = self.k6, k7 = self.k7, tmp = self.tmp, err = self.err
        for i in 0..<n { tmp[i] = y[i] + h * T.a21 * k1[i] }
        f.evaluate(t: t + T.c2 * h, y: tmp, dydt: k2)
        for i in 0..<n { tmp[i] = y[i] + h * (T.a31 * k1[i] + T.a32 * k2[i]) }
        f.evaluate(t: t + T.c3 * h, y: tmp, dydt: k3)
        for i in 0..<n { tmp[i] = y[i] + h * (T.a41 * k1[i] + T.a42 * k2[i] + T.a43 * k3[i]) }
        f.evaluate(t: t + T.c4 * h, y: tmp, dydt: k4)
        for i in 0..<n {
            tmp[i] = y[i] + h * (T.a51 * k1[i] + T.a52 * k2[i] + T.a53 * k3[i] + T.a54 * k4[i])
        }
        f.evaluate(t: t + T.c5 * h, y: tmp, dydt: k5)
        for i in 0..<n {
            tmp[i] = y[i] + h * (T.a61 * k1[i] + T.a62 * k2[i] + T.a63 * k3[i] + T.a64 * k4[i] + T.a65 * k5[i])
        }
        f.evaluate(t: t + h, y: tmp, dydt: k6)
        for i in 0..<n {
            yNew[i] = y[i] + h * (T.a71 * k1[i] + T.a73 * k3[i] + T.a74 * k4[i] + T.a75 * k5[i] + T.a76 * k6[i])
        }
        f.evaluate(t: t + h, y: yNew, dydt: k7)
        statistics.rhsEvaluations += 6
        for i in 0..<n {
            err[i] = h * (T.e1 * k1[i] + T.e3 * k3[i] + T.e4 * k4[i] + T.e5 * k5[i] + T.e6 * k6[i] + T.e7 * k7[i])
        }
        return .completed(errorNorm: ErrorNorm.rms(err, y: y, yNew: yNew, count: n, rtol: rtol, atol: atol))
    }

    @inlinable
    func accept(
        t: Double, h: Double, y: UnsafePointer<Double>, yNew: UnsafePointer<Double>,
        statistics: inout SolverStatistics
    ) {
        typealias T = DormandPrince54Tableau
        let n = self.n
        let k1 = self.k1, k3 = self.k3, k4 = self.k4, k5 = self.k5, k6 = self.k6, k7 = self.k7
        let r1 = self.r1, r2 = self.r2, r3 = self.r3, r4 = self.r4, r5 = self.r5
        for i in 0..<n {
            let dy = yNew[i] - y[i]
            let bspl = h * k1[i] - dy
            r1[i] = y[i]
            r2[i] = dy
            r3[i] = bspl
            r4[i] = dy - h * k7[i] - bspl
            r5[i] = h * (T.d1 * k1[i] + T.d3 * k3[i] + T.d4 * k4[i] + T.d5 * k5[i] + T.d6 * k6[i] + T.d7 * k7[i])
        }
        // Stiffness test on the accepted step: tmp still holds the sixth stage's argument.
        var num = 0.0, den = 0.0
        let tmp = self.tmp
        for i in 0..<n {
            let a = k7[i] - k6[i], b = yNew[i] - tmp[i]
            num += a * a
            den += b * b
        }
        if den > 0, h * (num / den).squareRoot() > 3.25 {
            nonStiffCount = 0
            stiffCount += 1
            if stiffCount >= 15 { detectedStiffness = true }
        } else {
            nonStiffCount += 1
            if nonStiffCount >= 6 { stiffCount = 0 }
        }
        tOld = t
        hOld = h
        // FSAL: f(t+h, y₁) becomes the next step's k₁.
        self.k1 = k7
        self.k7 = k1
    }

    @inlinable
    func interpolate(at time: Double, into out: UnsafeMutablePointer<Double>, statistics: inout SolverStatistics) {
        let theta = (time - tOld) / hOld
        let theta1 = 1 - theta
        let r1 = self.r1, r2 = self.r2, r3 = self.r3, r4 = self.r4, r5 = self.r5
        for i in 0..<n {
            out[i] = r1[i] + theta * (r2[i] + theta1 * (r3[i] + theta * (r4[i] + theta1 * r5[i])))
        }
    }
}
