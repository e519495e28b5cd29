import PathwayModel
import Simulator

/// How a steady state responds to small perturbations, from the eigenvalues of the Jacobian of the
/// system reduced by its conservation laws.
public enum Stability: String, Sendable {
    /// Every eigenvalue has a negative real part: small perturbations die out.
    case stable
    /// Some eigenvalue has a positive real part: small perturbations grow.
    case unstable
    /// The largest real part is zero to working precision: linearisation cannot decide.
    case marginal
    /// The eigenvalues could not be computed.
    case unknown
}

/// A steady state found by ``SteadyStateSolver``.
public struct SteadyState: Sendable {
    /// State variables, in the compiled model's order.
    public var names: [String]
    public var values: [Double]
    /// ‖f(x)‖∞: the largest rate of change left, in concentration per time unit.
    public var residual: Double
    /// The largest violation of a conservation law (amount units).
    public var conservationResidual: Double
    /// The strategy that succeeded, e.g. "Newton" or "integration to t = 1e+04, then Newton".
    public var method: String
    /// Every strategy tried, in order, with its outcome.
    public var attempts: [String]
    /// Eigenvalues of the reduced Jacobian, by descending real part.
    public var eigenvalues: [ComplexValue]
    public var stability: Stability
    /// The conserved moieties and the totals the steady state keeps.
    public var conservationLaws: [ConservationLaw]

    public func value(of name: String) -> Double? {
        names.firstIndex(of: name).map { values[$0] }
    }
}

/// Options of ``SteadyStateSolver``.
public struct SteadyStateOptions: Sendable {
    /// Accept a state when ‖f‖∞ ≤ tolerance · max(1, ‖x‖∞) (per model time unit).
    public var tolerance: Double
    public var maxNewtonIterations: Int
    /// End of the fallback integration, in model time units (states are examined at every decade).
    public var integrationEnd: Double
    /// Step limit of the fallback integration.
    public var maxIntegrationSteps: Int

    public init(tolerance: Double = 1e-9, maxNewtonIterations: Int = 60, integrationEnd: Double = 1e9,
                maxIntegrationSteps: Int = 50_000) {
        self.tolerance = tolerance
        self.maxNewtonIterations = maxNewtonIterations
        self.integrationEnd = integrationEnd
        self.maxIntegrationSteps = maxIntegrationSteps
    }
}

/// Finds steady states f(x) = 0 of a compiled model, keeping its conserved moieties.
///
/// The Jacobian of a network with conservation laws is singular (each law is a left null vector of the
/// stoichiometry), so plain Newton fails. Following the usual reduction (Reder 1988; Sauro & Ingalls
/// 2004), one rate equation per law — that of the law's own species, the pivot of its reduced row-echelon
/// form — is replaced by the law itself, `Σ wᵢ Vᵢ xᵢ − T = 0` with T the total of the starting state.
/// State variables that nothing changes but events (event-assigned parameters) are held at their
/// initial values. Strategies, in order:
///
/// 1. damped Newton from the initial state (backtracking on ‖F‖, concentrations kept ≥ 0);
/// 2. integration with the "auto" method (Dormand–Prince, switching to BDF when stiff) to `integrationEnd`, looking at the state after every
///    decade of time: the first whose residual is small seeds Newton again;
/// 3. the last integrated state itself when its residual is within tolerance.
///
/// Stability comes from the eigenvalues of the reduced Jacobian (dependent species eliminated through
/// their laws), so the laws' zero eigenvalues do not count.
public struct SteadyStateSolver {
    public var options: SteadyStateOptions

    public init(options: SteadyStateOptions = SteadyStateOptions()) {
        self.options = options
    }

