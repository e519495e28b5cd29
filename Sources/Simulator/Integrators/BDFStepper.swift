#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Cache and step function of ``BDF``: the quasi-constant-step NDF/BDF formulas of orders 1–5 on
/// backward differences, with CVODE's step and order selection and Newton strategy. The method is
/// described in ``BDF``; the notation here follows it.
///
/// State between steps: the backward differences `D[j] = ∇ʲy_n` (j = 0…k+2) of the solution on
/// an equally spaced grid of spacing `spacing`, the order k, the Jacobian and the LU factors of
/// `I/c − J` (c = h/αₖ), the Newton convergence-rate estimate, and the step the method wants next.
/// All buffers are allocated once in `init`; `attempt`, `accept` and `interpolate` allocate nothing.
@usableFromInline
final class BDFStepper<F: ODEFunction>: Stepper {
    @usableFromInline static var maxOrder: Int { 5 }
    /// Newton iterations per attempt (CVODE's `maxcor`).
    @usableFromInline static var maxNewtonIterations: Int { 3 }
    /// Steps after which the Jacobian is re-evaluated even if Newton converges well.
    @usableFromInline static var jacobianMaxAge: Int { 20 }

    @usableFromInline let f: F
    @usableFromInline let n: Int
    @usableFromInline let rtol: Double
    @usableFromInline let atol: Double
    @usableFromInline let storage: UnsafeMutablePointer<Double>
    /// Backward differences, row j (j = 0…maxOrder+2) at `differences + j·n`.
    @usableFromInline let differences: UnsafeMutablePointer<Double>
    @usableFromInline let yPredicted, psi, correction, yCurrent, fCurrent, delta, weights: UnsafeMutablePointer<Double>
    @usableFromInline let jac: UnsafeMutablePointer<Double>
    /// γⱼ = Σ_{i≤j} 1/i, αₖ = (1 − κₖ)γₖ and the error constants κₖγₖ + 1/(k+1), for k = 0…maxOrder+1.
    @usableFromInline let gammaSum, alpha, errorConstant: UnsafeMutablePointer<Double>
    /// (maxOrder+1)² scratch for the step-change matrices R, U and R·U.
    @usableFromInline let matrixR, matrixU, matrixRU: UnsafeMutablePointer<Double>
    /// I/c − J, factored when c changes and reused across steps.
    @usableFromInline let matrix: IterationMatrix
    /// Differential–algebraic systems (``ODEFunction/algebraicComponents``): the diagonal of the mass
    /// matrix M (0 in algebraic rows), so the iteration matrix is M/c − J and the Newton residual
    /// f − M(ψ + d)/c; and the Newton solver that makes the algebraic components consistent at every
    /// restart. Nil for ordinary systems, which take the paths they always took.
    @usableFromInline let mass: UnsafeMutablePointer<Double>?
    @usableFromInline let consistency: DAEConsistency<F>?

    /// Current order k.
    @usableFromInline var order = 1
    /// The grid spacing the differences refer to.
    @usableFromInline var spacing = 1.0
    /// Accepted steps since the last change of step size or order.
    @usableFromInline var equalSteps = 0
    /// c = h/αₖ of the current factorisation of I/c − J (0: none).
    @usableFromInline var factoredCoefficient = 0.0
    /// A Jacobian is stored; it was evaluated during the current step; steps since it was.
    @usableFromInline var haveJacobian = false
    @usableFromInline var jacobianFresh = false
    @usableFromInline var jacobianAge = 0
    /// CVODE's estimate of the Newton contraction rate (`crate`), kept across steps.
    @usableFromInline var convergenceRate = 1.0
    /// After a failed attempt the next accepted step keeps h and k (CVODE's `etamax = 1`).
    @usableFromInline var holdAfterFailure = false
    @usableFromInline var failures = 0
    /// Steps since the last restart: the first steps may grow h by more than 10.
    @usableFromInline var stepsSinceRestart = 0
    @usableFromInline var proposedStepSize = 0.0
    /// Dense output of the last accepted step: its order, step and end time.
    @usableFromInline var interpolationOrder = 1
    @usableFromInline var interpolationStep = 1.0
    @usableFromInline var lastTime = 0.0

    @inlinable
    var selectsStepSize: Bool { true }

