import Foundation
import PathwayModel
import Simulator

/// The negative log-likelihood of a PEtab problem and its gradient.
///
/// Convention (PEtab's, as pyPESTO and AMICI report it, so numbers compare with published ones): for
/// each measurement m with simulated value y, transformation h (lin, ln or log10) and noise parameter σ,
///
///     normal:   ½·ln(2πσ²) + ½·((h(y) − h(m))/σ)²  [+ ln m (log) or ln(m·ln 10) (log10)]
///     Laplace:  ln(2σ) + |h(y) − h(m)|/σ            [same transformation terms]
///
/// summed over measurements; priors are not part of it (they are added in a fit's objective). The
/// gradient is with respect to the estimated parameters on their scales (lin, ln or log10), from forward
/// sensitivities (``ForwardSensitivityModel``).
///
/// Each pair of preequilibration and simulation conditions is simulated once, at its measurement
/// times. Not `Sendable`: give each thread its own (``copy()``).
public final class PEtabObjective {
    public let problem: PEtabProblem
    /// Indices (into `problem.parameters`) of the estimated parameters.
    public let estimated: [Int]
    public var settings: ObjectiveSettings
    let runs: [Run]
    let observables: [String: CompiledObservable]
    /// Parameter id → position among the estimated parameters, and among all parameters.
    let thetaIndex: [String: Int]
    let allIndex: [String: Int]

    public struct ObjectiveSettings: Sendable {
        public var rtol = 1e-8
        public var atol = 1e-10
        public var method: Simulator.Method = .auto
        public var maxSteps = 200_000
        public init() {}
    }

    /// One measurement's simulated value and noise (for plots and tables).
    public struct Simulated: Sendable {
        public var value: Double
        public var sigma: Double
    }

    public struct Evaluation: Sendable {
        /// The negative log-likelihood (∞ when a simulation failed).
        public var nllh: Double
        /// d nllh / d θ on the parameter scales, per estimated parameter (when asked for).
        public var gradient: [Double]?
        /// Per measurement: the scaled residual (h(y) − h(m))/σ (for Laplace noise too).
        public var residuals: [Double]
        /// d residual / d θ (rows: measurements), when the gradient was asked for.
        public var residualJacobian: [[Double]]?
        /// Per measurement: the simulated observable and its noise parameter σ.
        public var simulated: [Simulated]
        /// Why the objective is infinite, when it is.
        public var failure: String?
        /// The measurement row the failure is about, when it is about one.
        public var failureLocation: SourceLocation?
    }

    init(problem: PEtabProblem, estimated: [Int], settings: ObjectiveSettings, runs: [Run], observables: [String: CompiledObservable]) {
        self.problem = problem
        self.estimated = estimated
        self.settings = settings
        self.runs = runs
        self.observables = observables
        thetaIndex = Dictionary(uniqueKeysWithValues: estimated.enumerated().map { (problem.parameters[$0.element].id, $0.offset) })
        allIndex = Dictionary(uniqueKeysWithValues: problem.parameters.enumerated().map { ($1.id, $0) })
    }

    /// Builds the objective: one compiled model per pair of conditions (with sensitivity equations
    /// when `gradients` is true).
    public convenience init(_ problem: PEtabProblem, gradients: Bool = true, settings: ObjectiveSettings = .init()) throws(CalibrationError) {
        let estimated = problem.parameters.indices.filter { problem.parameters[$0].estimate }
        let builder = ObjectiveBuilder(problem: problem, gradients: gradients)
        let (runs, observables) = try builder.build()
        self.init(problem: problem, estimated: estimated, settings: settings, runs: runs, observables: observables)
        chooseMethods()
    }

    /// A copy with its own compiled models (for another thread).
    public func copy() throws(CalibrationError) -> PEtabObjective {
        let builder = ObjectiveBuilder(problem: problem, gradients: runs.first?.sensitivities != nil)
        let (runs, observables) = try builder.build()
        for (run, chosen) in zip(runs, self.runs) {
            run.preequilibrationMethod = chosen.preequilibrationMethod
            run.simulationMethod = chosen.simulationMethod
        }
        return PEtabObjective(problem: problem, estimated: estimated, settings: settings, runs: runs, observables: observables)
    }

