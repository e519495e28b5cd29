import PathwayModel
import Simulator

/// How a steady state responds to small perturbations, from the eigenvalues of the Jacobian of the
/// system reduced by its conservation laws (and, in a differential–algebraic system, by its algebraic
/// rules: see ``SteadyStateSolver``).
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
    /// The state variables that algebraic rules determine (``CompiledModel/algebraicComponents``): their
    /// rows hold the rules' residuals g, not rates of change. Empty for an ordinary model.
    public var algebraic: [String]
    /// The compiled model's observables at the steady state, among them the species that fast reactions
    /// determine (``FastEquilibrium``), which are not state variables.
    public var observableNames: [String]
    public var observableValues: [Double]
    /// ‖f(x)‖∞ over the differential state variables: the largest rate of change left, in concentration
    /// per time unit.
    public var residual: Double
    /// ‖g(x)‖∞: the largest residual of an algebraic rule (0 without algebraic rules).
    public var algebraicResidual: Double
    /// The largest violation of a conservation law (amount units).
    public var conservationResidual: Double
    /// The strategy that succeeded, e.g. "Newton" or "integration to t = 1e+04, then Newton".
    public var method: String
    /// Every strategy tried, in order, with its outcome.
    public var attempts: [String]
    /// Eigenvalues of the reduced Jacobian (conservation laws and algebraic rules eliminated), by
    /// descending real part.
    public var eigenvalues: [ComplexValue]
    public var stability: Stability
    /// The conserved moieties and the totals the steady state keeps.
    public var conservationLaws: [ConservationLaw]

    /// A state variable's value, else an observable's (a species a fast reaction determines is one).
    public func value(of name: String) -> Double? {
        if let k = names.firstIndex(of: name) { return values[k] }
        return observableNames.firstIndex(of: name).map { observableValues[$0] }
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
///
/// **Differential–algebraic models.** Algebraic rules with no closed form (and fast reactions with a
/// non-linear equilibrium) compile to a semi-explicit system y' = f(y, z), 0 = g(y, z), whose rows for
/// the algebraic variables z hold the residual g (``CompiledModel/algebraicComponents``). A steady state
/// is f = 0 and g = 0 together, so Newton runs on the whole system as it is; it starts from the initial
/// state made consistent (g = 0 with y held, ``CompiledModel/consistentInitialState(at:)``), so that the
/// root the model's starting values pick is the one followed. The fallback integration uses "auto",
/// which integrates such a model with BDF and a mass matrix diag(1, …, 0): the g rows are never
/// integrated as derivatives.
///
/// The eigenvalues of the full Jacobian mean nothing there: the g rows are not rates. Linearising at
/// the steady state, δy' = J_yy·δy + J_yz·δz and 0 = J_zy·δy + J_zz·δz; when J_zz = ∂g/∂z is
/// invertible (the system is of index 1), δz = −J_zz⁻¹·J_zy·δy, so
///
///     δy' = (J_yy − J_yz·J_zz⁻¹·J_zy)·δy,
///
/// and stability is decided by the eigenvalues of that Schur complement, the finite eigenvalues of the
/// pencil (J, diag(1, …, 0)); scaling a rule (g → c·g) leaves it unchanged. It is taken after the
/// conservation laws' reduction (dependent species eliminated in every row, g's included); a singular
/// J_zz (not of index 1 at the steady state) leaves the stability unknown.
public struct SteadyStateSolver {
    public var options: SteadyStateOptions

    public init(options: SteadyStateOptions = SteadyStateOptions()) {
        self.options = options
    }

    /// Solves from the compiled model's current initial state (``CompiledModel/setValue(_:_:)`` changes it).
    public func solve(_ compiled: CompiledModel) throws(AnalysisError) -> SteadyState {
        compiled.reset() // parameters as set, not as a previous run's events left them
        let system = ReducedSystem(compiled)
        var attempts: [String] = []
        var best: (x: [Double], residual: Double)? = nil
        var x0 = compiled.initialState
        if !system.algebraic.isEmpty {
            do { x0 = try compiled.consistentInitialState() } catch {
                attempts.append("consistent initial values for the algebraic rules: not found (\(error.message)); Newton starts from the values given")
            }
        }

        func finish(_ x: [Double], method: String) -> SteadyState {
            let r = system.residual(x)
            let eig = system.reducedEigenvalues(at: x)
            let observables = compiled.model.observables.map(\.id)
            var observed = [Double](repeating: .nan, count: observables.count)
            if let reader = try? compiled.values(of: observables) { reader.read(t: 0, state: x, into: &observed) }
            return SteadyState(names: compiled.stateNames, values: x, algebraic: system.algebraic.map { compiled.stateNames[$0] },
                               observableNames: observables, observableValues: observed,
                               residual: r.differential, algebraicResidual: r.algebraic,
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
    /// State indices of algebraic variables (rows holding an algebraic rule's residual).
    let algebraic: [Int]
    /// `isAlgebraic[i]`: whether state i is algebraic.
    let isAlgebraic: [Bool]
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
        algebraic = compiled.algebraicComponents
        var algebraicMask = [Bool](repeating: false, count: n)
        for k in algebraic { algebraicMask[k] = true }
        isAlgebraic = algebraicMask
    }

    /// ‖f‖∞ of the original equations (free components only, algebraic rules' residuals included), the
    /// same over the differential and over the algebraic rows, and the largest conservation violation.
    func residual(_ x: [Double]) -> (rate: Double, differential: Double, algebraic: Double, conservation: Double) {
        var f = [Double](repeating: 0, count: n)
        evaluate(x, &f)
        var d = 0.0, a = 0.0
        for i in 0..<n where !isFixed[i] {
            let v = f[i].isNaN ? Double.infinity : abs(f[i])
            if isAlgebraic[i] { a = max(a, v) } else { d = max(d, v) }
        }
        var c = 0.0
        for l in laws.indices {
            var s = -lawTotals[l]
            for (k, w) in zip(lawIndices[l], lawWeights[l]) { s += w * x[k] }
            c = max(c, abs(s))
        }
        return (max(d, a), d, a, c)
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
    /// through their laws, fixed components dropped, then algebraic variables eliminated through their
    /// rules (the Schur complement J_yy − J_yz·J_zz⁻¹·J_zy; nil when J_zz is singular).
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
        return Self.eliminating(keep.indices.filter { isAlgebraic[keep[$0]] }, from: r, order: m)
            .flatMap { Eigenvalues.of($0.matrix, order: $0.order) }
    }

    /// The Schur complement S = A_yy − A_yz·A_zz⁻¹·A_zy of the rows and columns `z` of the m×m row-major
    /// matrix `a` (y the others, in order), or nil when A_zz is singular; `a` itself without any.
    static func eliminating(_ z: [Int], from a: [Double], order m: Int) -> (matrix: [Double], order: Int)? {
        guard !z.isEmpty else { return (a, m) }
        let isZ = Set(z)
        let y = (0..<m).filter { !isZ.contains($0) }
        let p = z.count, q = y.count
        var azz = [Double](repeating: 0, count: p * p)
        for (i, zi) in z.enumerated() { for (j, zj) in z.enumerated() { azz[i * p + j] = a[zi * m + zj] } }
        var pivots = [Int](repeating: 0, count: p)
        guard DenseLinearSystem.factor(&azz, order: p, pivots: &pivots) else { return nil }
        var s = [Double](repeating: 0, count: q * q)
        for (i, yi) in y.enumerated() { for (j, yj) in y.enumerated() { s[i * q + j] = a[yi * m + yj] } }
        var column = [Double](repeating: 0, count: p)
        for (j, yj) in y.enumerated() {
            // A_zz⁻¹ times column j of A_zy, then S[:, j] −= A_yz · that.
            for (i, zi) in z.enumerated() { column[i] = a[zi * m + yj] }
            DenseLinearSystem.solve(azz, order: p, pivots: pivots, &column)
            guard column.allSatisfy(\.isFinite) else { return nil }
            for (i, yi) in y.enumerated() {
                var sum = 0.0
                for (k, zk) in z.enumerated() { sum += a[yi * m + zk] * column[k] }
                s[i * q + j] -= sum
            }
        }
        return (s, q)
    }
}