    /// Solves from the compiled model's current initial state (``CompiledModel/setValue(_:_:)`` changes it).
    public func solve(_ compiled: CompiledModel) throws(AnalysisError) -> SteadyState {
        compiled.reset() // parameters as set, not as a previous run's events left them
        let system = ReducedSystem(compiled)
        let x0 = compiled.initialState
        var attempts: [String] = []
        var best: (x: [Double], residual: Double)? = nil

        func finish(_ x: [Double], method: String) -> SteadyState {
            let r = system.residual(x)
            let eig = system.reducedEigenvalues(at: x)
            return SteadyState(names: compiled.stateNames, values: x, residual: r.rate,
                               conservationResidual: r.conservation, method: method, attempts: attempts,
                               eigenvalues: eig ?? [], stability: Self.stability(eig),
                               conservationLaws: system.laws)
        }

        // 1. Newton from the initial state.
        switch system.newton(from: x0, tolerance: options.tolerance, maxIterations: options.maxNewtonIterations) {
        case .converged(let x, let iterations):
            attempts.append("Newton from the initial state: converged in \(iterations) iterations")
            return finish(x, method: "Newton")
        case .failed(let x, let residual, let why):
            attempts.append("Newton from the initial state: \(why) (residual \(NumberFormat.short(residual)))")
            best = (x, residual)
        }

        // 2. Integration, then Newton from the first nearly settled state.
        let decades = Self.decadeTimes(upTo: options.integrationEnd)
        let settings = SimulationSettings(end: options.integrationEnd, output: .times(decades), method: .auto,
                                          rtol: 1e-8, atol: 1e-12, maxSteps: options.maxIntegrationSteps)
        do {
            let result = try compiled.simulate(settings, observe: compiled.stateNames)
            let reached = result.times.last ?? 0
            var note = result.status.isSuccess ? "reached t = \(NumberFormat.short(reached))"
                : "stopped at t = \(NumberFormat.short(reached)): \(result.status)"
            var tried = 0
            for (i, t) in result.times.enumerated() {
                let x = result.values[i]
                let r = system.residual(x).rate
                if best == nil || r < best!.residual { best = (x, r) }
                guard r <= 1e-4 * max(1, maxMagnitude(x)) else { continue }
                tried += 1
                if case .converged(let y, let iterations) = system.newton(from: x, tolerance: options.tolerance,
                                                                        maxIterations: options.maxNewtonIterations) {
                    attempts.append("integration (\(note)), then Newton from t = \(NumberFormat.short(t)): converged in \(iterations) iterations")
                    return finish(y, method: "integration to t = \(NumberFormat.short(t)), then Newton")
                }
                if tried >= 4 { break }
            }
            if tried > 0 { note += "; Newton from \(tried) integrated states did not converge" }
            if let last = result.values.last, system.residual(last).rate <= options.tolerance * max(1, maxMagnitude(last)) {
                attempts.append("integration: \(note); the last state is steady")
                return finish(last, method: "integration to t = \(NumberFormat.short(reached))")
            }
            attempts.append("integration: \(note); residual at the end \(NumberFormat.short(result.values.last.map { system.residual($0).rate } ?? .nan))")
        } catch {
            attempts.append("integration could not start: \(error.message)")
        }

        var message = "no steady state found"
        if let best { message += "; smallest residual ‖f‖∞ = \(NumberFormat.short(best.residual))" }
        message += "\nstrategies tried:\n" + attempts.map { "  - \($0)" }.joined(separator: "\n")
        if system.laws.isEmpty {
            message += "\nconserved moieties: none"
        } else {
            message += "\nconserved moieties (kept at their initial totals):\n" + system.laws.map { "  \($0)" }.joined(separator: "\n")
        }
        message += "\n(an oscillating or ever-growing system has no stable steady state to integrate to)"
        throw AnalysisError(.numerical, message)
    }

    /// 10⁰, 10¹, … up to `end` (and `end`).
    static func decadeTimes(upTo end: Double) -> [Double] {
        var out: [Double] = []
        var t = 1.0
        while t < end {
            out.append(t)
            t *= 10
        }
        out.append(end)
        return out
    }

    static func stability(_ eigenvalues: [ComplexValue]?) -> Stability {
        guard let eigenvalues else { return .unknown }
        guard let top = eigenvalues.map(\.real).max() else { return .stable }
        let scale = eigenvalues.map(\.magnitude).max() ?? 0
        let margin = 1e-9 * max(scale, 1e-300)
        if top < -margin { return .stable }
        if top > margin { return .unstable }
        return .marginal
    }
}

func maxMagnitude(_ x: [Double]) -> Double { x.reduce(0) { max($0, abs($1)) } }


/// The rate equations with one equation per conservation law replaced by the law.
struct ReducedSystem {
    enum Outcome {
        case converged([Double], iterations: Int)
        case failed([Double], residual: Double, String)
    }

