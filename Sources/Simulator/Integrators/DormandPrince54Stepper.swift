#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

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
    /// Whether the cost-based switch test runs (``AutoIntegrator``; see ``compareCosts(h:y:)``).
    @usableFromInline let switchesOnCost: Bool
    /// Accepted steps in the current window of the cost test, and the range of their sizes.
    @usableFromInline var windowSteps = 0
    @usableFromInline var windowMinStep = Double.infinity
    @usableFromInline var windowMaxStep = 0.0
    /// Consecutive windows in which BDF was estimated to be the cheaper method.
    @usableFromInline var cheaperStiffWindows = 0

    @inlinable
    init(function: F, rtol: Double, atol: Double, switchesOnCost: Bool = false) {
        f = function
        n = function.dimension
        self.rtol = rtol
        self.atol = atol
        self.switchesOnCost = switchesOnCost
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
    func restart(t: Double, y: UnsafeMutablePointer<Double>, statistics: inout SolverStatistics) {
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
        if switchesOnCost { compareCosts(h: h, y: yNew, statistics: &statistics) }
        tOld = t
        hOld = h
        // FSAL: f(t+h, y₁) becomes the next step's k₁.
        self.k1 = k7
        self.k7 = k1
    }

    /// The cost-based switch test (after LSODA: Petzold 1983), run when ``switchesOnCost``, once per
    /// window of ``CostSwitch/window`` accepted steps whose sizes stayed within a factor
    /// ``CostSwitch/steadyStepRatio`` of each other (a step that no longer grows is the mark of a
    /// stability limit; growing or shrinking steps are left alone at no cost):
    ///
    /// * **Dormand–Prince's stability limit.** Two power iterations with finite differences of f,
    ///   started from the last error estimate (at a stability limit the error is dominated by the
    ///   stiff mode), estimate ρ ≈ |λ_max| (2 evaluations of f). The step is stability-limited when
    ///   h·ρ ≥ ``CostSwitch/stabilityLimitedAt`` (the real-axis boundary is about 3.3). Hairer's
    ///   one-step estimate can be far off here (0.14 instead of about 3 on IL-11/MAPK–ERK).
    /// * **BDF's step.** From the scaled derivative d₁ = ‖f(y)‖ (the error-norm weights, so the
    ///   solution moves by one tolerance unit in 1/d₁): the solution's time scale is T ≈ 1/(rtol·d₁),
    ///   and a method of order about 4 keeps a local error of rtol with steps of about
    ///   h_s = T·rtol^(1/5) = 1/(rtol^(4/5)·d₁).
    /// * **Costs.** Dormand–Prince: 6 evaluations of f per step of h. BDF: about
    ///   ``CostSwitch/stiffStepCost`` evaluation-equivalents per step of h_s (1.2 evaluations and the
    ///   Newton solves, with a Jacobian and an LU amortised over about ten steps). BDF is taken to be
    ///   cheaper when its cost per unit time is below half of Dormand–Prince's.
    ///
    /// ``detectedStiffness`` is set when the step is stability-limited and BDF the cheaper in
    /// ``CostSwitch/windowsToConfirm`` windows in a row. Allocation-free: the spare stage buffers
    /// hold the iteration.
    @inlinable
    func compareCosts(h: Double, y: UnsafePointer<Double>, statistics: inout SolverStatistics) {
        typealias C = CostSwitch
        windowSteps += 1
        windowMinStep = min(windowMinStep, h)
        windowMaxStep = max(windowMaxStep, h)
        guard windowSteps >= C.window else { return }
        let steady = windowMaxStep <= C.steadyStepRatio * windowMinStep
        windowSteps = 0
        windowMinStep = .infinity
        windowMaxStep = 0
        guard steady else {
            cheaperStiffWindows = 0
            return
        }
        // Power iteration on J ≈ (f(y + εv) − f(y))/ε from v = the error estimate; k7 = f(y).
        let n = self.n
        let v = err, probe = tmp, fProbe = k2
        var yNorm = 0.0
        for i in 0..<n { yNorm += y[i] * y[i] }
        yNorm = yNorm.squareRoot()
        var rho = 0.0
        for _ in 0..<2 {
            var vNorm = 0.0
            for i in 0..<n { vNorm += v[i] * v[i] }
            vNorm = vNorm.squareRoot()
            guard vNorm > 0, vNorm.isFinite else { break }
            let eps = 1e-7 * (yNorm + 1e-7) / vNorm
            for i in 0..<n { probe[i] = y[i] + eps * v[i] }
            f.evaluate(t: tOld + hOld, y: probe, dydt: fProbe)
            statistics.rhsEvaluations += 1
            var wNorm = 0.0
            for i in 0..<n {
                let w = (fProbe[i] - k7[i]) / eps
                v[i] = w
                wNorm += w * w
            }
            rho = wNorm.squareRoot() / vNorm
        }
        let d1 = ErrorNorm.rms(k7, scaledBy: y, count: n, rtol: rtol, atol: atol)
        let hStiff = 1 / (pow(max(rtol, 1e-12), 0.8) * d1)
        let stabilityLimited = h * rho >= C.stabilityLimitedAt
        let stiffCheaper = C.stiffStepCost / hStiff < 0.5 * 6 / h
        if stabilityLimited && stiffCheaper {
            cheaperStiffWindows += 1
            if cheaperStiffWindows >= C.windowsToConfirm { detectedStiffness = true }
        } else {
            cheaperStiffWindows = 0
        }
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

/// Constants of Dormand–Prince's cost-based switch to BDF (``DormandPrince54Stepper/compareCosts(h:y:statistics:)``).
@usableFromInline
enum CostSwitch {
    /// Accepted steps per test window.
    @usableFromInline static let window = 8
    /// Largest ratio of step sizes within a window for the step to count as steady.
    @usableFromInline static let steadyStepRatio = 1.5
    /// h·ρ from which a step counts as stability-limited.
    @usableFromInline static let stabilityLimitedAt = 3.0
    /// Evaluation-equivalents of f per BDF step, Jacobian and LU amortised.
    @usableFromInline static let stiffStepCost = 6.0
    /// Windows in a row in which BDF must be the cheaper.
    @usableFromInline static let windowsToConfirm = 2
}