    @inlinable
    var controllerKind: StepSizeController.Kind {
        // Unused (the method selects its own steps); any valid kind.
        .predictive(exponent: 0.5, minFactor: 0.1, maxFactor: 10)
    }

    @inlinable
    init(function: F, rtol: Double, atol: Double) {
        f = function
        n = function.dimension
        self.rtol = rtol
        self.atol = atol
        let rows = Self.maxOrder + 3
        let m = Self.maxOrder + 1
        let size = max(1, n * n + (rows + 7) * n + 3 * (Self.maxOrder + 2) + 3 * m * m)
        storage = .allocate(capacity: size)
        storage.initialize(repeating: 0, count: size)
        matrix = IterationMatrix(order: n, sparsity: function.jacobianSparsity)
        jac = storage
        differences = storage + n * n
        let v = differences + rows * n
        yPredicted = v
        psi = v + n
        correction = v + 2 * n
        yCurrent = v + 3 * n
        fCurrent = v + 4 * n
        delta = v + 5 * n
        weights = v + 6 * n
        gammaSum = v + 7 * n
        alpha = gammaSum + (Self.maxOrder + 2)
        errorConstant = alpha + (Self.maxOrder + 2)
        matrixR = errorConstant + (Self.maxOrder + 2)
        matrixU = matrixR + m * m
        matrixRU = matrixU + m * m
        let algebraic = function.algebraicComponents
        if algebraic.isEmpty {
            mass = nil
            consistency = nil
        } else {
            let diagonal = UnsafeMutablePointer<Double>.allocate(capacity: n)
            diagonal.initialize(repeating: 1, count: n)
            for i in algebraic { diagonal[i] = 0 }
            mass = diagonal
            consistency = DAEConsistency(function: function)
        }
        // Klopfenstein–Shampine NDF coefficients κₖ (Shampine & Reichelt 1997, Table 1);
        // κ₅ = 0: order 5 is the plain BDF.
        let kappa = [0, -0.1850, -1.0 / 9, -0.0823, -0.0415, 0, 0]
        var g = 0.0
        for k in 0...(Self.maxOrder + 1) {
            if k > 0 { g += 1 / Double(k) }
            gammaSum[k] = g
            alpha[k] = (1 - kappa[k]) * g
            errorConstant[k] = kappa[k] * g + 1 / Double(k + 1)
        }
    }

    deinit {
        storage.deallocate()
        mass?.deallocate()
    }

    @inlinable
    func restart(t: Double, y: UnsafeMutablePointer<Double>, statistics: inout SolverStatistics) {
        let n = self.n, D = differences
        let rows = Self.maxOrder + 3
        if let consistency {
            // Algebraic components consistent with their constraints (after an event too). If Newton
            // fails here, the steps' own Newton iterations fail and the run stops with their status.
            _ = consistency.project(t: t, y: y, statistics: &statistics)
            // A switched-off constraint leaves its component to its derivative: mass 1.
            if let mass {
                for (k, i) in consistency.algebraic.enumerated() { mass[i] = consistency.active[k] ? 0 : 1 }
            }
        }
        D.update(repeating: 0, count: rows * n)
        D.update(from: y, count: n)
        // D₁ = h·f(t₀, y₀) with the spacing h = 1 until the first attempt rescales it.
        f.evaluate(t: t, y: y, dydt: D + n)
        statistics.rhsEvaluations += 1
        if let mass {
            // Algebraic rows hold residuals, not derivatives: predict those components constant.
            for i in 0..<n where mass[i] == 0 { D[n + i] = 0 }
        }
        spacing = 1
        order = 1
        equalSteps = 0
        factoredCoefficient = 0
        haveJacobian = false
        jacobianFresh = false
        convergenceRate = 1
        holdAfterFailure = false
        failures = 0
        stepsSinceRestart = 0
        lastTime = t
    }

    @inlinable
    func initialStepSize(
        t: Double, y: UnsafePointer<Double>, maxStep: Double, statistics: inout SolverStatistics
    ) -> Double {
        // Hairer's estimate with p = 2: h ≈ (0.01/‖y''‖)^(1/2), BDF1's local error being ∝ h²y''.
        InitialStep.estimate(
            function: f, t: t, y: y, f0: differences + n, count: n, order: 2, rtol: rtol, atol: atol,
            maxStep: maxStep, yWork: yCurrent, fWork: fCurrent, statistics: &statistics)
    }