    let compiled: CompiledModel
    let n: Int
    let laws: [ConservationLaw]
    /// Per law: state indices, amount weights (w·V) and the total at the initial state.
    let lawIndices: [[Int]]
    let lawWeights: [[Double]]
    let lawTotals: [Double]
    /// Per law: the state index whose equation it replaces.
    let dependent: [Int]
    /// State indices held at their initial value.
    let fixed: [Int]
    /// `isFixed[i]`: whether state i is held.
    let isFixed: [Bool]
    let initial: [Double]
    let nonNegative: [Int]

    init(_ compiled: CompiledModel) {
        self.compiled = compiled
        let model = compiled.model
        n = compiled.dimension
        initial = compiled.initialState
        nonNegative = compiled.nonNegativeComponents
        let index = Dictionary(uniqueKeysWithValues: compiled.stateNames.enumerated().map { ($1, $0) })
        let volume = Dictionary(model.compartments.map { ($0.id, $0.size) }, uniquingKeysWith: { a, _ in a })
        var laws: [ConservationLaw] = [], li: [[Int]] = [], lw: [[Double]] = [], lt: [Double] = [], dep: [Int] = []
        for law in model.conservationLaws {
            var idx: [Int] = [], w: [Double] = []
            for t in law.terms {
                guard let k = index[t.species], let s = model.species(named: t.species) else { continue }
                idx.append(k)
                w.append(t.weight * (s.amountValued ? 1 : volume[s.compartment] ?? 1))
            }
            guard let first = idx.first, !dep.contains(first) else { continue }
            var total = 0.0
            for (k, wk) in zip(idx, w) { total += wk * initial[k] }
            var l = law
            l.total = total
            laws.append(l)
            li.append(idx)
            lw.append(w)
            lt.append(total)
            dep.append(first)
        }
        self.laws = laws
        lawIndices = li
        lawWeights = lw
        lawTotals = lt
        dependent = dep
        let reactive = Set(model.reactiveSpecies.map(\.id)), ruled = Set(model.rateRules.map(\.variable))
        fixed = compiled.stateNames.enumerated().filter { !reactive.contains($0.element) && !ruled.contains($0.element) }.map(\.offset)
        var mask = [Bool](repeating: false, count: n)
        for k in fixed { mask[k] = true }
        isFixed = mask
    }

    /// ‖f‖∞ of the original equations (free components only) and the largest conservation violation.
    func residual(_ x: [Double]) -> (rate: Double, conservation: Double) {
        var f = [Double](repeating: 0, count: n)
        evaluate(x, &f)
        var r = 0.0
        for i in 0..<n where !isFixed[i] { r = max(r, abs(f[i])) }
        var c = 0.0
        for l in laws.indices {
            var s = -lawTotals[l]
            for (k, w) in zip(lawIndices[l], lawWeights[l]) { s += w * x[k] }
            c = max(c, abs(s))
        }
        return (r.isNaN ? .infinity : r, c)
    }

    func evaluate(_ x: [Double], _ f: inout [Double]) {
        x.withUnsafeBufferPointer { xp in
            f.withUnsafeMutableBufferPointer { fp in
                compiled.evaluate(t: 0, y: xp.baseAddress!, dydt: fp.baseAddress!)
            }
        }
    }

    func jacobian(_ x: [Double], _ j: inout [Double]) {
        x.withUnsafeBufferPointer { xp in
            j.withUnsafeMutableBufferPointer { jp in
                _ = compiled.jacobian(t: 0, y: xp.baseAddress!, into: jp.baseAddress!)
            }
        }
    }

    /// F(x): the rate equations with law rows and fixed rows replaced.
    func system(_ x: [Double], _ f: inout [Double]) {
        evaluate(x, &f)
        for k in fixed { f[k] = x[k] - initial[k] }
        for l in laws.indices {
            var s = -lawTotals[l]
            for (k, w) in zip(lawIndices[l], lawWeights[l]) { s += w * x[k] }
            // Scaled by the dependent species' weight: a concentration, like x.
            f[dependent[l]] = s / lawWeights[l][0]
        }
    }