    /// Picks, per run and phase, the integration method `auto` stands for: each run is simulated once
    /// at the nominal parameters with the default method (Dormand–Prince switching to BDF when it finds
    /// the problem stiff) and with BDF from the start, and BDF is kept where its work, counted in
    /// right-hand-side evaluations (``Run/cost(_:method:)``), is smaller. The default's
    /// stiffness test can take hundreds of explicit steps to fire (Schwen 2014: 584 steps before it
    /// switches at t = 9.7 of 60) or never fire on a step-size-limited run (Weber 2015), and an objective
    /// simulates the same conditions many times, so the choice is made once per problem. It depends on
    /// the problem alone (not on timings), so evaluations are the same on every machine.
    func chooseMethods() {
        guard settings.method == .auto else { return }
        let values = nominal
        func resolve(_ v: PEtabProblem.Value) -> Double {
            switch v {
            case .number(let x): return x
            case .parameter(let id): return allIndex[id].map { values[$0] } ?? .nan
            }
        }
        var stiff = settings
        stiff.method = .bdf
        for run in runs where run.leader == runs.firstIndex(where: { $0 === run }) {
            let withSensitivities = run.sensitivities != nil
            guard let standard = try? run.simulate(values: resolve, settings: settings, sensitivities: withSensitivities),
                  let implicit = try? run.simulate(values: resolve, settings: stiff, sensitivities: withSensitivities)
            else { continue }
            if run.preequilibration != nil, implicit.preequilibrationCost < standard.preequilibrationCost { run.preequilibrationMethod = .bdf }
            if implicit.simulationCost < standard.simulationCost { run.simulationMethod = .bdf }
        }
        // Runs served by another simulate nothing; runs sharing a preequilibration take their group's method.
        for run in runs where run.preequilibration != nil {
            if let first = runs.first(where: { $0.steadyStateGroup == run.steadyStateGroup }) { run.preequilibrationMethod = first.preequilibrationMethod }
        }
    }

    public var hasGradient: Bool { runs.allSatisfy { $0.sensitivities != nil } }

    // MARK: Parameter vectors

    /// Every parameter at its nominal value (linear scale).
    public var nominal: [Double] { problem.parameters.map(\.nominal) }

    /// The estimated parameters of `all` on their scales.
    public func scaled(_ all: [Double]) -> [Double] {
        estimated.map { Self.toScale(all[$0], problem.parameters[$0].scale) }
    }

    /// Every parameter (linear), with the estimated ones from `x` on their scales.
    public func unscaled(_ x: [Double]) -> [Double] {
        var all = nominal
        for (k, i) in estimated.enumerated() { all[i] = Self.fromScale(x[k], problem.parameters[i].scale) }
        return all
    }

    /// The bounds of the estimated parameters on their scales.
    public var bounds: (lower: [Double], upper: [Double]) {
        (estimated.map { Self.toScale(problem.parameters[$0].lower, problem.parameters[$0].scale) },
         estimated.map { Self.toScale(problem.parameters[$0].upper, problem.parameters[$0].scale) })
    }

    public static func toScale(_ v: Double, _ s: PEtabProblem.Scale) -> Double {
        switch s { case .lin: v; case .log: Foundation.log(v); case .log10: Foundation.log10(v) }
    }

    public static func fromScale(_ v: Double, _ s: PEtabProblem.Scale) -> Double {
        switch s { case .lin: v; case .log: Foundation.exp(v); case .log10: Foundation.pow(10, v) }
    }