    /// Re-expresses D₀…Dₖ on a grid of spacing `ratio`·(old spacing): D ← (R·U)ᵀD with
    /// R_ij = Π_{m≤i} (m − 1 − ratio·j)/m and U the same for ratio 1 (Shampine & Reichelt 1997, §2.3).
    /// The interpolating polynomial through the last k+1 points is unchanged; only the grid is.
    @inlinable
    func rescale(ratio: Double, order k: Int) {
        let m = k + 1, R = matrixR, U = matrixU, RU = matrixRU
        for j in 0..<m {
            R[j] = 1
            U[j] = 1
        }
        for i in 1..<m {
            R[i * m] = 0
            U[i * m] = 0
            for j in 1..<m {
                let di = Double(i), dj = Double(j)
                R[i * m + j] = R[(i - 1) * m + j] * (di - 1 - ratio * dj) / di
                U[i * m + j] = U[(i - 1) * m + j] * (di - 1 - dj) / di
            }
        }
        for i in 0..<m {
            for j in 0..<m {
                var s = 0.0
                for l in 0..<m { s += R[i * m + l] * U[l * m + j] }
                RU[i * m + j] = s
            }
        }
        // D₀ is unchanged (RU₀₀ = 1, RUᵢ₀ = RU₀ⱼ = 0); transform D₁…Dₖ component by component.
        // New D_j = Σ_{i≥1} RU_ij·D_i, one component at a time through a 5-element local buffer.
        let n = self.n, D = differences
        var old = (0.0, 0.0, 0.0, 0.0, 0.0)
        for c in 0..<n {
            old.0 = D[n + c]
            if k >= 2 { old.1 = D[2 * n + c] }
            if k >= 3 { old.2 = D[3 * n + c] }
            if k >= 4 { old.3 = D[4 * n + c] }
            if k >= 5 { old.4 = D[5 * n + c] }
            for j in 1..<m {
                var s = RU[1 * m + j] * old.0
                if k >= 2 { s += RU[2 * m + j] * old.1 }
                if k >= 3 { s += RU[3 * m + j] * old.2 }
                if k >= 4 { s += RU[4 * m + j] * old.3 }
                if k >= 5 { s += RU[5 * m + j] * old.4 }
                D[j * n + c] = s
            }
        }
    }

    /// J at (t, y): analytic, or forward differences (n + 1 evaluations of f).
    @inlinable
    func evaluateJacobian(t: Double, y: UnsafePointer<Double>, statistics: inout SolverStatistics) {
        if !f.jacobian(t: t, y: y, into: jac) {
            f.evaluate(t: t, y: y, dydt: fCurrent)
            statistics.rhsEvaluations += 1
            FiniteDifferenceJacobian.compute(
                function: f, t: t, y: y, f0: fCurrent, count: n, into: jac, yWork: yCurrent, fWork: delta,
                statistics: &statistics)
        }
        statistics.jacobianEvaluations += 1
        haveJacobian = true
        jacobianFresh = true
        jacobianAge = 0
    }

    /// Factors I/c − J (sparse along the fill-reducing order when possible, else dense with partial
    /// pivoting). Returns false if singular.
    @inlinable
    func factorize(coefficient c: Double, statistics: inout SolverStatistics) -> Bool {
        statistics.luDecompositions += 1
        convergenceRate = 1
        guard matrix.factor(jacobian: jac, diagonal: 1 / c, mass: mass) else {
            factoredCoefficient = 0
            return false
        }
        factoredCoefficient = c
        return true
    }

    @inlinable
    func solveLinear(_ b: UnsafeMutablePointer<Double>) {
        matrix.solve(b)
    }

    /// Weighted RMS norm with the weights of the step start.
    @inlinable
    func weightedNorm(_ v: UnsafePointer<Double>) -> Double {
        var s = 0.0
        for i in 0..<n {
            let r = v[i] * weights[i]
            s += r * r
        }
        return (s / Double(max(1, n))).squareRoot()
    }