    func systemJacobian(_ x: [Double], _ j: inout [Double]) {
        jacobian(x, &j)
        for k in fixed {
            for c in 0..<n { j[k * n + c] = 0 }
            j[k * n + k] = 1
        }
        for l in laws.indices {
            let row = dependent[l]
            for c in 0..<n { j[row * n + c] = 0 }
            for (k, w) in zip(lawIndices[l], lawWeights[l]) { j[row * n + k] += w / lawWeights[l][0] }
        }
    }

    func norm(_ f: [Double]) -> Double {
        var m = 0.0
        for v in f {
            if !v.isFinite { return .infinity }
            m = max(m, abs(v))
        }
        return m
    }

    /// Damped Newton with backtracking on ‖F‖∞, projecting concentrations onto x ≥ 0.
    func newton(from start: [Double], tolerance: Double, maxIterations: Int) -> Outcome {
        guard n > 0 else { return .converged([], iterations: 0) }
        var x = start
        for k in nonNegative where x[k] < 0 { x[k] = 0 }
        var f = [Double](repeating: 0, count: n), trialF = f, dx = f, trial = f
        var jac = [Double](repeating: 0, count: n * n)
        var pivots = [Int](repeating: 0, count: n)
        system(x, &f)
        var fn = norm(f)
        for iteration in 1...max(1, maxIterations) {
            systemJacobian(x, &jac)
            guard DenseLinearSystem.factor(&jac, order: n, pivots: &pivots) else {
                return .failed(x, residual: residual(x).rate, "singular Jacobian at iteration \(iteration)")
            }
            for i in 0..<n { dx[i] = -f[i] }
            DenseLinearSystem.solve(jac, order: n, pivots: pivots, &dx)
            guard dx.allSatisfy(\.isFinite) else { return .failed(x, residual: residual(x).rate, "non-finite Newton step") }
            var alpha = 1.0, accepted = false, trialNorm = fn
            while alpha >= 1.0 / 4096 {
                for i in 0..<n { trial[i] = x[i] + alpha * dx[i] }
                for k in nonNegative where trial[k] < 0 { trial[k] = 0 }
                system(trial, &trialF)
                trialNorm = norm(trialF)
                if trialNorm <= (1 - 1e-4 * alpha) * fn || trialNorm == 0 {
                    accepted = true
                    break
                }
                alpha /= 2
            }
            let stepSize = maxMagnitude(dx) * alpha
            if accepted {
                swap(&x, &trial)
                swap(&f, &trialF)
                fn = trialNorm
            }
            let scale = max(1, maxMagnitude(x))
            let r = residual(x).rate
            if r <= tolerance * scale && fn <= 1e-6 * scale { return .converged(x, iterations: iteration) }
            if !accepted {
                // No decrease: accept if already at the limit of precision.
                if r <= 1e3 * tolerance * scale && stepSize <= 1e-10 * scale { return .converged(x, iterations: iteration) }
                return .failed(x, residual: r, "no decrease of the residual after \(iteration) iterations")
            }
        }
        return .failed(x, residual: residual(x).rate, "no convergence in \(maxIterations) iterations")
    }

    /// Eigenvalues of the Jacobian on the free, independent coordinates: dependent species are replaced
    /// through their laws, fixed components dropped.
    func reducedEigenvalues(at x: [Double]) -> [ComplexValue]? {
        var j = [Double](repeating: 0, count: n * n)
        guard n > 0 else { return [] }
        jacobian(x, &j)
        let removed = Set(dependent).union(fixed)
        let keep = (0..<n).filter { !removed.contains($0) }
        let m = keep.count
        guard m > 0 else { return [] }
        // ∂x_dep/∂x_b = −w_b / w_dep for b in the same law.
        var r = [Double](repeating: 0, count: m * m)
        let position = Dictionary(uniqueKeysWithValues: keep.enumerated().map { ($1, $0) })
        for (a, row) in keep.enumerated() {
            for (b, col) in keep.enumerated() { r[a * m + b] = j[row * n + col] }
            for l in laws.indices {
                let d = dependent[l], wd = lawWeights[l][0]
                let jd = j[row * n + d]
                if jd == 0 { continue }
                for (k, w) in zip(lawIndices[l], lawWeights[l]).dropFirst() {
                    if let b = position[k] { r[a * m + b] -= jd * w / wd }
                }
            }
        }
        return Eigenvalues.of(r, order: m)
    }
}