    /// The negative log-prior of the estimated parameters at `x` (on their scales); 0 without priors.
    public func negativeLogPrior(_ x: [Double], gradient: inout [Double]) -> Double {
        var total = 0.0
        for (k, i) in estimated.enumerated() {
            guard let prior = problem.parameters[i].prior else { continue }
            let p = problem.parameters[i]
            let onScale = [.parameterScaleNormal, .parameterScaleLaplace, .parameterScaleUniform].contains(prior.kind)
            let v = onScale ? x[k] : Self.fromScale(x[k], p.scale)
            let dv = onScale ? 1 : Self.chain(v, p.scale) // dv/dx
            let (a, b) = (prior.parameters[0], prior.parameters[1])
            switch prior.kind {
            case .normal, .parameterScaleNormal:
                total += 0.5 * Foundation.log(2 * .pi * b * b) + 0.5 * (v - a) * (v - a) / (b * b)
                gradient[k] += (v - a) / (b * b) * dv
            case .laplace, .parameterScaleLaplace:
                total += Foundation.log(2 * b) + Swift.abs(v - a) / b
                gradient[k] += (v >= a ? 1 : -1) / b * dv
            case .uniform, .parameterScaleUniform:
                total += Foundation.log(b - a)
            }
        }
        return total
    }

    /// d(value)/d(value on scale) at the linear value v.
    static func chain(_ v: Double, _ s: PEtabProblem.Scale) -> Double {
        switch s { case .lin: 1; case .log: v; case .log10: v * M_LN10 }
    }

    // MARK: Evaluation