    /// Modified Newton on d − c·f(t₁, ŷ + d) + ψ = 0, iterating on (I/c − J)·δ = f − (ψ + d)/c
    /// (with a mass matrix: M·(d + ψ) − c·f = 0 and (M/c − J)·δ = f − M(ψ + d)/c, so the algebraic rows
    /// are g(t₁, ŷ + d) = 0).
    /// CVODE's test: converged when ‖δ‖·min(1, rate) ≤ tolerance; diverging when ‖δ‖ > 2‖δ_prev‖.
    @inlinable
    func newton(tNew: Double, c: Double, tolerance: Double, statistics: inout SolverStatistics) -> Bool {
        let n = self.n, yPredicted = self.yPredicted, psi = self.psi, d = self.correction
        let yCurrent = self.yCurrent, fCurrent = self.fCurrent, delta = self.delta
        let invC = 1 / c
        for i in 0..<n {
            d[i] = 0
            yCurrent[i] = yPredicted[i]
        }
        var previous = 0.0
        for m in 0..<Self.maxNewtonIterations {
            f.evaluate(t: tNew, y: yCurrent, dydt: fCurrent)
            statistics.rhsEvaluations += 1
            if let mass {
                for i in 0..<n { delta[i] = fCurrent[i] - mass[i] * (psi[i] + d[i]) * invC }
            } else {
                for i in 0..<n { delta[i] = fCurrent[i] - (psi[i] + d[i]) * invC }
            }
            solveLinear(delta)
            let size = weightedNorm(delta)
            guard size.isFinite else { return false }
            for i in 0..<n {
                d[i] += delta[i]
                yCurrent[i] = yPredicted[i] + d[i]
            }
            if m > 0 { convergenceRate = max(0.3 * convergenceRate, size / previous) }
            if size * min(1, convergenceRate) <= tolerance { return true }
            if m > 0 && size > 2 * previous { return false }
            previous = size
        }
        return false
    }

    @inlinable
    func attempt(
        t: Double, h: Double, y: UnsafePointer<Double>, yNew: UnsafeMutablePointer<Double>,
        statistics: inout SolverStatistics
    ) -> StepOutcome {
        let n = self.n, D = differences
        let k = order
        if h != spacing {
            rescale(ratio: h / spacing, order: k)
            spacing = h
            equalSteps = 0
        }
        let tNew = t + h
        // Predictor ŷ = Σ_{j≤k} Dⱼ and ψ = (1/αₖ) Σ_{1≤j≤k} γⱼDⱼ.
        let invAlpha = 1 / alpha[k]
        for i in 0..<n {
            var p = D[i], s = 0.0
            for j in 1...k {
                let v = D[j * n + i]
                p += v
                s += gammaSum[j] * v
            }
            yPredicted[i] = p
            psi[i] = s * invAlpha
            weights[i] = 1 / (atol + rtol * abs(y[i]))
        }
        let c = h * invAlpha
        // Newton's error in d enters the error estimate Cₖ‖d‖ at most 0.1 (CVODE's nlscoef).
        let tolerance = 0.1 / errorConstant[k]
        var converged = false
        while true {
            if factoredCoefficient != c {
                let changed = factoredCoefficient > 0 && abs(c / factoredCoefficient - 1) > 0.3
                if !jacobianFresh && (!haveJacobian || jacobianAge >= Self.jacobianMaxAge || changed) {
                    evaluateJacobian(t: tNew, y: yPredicted, statistics: &statistics)
                }
                if !factorize(coefficient: c, statistics: &statistics) {
                    if jacobianFresh { return .singularMatrix }
                    evaluateJacobian(t: tNew, y: yPredicted, statistics: &statistics)
                    continue
                }
            }
            converged = newton(tNew: tNew, c: c, tolerance: tolerance, statistics: &statistics)
            if converged || jacobianFresh { break }
            // A stale Jacobian may be to blame: re-evaluate it and try again at the same h.
            evaluateJacobian(t: tNew, y: yPredicted, statistics: &statistics)
            factoredCoefficient = 0
        }
        guard converged else {
            proposedStepSize = 0.25 * h
            holdAfterFailure = true
            failures += 1
            if failures >= 3 { order = 1 }
            return .convergenceFailure
        }
        yNew.update(from: yCurrent, count: n)
        let err = n == 0 ? 0 : errorConstant[k]
            * ErrorNorm.rms(correction, y: y, yNew: yCurrent, count: n, rtol: rtol, atol: atol)
        if !(err <= 1) {
            // Error-test failure: CVODE's η = 1/((6·err)^(1/(k+1)) + 10⁻⁶), at most 0.9 (0.2 after
            // repeated failures), at least 0.1; after three, restart from order 1.
            failures += 1
            var eta = 1 / (pow(6 * err, 1 / Double(k + 1)) + 1e-6)
            eta = max(0.1, min(eta, failures >= 2 ? 0.2 : 0.9))
            if failures >= 3 { order = 1 }
            proposedStepSize = eta * h
            holdAfterFailure = true
        }
        return .completed(errorNorm: err)
    }

    @inlinable
    func accept(
        t: Double, h: Double, y: UnsafePointer<Double>, yNew: UnsafePointer<Double>,
        statistics: inout SolverStatistics
    ) {
        let n = self.n, D = differences, d = correction
        let k = order
        // ∇ᵏ⁺²y₁ = d − ∇ᵏ⁺¹y₀ (the old D_{k+1}), ∇ᵏ⁺¹y₁ = d, then ∇ʲy₁ = ∇ʲy₀ + ∇ʲ⁺¹y₁ downwards.
        let rowK1 = D + (k + 1) * n, rowK2 = D + (k + 2) * n
        for i in 0..<n {
            rowK2[i] = d[i] - rowK1[i]
            rowK1[i] = d[i]
        }
        var j = k
        while j >= 0 {
            let row = D + j * n, next = D + (j + 1) * n
            for i in 0..<n { row[i] += next[i] }
            j -= 1
        }
        interpolationOrder = k
        interpolationStep = h
        lastTime = t + h
        failures = 0
        equalSteps += 1
        jacobianAge += 1
        jacobianFresh = false
        stepsSinceRestart += 1
        proposedStepSize = h
        if holdAfterFailure {
            holdAfterFailure = false
            return
        }
        guard equalSteps >= k + 1 else { return }

        // Step and order selection (CVODE): η_q = 1/((b·err_q)^(1/(q+1)) + 10⁻⁶) for q = k−1, k, k+1
        // with biases b = 6, 6, 10; the estimates are C_q‖∇^{q+1}y₁‖. Change only if η ≥ 1.5.
        let errK = errorConstant[k] * ErrorNorm.rms(rowK1, y: y, yNew: yNew, count: n, rtol: rtol, atol: atol)
        var best = 1 / (pow(6 * errK, 1 / Double(k + 1)) + 1e-6)
        var bestOrder = k
        if k > 1 {
            let errDown = errorConstant[k - 1]
                * ErrorNorm.rms(D + k * n, y: y, yNew: yNew, count: n, rtol: rtol, atol: atol)
            let eta = 1 / (pow(6 * errDown, 1 / Double(k)) + 1e-6)
            if eta > best {
                best = eta
                bestOrder = k - 1
            }
        }
        if k < Self.maxOrder && equalSteps >= k + 2 {
            let errUp = errorConstant[k + 1]
                * ErrorNorm.rms(rowK2, y: y, yNew: yNew, count: n, rtol: rtol, atol: atol)
            let eta = 1 / (pow(10 * errUp, 1 / Double(k + 2)) + 1e-6)
            if eta > best {
                best = eta
                bestOrder = k + 1
            }
        }
        guard best >= 1.5 else { return }
        order = bestOrder
        proposedStepSize = h * min(best, stepsSinceRestart <= 2 ? 100 : 10)
    }

    /// The Newton backward-difference polynomial of the last step through its k+1 grid points:
    /// y(t₁ + s·h) = Σ_{j≤k} Dⱼ · Π_{i<j} (s + i)/(i + 1).
    @inlinable
    func interpolate(at time: Double, into out: UnsafeMutablePointer<Double>, statistics: inout SolverStatistics) {
        let n = self.n, D = differences, k = interpolationOrder
        let s = (time - lastTime) / interpolationStep
        out.update(from: D, count: n)
        var p = 1.0
        for j in 1...k {
            p *= (s + Double(j - 1)) / Double(j)
            let row = D + j * n
            for i in 0..<n { out[i] += p * row[i] }
        }
    }
}