    /// The objective at `all` (every parameter, linear scale).
    public func evaluate(_ all: [Double], gradient: Bool = false) -> Evaluation {
        let m = problem.measurements.count
        let np = estimated.count
        var nllh = 0.0
        var grad = gradient ? [Double](repeating: 0, count: np) : nil
        var residuals = [Double](repeating: 0, count: m)
        var jac: [[Double]]? = gradient ? Array(repeating: [Double](repeating: 0, count: np), count: m) : nil
        var simulated = [Simulated](repeating: .init(value: .nan, sigma: .nan), count: m)
        let allIndex = self.allIndex, thetaIndex = self.thetaIndex
        func resolve(_ v: PEtabProblem.Value) -> Double {
            switch v {
            case .number(let x): return x
            case .parameter(let id): return allIndex[id].map { all[$0] } ?? .nan
            }
        }
        func fail(_ why: String, at location: SourceLocation? = nil) -> Evaluation {
            Evaluation(nllh: .infinity, gradient: grad.map { $0.map { _ in .nan } }, residuals: residuals, residualJacobian: nil,
                       simulated: simulated, failure: why, failureLocation: location)
        }
        let steadyStates = SteadyStateCache()
        var outputs: [RunOutput?] = Array(repeating: nil, count: runs.count)
        for (runIndex, run) in runs.enumerated() {
            let useSensitivities = gradient && run.sensitivities != nil
            if gradient && !useSensitivities { return fail("no gradient for this problem") }
            let output: RunOutput
            if run.leader != runIndex, let shared = outputs[run.leader] {
                output = shared
            } else {
                do { output = try run.simulate(values: resolve, settings: settings, sensitivities: useSensitivities, steadyStates: steadyStates) } catch {
                    return fail(error.message)
                }
                outputs[runIndex] = output
            }
            for (row, mi) in run.measurements.enumerated() {
                let meas = problem.measurements[mi]
                let obs = observables[meas.observable]!
                let tIndex = run.timeIndex[row]
                // Slots: model symbols at that time, then placeholders, then PEtab-only parameters.
                var slots = obs.slotTemplate
                for (s, k) in obs.modelSlots.enumerated() { slots[s] = output.values[tIndex][k] }
                for (s, v) in meas.observableParameters.enumerated() where s < obs.observableParameterSlots.count { slots[obs.observableParameterSlots[s]] = resolve(v) }
                for (s, v) in meas.noiseParameters.enumerated() where s < obs.noiseParameterSlots.count { slots[obs.noiseParameterSlots[s]] = resolve(v) }
                for (s, id) in obs.petabSlots { slots[s] = resolve(.parameter(id)) }
                let y = obs.formula.value(slots)
                let sigma = obs.noise.value(slots)
                simulated[mi] = Simulated(value: y, sigma: sigma)
                guard sigma > 0, sigma.isFinite else {
                    return fail("measurement table: the noise formula of '\(meas.observable)' is \(sigma) at t = \(meas.time) in condition '\(meas.simulation)'; it must be positive", at: meas.location)
                }
                guard y.isFinite else { return fail("measurement table: simulated '\(meas.observable)' is \(y)", at: meas.location) }
                let (hy, dh) = Self.transform(y, obs.definition.transformation)
                let (hm, _) = Self.transform(meas.value, obs.definition.transformation)
                guard hy.isFinite else { return fail("measurement table: simulated '\(meas.observable)' is \(y), not positive on its \(obs.definition.transformation.rawValue) scale", at: meas.location) }
                let d = hy - hm
                let transformTerm: Double
                switch obs.definition.transformation {
                case .lin: transformTerm = 0
                case .log: transformTerm = Foundation.log(meas.value)
                case .log10: transformTerm = Foundation.log(meas.value * M_LN10)
                }
                switch obs.definition.noise {
                case .normal:
                    let r = d / sigma
                    residuals[mi] = r
                    nllh += 0.5 * Foundation.log(2 * .pi * sigma * sigma) + 0.5 * r * r + transformTerm
                case .laplace:
                    residuals[mi] = d / sigma
                    nllh += Foundation.log(2 * sigma) + Swift.abs(d) / sigma + transformTerm
                }
                guard useSensitivities, var g = grad else { continue }
                // dy/dθ and dσ/dθ through every route a parameter reaches the formulas.
                var dy = [Double](repeating: 0, count: np), ds = [Double](repeating: 0, count: np)
                for (slot, partials) in obs.partials.enumerated() {
                    let fy = partials.formula?.value(slots) ?? 0
                    let fs = partials.noise?.value(slots) ?? 0
                    if fy == 0 && fs == 0 { continue }
                    switch obs.slotKinds[slot] {
                    case .model(let name):
                        // A state: through its sensitivities; a model parameter: directly.
                        if let stateIndex = run.stateIndex[name], let sens = output.sensitivities {
                            for (q, thetaK) in run.sensitivityTheta.enumerated() where thetaK >= 0 {
                                let sv = sens[tIndex][q][stateIndex]
                                dy[thetaK] += fy * sv
                                ds[thetaK] += fs * sv
                            }
                        } else if let thetaK = run.directTheta[name] {
                            dy[thetaK] += fy
                            ds[thetaK] += fs
                        }
                    case .observableParameter(let n):
                        if n < meas.observableParameters.count, case .parameter(let id) = meas.observableParameters[n], let k = thetaIndex[id] {
                            dy[k] += fy; ds[k] += fs
                        }
                    case .noiseParameter(let n):
                        if n < meas.noiseParameters.count, case .parameter(let id) = meas.noiseParameters[n], let k = thetaIndex[id] {
                            dy[k] += fy; ds[k] += fs
                        }
                    case .petab(let id):
                        if let k = thetaIndex[id] { dy[k] += fy; ds[k] += fs }
                    }
                }
                for k in 0..<np {
                    let c = Self.chain(all[estimated[k]], problem.parameters[estimated[k]].scale)
                    let dyk = dy[k] * c * dh, dsk = ds[k] * c
                    switch obs.definition.noise {
                    case .normal:
                        let r = d / sigma
                        let dr = (dyk - r * dsk) / sigma
                        jac![mi][k] = dr
                        g[k] += dsk / sigma + r * dr
                    case .laplace:
                        let sign: Double = d >= 0 ? 1 : -1
                        jac![mi][k] = (dyk - d / sigma * dsk) / sigma
                        g[k] += dsk / sigma + sign * dyk / sigma - Swift.abs(d) * dsk / (sigma * sigma)
                    }
                }
                grad = g
            }
        }
        return Evaluation(nllh: nllh, gradient: grad, residuals: residuals, residualJacobian: jac, simulated: simulated, failure: nil, failureLocation: nil)
    }

    /// h(v) and h'(v) for a transformation.
    static func transform(_ v: Double, _ s: PEtabProblem.Scale) -> (Double, Double) {
        switch s {
        case .lin: return (v, 1)
        case .log: return v > 0 ? (Foundation.log(v), 1 / v) : (.nan, .nan)
        case .log10: return v > 0 ? (Foundation.log10(v), 1 / (v * M_LN10)) : (.nan, .nan)
        }
    }
}
