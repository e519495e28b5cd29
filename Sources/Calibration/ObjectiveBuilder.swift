import Foundation
import PathwayModel
import Simulator

/// Where a slot of an observable's formulas gets its value.
enum SlotKind: Sendable {
    /// A symbol of the model (species, parameter, compartment), read from the simulation.
    case model(String)
    /// `observableParameter{n+1}_{id}`, from the measurement row.
    case observableParameter(Int)
    /// `noiseParameter{n+1}_{id}`, from the measurement row.
    case noiseParameter(Int)
    /// A parameter of the PEtab parameter table that is not in the model.
    case petab(String)
}

/// A PEtab observable ready to evaluate: formulas over slots, and their partial derivatives.
struct CompiledObservable {
    var definition: PEtabProblem.Observable
    var formula: Formula
    var noise: Formula
    var slotKinds: [SlotKind]
    var slotTemplate: [Double]
    /// For the first `modelSlots.count` slots: the index of the value in the runs' observed list.
    var modelSlots: [Int]
    var observableParameterSlots: [Int]
    var noiseParameterSlots: [Int]
    var petabSlots: [(Int, String)]
    /// Per slot: ∂formula/∂slot and ∂noise/∂slot (nil when zero).
    var partials: [(formula: Formula?, noise: Formula?)]
}

/// The simulated values a run hands back: `values[t][k]` for the observed model symbols and
/// `sensitivities[t][q][i]` for the states the formulas read.
struct RunOutput {
    var values: [[Double]]
    var sensitivities: [[[Double]]]?
    /// The integrators' work in units of right-hand-side evaluations (``Run/cost(_:method:)``):
    /// the preequilibration's (every horizon) and the simulation's.
    var preequilibrationCost = 0.0
    var simulationCost = 0.0
}

/// Steady states computed during one objective evaluation, by ``Run/steadyStateGroup``: runs that share a
/// preequilibration (the same condition on the same compiled model) integrate it once.
final class SteadyStateCache {
    var states: [Int: [Double]] = [:]
}

/// One simulation: a pair of (preequilibration, simulation) conditions and its measurements.
final class Run {
    let preequilibration: String?
    let simulation: String
    let compiled: CompiledModel
    let baseState: [Double]
    /// Model parameter values for the first phase (preequilibration, or simulation without one) and for the simulation.
    let firstPhase: [(String, PEtabProblem.Value)]
    let firstPhaseNames: Set<String>
    let simulationPhase: [(String, PEtabProblem.Value)]
    /// Species set after preequilibration (nil value: keep).
    let stateOverrides: [(String, PEtabProblem.Value)]
    let measurements: [Int]
    /// This run's own measurement times (for plots).
    let times: [Double]
    /// The run whose simulation serves this one (its own index, or that of an earlier run with the same
    /// conditions: identical simulations are run once, at the union of their times).
    let leader: Int
    /// The times the leader simulates at (the union over the runs it serves).
    let outputTimes: [Double]
    /// Per measurement: its time's position in the leader's `outputTimes`.
    let timeIndex: [Int]
    /// Runs with the same number share one preequilibration per evaluation (nil: none).
    let steadyStateGroup: Int?
    /// The integration methods for the preequilibration and the simulation when the settings ask for
    /// `auto` (chosen once per problem by ``PEtabObjective/chooseMethods()``).
    var preequilibrationMethod: Simulator.Method = .auto
    var simulationMethod: Simulator.Method = .auto
    /// The observed model symbols (shared by all runs), then the sensitivity variables read.
    let observed: [String]
    let observedModelCount: Int
    /// States the formulas read → position in a sensitivity block's output.
    let stateIndex: [String: Int]
    /// Sensitivity blocks, when gradients are built: per block the estimated-parameter index.
    let sensitivities: ForwardSensitivityModel?
    let sensitivityTheta: [Int]
    /// Sensitivity blocks to zero after preequilibration (their parameter depends on θ only in the simulation).
    let resetAfterPreequilibration: [Int]
    /// Model parameters mapped to an estimated parameter in the simulation phase → its index.
    let directTheta: [String: Int]

    init(preequilibration: String?, simulation: String, compiled: CompiledModel, firstPhase: [(String, PEtabProblem.Value)],
         simulationPhase: [(String, PEtabProblem.Value)], stateOverrides: [(String, PEtabProblem.Value)], measurements: [Int],
         times: [Double], leader: Int, outputTimes: [Double], timeIndex: [Int], steadyStateGroup: Int?, observed: [String], observedModelCount: Int, stateIndex: [String: Int],
         sensitivities: ForwardSensitivityModel?, sensitivityTheta: [Int], resetAfterPreequilibration: [Int], directTheta: [String: Int]) {
        self.preequilibration = preequilibration
        self.simulation = simulation
        self.compiled = compiled
        self.baseState = compiled.initialState
        self.firstPhase = firstPhase
        self.firstPhaseNames = Set(firstPhase.map(\.0))
        self.simulationPhase = simulationPhase
        self.stateOverrides = stateOverrides
        self.measurements = measurements
        self.times = times
        self.leader = leader
        self.outputTimes = outputTimes
        self.timeIndex = timeIndex
        self.steadyStateGroup = steadyStateGroup
        self.observed = observed
        self.observedModelCount = observedModelCount
        self.stateIndex = stateIndex
        self.sensitivities = sensitivities
        self.sensitivityTheta = sensitivityTheta
        self.resetAfterPreequilibration = resetAfterPreequilibration
        self.directTheta = directTheta
    }

    struct Failure: Error { var message: String }

    /// Simulates at `outputTimes` (default: the leader's), with steady states from `steadyStates` when
    /// another run of the same group has computed one in this evaluation.
    func simulate(values resolve: (PEtabProblem.Value) -> Double, settings: PEtabObjective.ObjectiveSettings,
                  sensitivities: Bool, outputTimes: [Double]? = nil, steadyStates: SteadyStateCache? = nil) throws(Failure) -> RunOutput {
        let times = outputTimes ?? self.outputTimes
        var preequilibrationCost = 0.0
        let names = compiled.stateNames
        for (k, n) in names.enumerated() { compiled.setValue(n, baseState[k]) }
        for (n, v) in firstPhase { compiled.setValue(n, resolve(v)) }
        // Values the tables set win over the model's initial assignments of the same names.
        compiled.recomputeInitialAssignments(keeping: firstPhaseNames)
        var simulationSettings = SimulationSettings(start: 0, end: 1, output: .times([1]), method: settings.method,
                                                    rtol: settings.rtol, atol: settings.atol, maxSteps: settings.maxSteps)
        simulationSettings.checkNegative = false
        if let preequilibration {
            let state: [Double]
            if let group = steadyStateGroup, let cached = steadyStates?.states[group] {
                state = cached
            } else {
                var preSettings = simulationSettings
                if settings.method == .auto { preSettings.method = preequilibrationMethod }
                state = try steadyState(settings: preSettings, condition: preequilibration, cost: &preequilibrationCost)
                if let group = steadyStateGroup { steadyStates?.states[group] = state }
            }
            for (n, v) in simulationPhase { compiled.setValue(n, resolve(v)) }
            for (k, n) in names.enumerated() { compiled.setValue(n, state[k]) }
            for (n, v) in stateOverrides { compiled.setValue(n, resolve(v)) }
            if let s = self.sensitivities {
                for q in resetAfterPreequilibration { for n in s.names[q] { compiled.setValue(n, 0) } }
                // A species set after preequilibration no longer depends on the parameters.
                for (n, _) in stateOverrides {
                    if let i = s.states.firstIndex(of: n) { for block in s.names { compiled.setValue(block[i], 0) } }
                }
            }
        }
        let end = times.last ?? 0
        simulationSettings.end = end > 0 ? end : 1
        simulationSettings.output = .times(times)
        if settings.method == .auto { simulationSettings.method = simulationMethod }
        let result: SimulationResult
        do { result = try compiled.simulate(simulationSettings, observe: observed) } catch {
            throw Failure(message: "condition '\(simulation)': \(error.message)")
        }
        guard result.status.isSuccess, result.values.count == times.count else {
            throw Failure(message: "condition '\(simulation)': \(result.status)")
        }
        var sens: [[[Double]]]?
        if sensitivities, let s = self.sensitivities {
            let n = stateIndex.count
            sens = result.values.map { row in
                (0..<s.parameters.count).map { q in Array(row[(observedModelCount + q * n)..<(observedModelCount + (q + 1) * n)]) }
            }
        }
        return RunOutput(values: result.values.map { Array($0[0..<observedModelCount]) }, sensitivities: sens,
                         preequilibrationCost: preequilibrationCost,
                         simulationCost: Self.cost(result.statistics, method: simulationSettings.method))
    }

    /// The work of an integration in units of right-hand-side evaluations, from its counts alone (so
    /// that a choice made from it is the same on every machine and every run): each evaluation of f
    /// counts 1, each implicit (BDF or Rosenbrock) step 4 more (the Newton iteration's linear solves,
    /// error norms and order selection; measured on the shared PEtab problems, dimension 5–15, an
    /// implicit step costs 3–5 evaluations of f beyond its own), each Jacobian and each LU
    /// decomposition 8 (about n for the models themselves; a constant, because for the n·(1+p) states
    /// of a sensitivity system n would make BDF look far dearer than it is: Schwen's gradient took
    /// 32 ms with the methods chosen that way and 18 ms with BDF throughout).
    static func cost(_ s: SolverStatistics, method: Simulator.Method) -> Double {
        let implicitSteps: Int
        switch method {
        case .bdf, .rosenbrock: implicitSteps = s.steps
        case .auto: implicitSteps = s.stepsBeforeSwitch.map { s.steps - $0 } ?? 0
        case .euler, .rk4, .dopri5: implicitSteps = 0
        }
        return Double(s.rhsEvaluations + 4 * implicitSteps + 8 * (s.jacobianEvaluations + s.luDecompositions))
    }

    /// Runs the model to steady state from its current initial state: integrates over growing horizons
    /// until every state's rate of change is below 1e-8 of its value (plus 1e-12), at most to t = 10¹⁰.
    func steadyState(settings: SimulationSettings, condition: String, cost: inout Double) throws(Failure) -> [Double] {
        let names = compiled.stateNames
        var state = compiled.initialState
        var horizon = 100.0
        var dydt = [Double](repeating: 0, count: names.count)
        let original = names.indices.filter { k in sensitivities.map { $0.states.contains(names[k]) } ?? true }
        while true {
            var s = settings
            s.end = horizon
            s.output = .times([horizon])
            let result: SimulationResult
            do { result = try compiled.simulate(s, observe: names) } catch {
                throw Failure(message: "preequilibration '\(condition)': \(error.message)")
            }
            guard result.status.isSuccess, let last = result.values.last else {
                throw Failure(message: "preequilibration '\(condition)': \(result.status)")
            }
            state = last
            cost += Self.cost(result.statistics, method: settings.method)
            for (k, n) in names.enumerated() { compiled.setValue(n, state[k]) }
            state.withUnsafeBufferPointer { y in
                dydt.withUnsafeMutableBufferPointer { f in compiled.evaluate(t: horizon, y: y.baseAddress!, dydt: f.baseAddress!) }
            }
            let converged = original.allSatisfy { Swift.abs(dydt[$0]) <= 1e-8 * Swift.abs(state[$0]) + 1e-12 }
            if converged || horizon >= 1e10 { return state }
            horizon *= 10
        }
    }
}

/// Builds the runs and observables of an objective.
struct ObjectiveBuilder {
    let problem: PEtabProblem
    let gradients: Bool
    let functions: [String: FunctionDefinition]
    let modelParameters: Set<String>
    let species: Set<String>
    /// Estimated parameter id → its position among the estimated parameters.
    let estimatedIndex: [String: Int]

    init(problem: PEtabProblem, gradients: Bool) {
        self.problem = problem
        self.gradients = gradients
        let model = problem.model
        functions = Dictionary(model.functions.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        modelParameters = Set(model.parameters.map(\.id))
        species = Set(model.species.map(\.id))
        estimatedIndex = Dictionary(uniqueKeysWithValues: problem.parameters.indices.filter { problem.parameters[$0].estimate }
            .enumerated().map { (problem.parameters[$0.element].id, $0.offset) })
    }

    func build() throws(CalibrationError) -> ([Run], [String: CompiledObservable]) {
        let (observed, observables) = try compileObservables()
        let (pairs, members) = conditionPairs()
        let (leaders, groupTimes) = sharedSimulations(pairs: pairs, members: members)
        var runs: [Run] = []
        var cache = CompiledModels()
        for (k, (pair, indices)) in zip(pairs, members).enumerated() {
            let leader = leaders[k]
            runs.append(try makeRun(preequilibration: pair.0, simulation: pair.1, measurements: indices, observed: observed,
                                    leader: leader, outputTimes: groupTimes[leader]!.sorted(), cache: &cache))
        }
        return (runs, observables)
    }

    // MARK: Observables

    /// The model's own observables with functions inlined, each in terms of model symbols only.
    func inlinedModelObservables() -> [String: Expression] {
        let model = problem.model
        var inlined: [String: Expression] = [:]
        var pending = model.observables
        while !pending.isEmpty {
            let before = pending.count
            pending.removeAll { o in
                let deps = o.expression.symbols.filter { s in model.observables.contains { $0.id == s } }
                guard deps.allSatisfy({ inlined[$0] != nil }) else { return false }
                inlined[o.id] = o.expression.inliningFunctions(functions).substituting(inlined).simplified()
                return true
            }
            if pending.count == before { break }
        }
        return inlined
    }

    /// Every PEtab observable compiled, and the model symbols they read (shared by all runs).
    func compileObservables() throws(CalibrationError) -> (observed: [String], observables: [String: CompiledObservable]) {
        let model = problem.model
        let inlined = inlinedModelObservables()
        let modelSymbols = Set(model.species.map(\.id) + model.parameters.map(\.id) + model.compartments.map(\.id))
        var observed: [String] = []
        var observedIndex: [String: Int] = [:]
        var observables: [String: CompiledObservable] = [:]
        for id in problem.observableOrder {
            observables[id] = try compileObservable(id, inlined: inlined, modelSymbols: modelSymbols) { s in
                if observedIndex[s] == nil { observedIndex[s] = observed.count; observed.append(s) }
                return observedIndex[s]!
            }
        }
        return (observed, observables)
    }

    /// One observable: its formulas over slots (model symbols first, each given its index in the runs'
    /// observed list by `observe`, then the row's placeholders, then PEtab-only parameters) and their partials.
    func compileObservable(_ id: String, inlined: [String: Expression], modelSymbols: Set<String>,
                           observe: (String) -> Int) throws(CalibrationError) -> CompiledObservable {
        let tableIDs = Set(problem.parameters.map(\.id))
        let o = problem.observables[id]!
        let f = o.formula.inliningFunctions(functions).substituting(inlined).simplified()
        let g = o.noiseFormula.inliningFunctions(functions).substituting(inlined).simplified()
        var kinds: [SlotKind] = [], slotOf: [String: Int] = [:]
        var symbols = f.symbols
        for s in g.symbols where !symbols.contains(s) { symbols.append(s) }
        symbols = symbols.filter { BuiltinFunction.constants[$0] == nil || modelSymbols.contains($0) || tableIDs.contains($0) }
        var modelSlots: [Int] = []
        for s in symbols where modelSymbols.contains(s) {
            slotOf[s] = kinds.count
            kinds.append(.model(s))
            modelSlots.append(observe(s))
        }
        func placeholders(_ prefix: String) -> [Int] {
            var n = 0
            for s in symbols where s.hasPrefix(prefix) && s.hasSuffix("_" + id) {
                if let k = Int(s.dropFirst(prefix.count).dropLast(id.count + 1)) { n = max(n, k) }
            }
            return (0..<n).map { k in
                let name = "\(prefix)\(k + 1)_\(id)"
                slotOf[name] = kinds.count
                kinds.append(prefix == "observableParameter" ? .observableParameter(k) : .noiseParameter(k))
                return kinds.count - 1
            }
        }
        let op = placeholders("observableParameter")
        let np = placeholders("noiseParameter")
        var petab: [(Int, String)] = []
        for s in symbols where slotOf[s] == nil {
            guard tableIDs.contains(s) else {
                throw CalibrationError(at: o.location, "observable table: '\(s)' in the formulas of '\(id)' is not in the model or the parameter table")
            }
            slotOf[s] = kinds.count
            petab.append((kinds.count, s))
            kinds.append(.petab(s))
        }
        var partials: [(Formula?, Formula?)] = []
        let names = Array(repeating: "", count: kinds.count).enumerated().map { k, _ in slotOf.first { $0.value == k }!.key }
        for name in names {
            let df = f.derivative(with: name), dg = g.derivative(with: name)
            func compiled(_ e: Expression) throws(CalibrationError) -> Formula? {
                if case .number(0) = e { return nil }
                return try Formula(e, slots: slotOf)
            }
            partials.append((try compiled(df), try compiled(dg)))
        }
        let formula: Formula, noise: Formula
        do {
            formula = try Formula(f, slots: slotOf)
            noise = try Formula(g, slots: slotOf)
        } catch { throw CalibrationError(at: o.location, "observable table: '\(id)': \(error.message)") }
        return CompiledObservable(definition: o, formula: formula, noise: noise, slotKinds: kinds,
                                 slotTemplate: [Double](repeating: 0, count: kinds.count), modelSlots: modelSlots,
                                 observableParameterSlots: op, noiseParameterSlots: np, petabSlots: petab,
                                 partials: partials)
    }

    // MARK: Runs

    /// One (preequilibration, simulation) pair per run, in order of first appearance, with its measurements.
    func conditionPairs() -> (pairs: [(String?, String)], members: [[Int]]) {
        var pairs: [(String?, String)] = []
        var members: [[Int]] = []
        for (i, m) in problem.measurements.enumerated() {
            if let k = pairs.firstIndex(where: { $0.0 == m.preequilibration && $0.1 == m.simulation }) { members[k].append(i) }
            else { pairs.append((m.preequilibration, m.simulation)); members.append([i]) }
        }
        return (pairs, members)
    }

    /// Conditions with the same overrides give the same simulation: the first run of each such group
    /// simulates at the union of the group's times and serves the others. Per pair: its leader; per
    /// leader: the group's times.
    func sharedSimulations(pairs: [(String?, String)], members: [[Int]]) -> (leaders: [Int], groupTimes: [Int: Set<Double>]) {
        func signature(_ condition: String?) -> String {
            guard let condition else { return "none" }
            return problem.conditions[condition]!.overrides.map { "\($0.target)=\($0.value.map { "\($0)" } ?? "keep")" }
                .sorted().joined(separator: ";")
        }
        var leaderOf: [String: Int] = [:]
        var groupTimes: [Int: Set<Double>] = [:]
        let leaders = pairs.enumerated().map { k, pair in
            let key = signature(pair.0) + "|" + signature(pair.1)
            let leader = leaderOf[key] ?? k
            leaderOf[key] = leader
            groupTimes[leader, default: []].formUnion(members[k].map { problem.measurements[$0].time })
            return leader
        }
        return (leaders, groupTimes)
    }

    /// The model parameters a condition sets: every table parameter of the model, then the condition's own.
    func mapping(_ condition: String) -> [(String, PEtabProblem.Value)] {
        var out: [(String, PEtabProblem.Value)] = []
        let c = problem.conditions[condition]!
        let overridden = Set(c.overrides.map(\.target))
        for p in problem.parameters where modelParameters.contains(p.id) && !overridden.contains(p.id) { out.append((p.id, .parameter(p.id))) }
        for o in c.overrides where modelParameters.contains(o.target) { out.append((o.target, o.value!)) }
        return out
    }

    func speciesOverrides(_ condition: String) -> [(String, PEtabProblem.Value?)] {
        problem.conditions[condition]!.overrides.filter { species.contains($0.target) }.map { ($0.target, $0.value) }
    }

    func theta(_ v: PEtabProblem.Value) -> Int? {
        if case .parameter(let id) = v { return estimatedIndex[id] }
        return nil
    }

    /// Compiled models by structure (the names the conditions set, the sensitivity parameters): runs whose
    /// models have the same structure share one, each run setting every value it depends on. Runs sharing
    /// a model and a preequilibration condition share a steady-state group.
    struct CompiledModels {
        var models: [String: (CompiledModel, ForwardSensitivityModel?)] = [:]
        var steadyStateGroups: [String: Int] = [:]
    }

    func makeRun(preequilibration pre: String?, simulation sim: String, measurements indices: [Int], observed: [String],
                 leader: Int, outputTimes: [Double], cache: inout CompiledModels) throws(CalibrationError) -> Run {
        let first = pre ?? sim
        var m = problem.model
        var firstPhase = mapping(first)
        // Species set at the start: a parameter of their own, assigned initially.
        for (x, v) in speciesOverrides(first) {
            guard let v else {
                throw CalibrationError(at: problem.conditions[first]!.location, "condition table: condition '\(first)' gives no initial value for species '\(x)'")
            }
            let name = "petab_init__\(x)"
            m.parameters.append(PathwayModel.Parameter(id: name, value: 0))
            m.initialAssignments.removeAll { $0.variable == x }
            m.initialAssignments.append(InitialAssignment(variable: x, expression: .symbol(name)))
            firstPhase.append((name, v))
        }
        let simulationPhase = pre == nil ? firstPhase : mapping(sim)
        let stateOverrides: [(String, PEtabProblem.Value)] = pre == nil ? [] : speciesOverrides(sim).compactMap { x, v in v.map { (x, $0) } }
        let overriddenNames = firstPhase.map(\.0).sorted().joined(separator: ",") + "|" + simulationPhase.map(\.0).sorted().joined(separator: ",")
        let baseKey = "base|" + overriddenNames
        let base: CompiledModel
        if let cached = cache.models[baseKey] { base = cached.0 } else {
            do { base = try CompiledModel(m) } catch {
                throw CalibrationError(at: .init(file: problem.modelFile, line: 0, column: 0), "the model does not compile: \(error.message)")
            }
            cache.models[baseKey] = (base, nil)
        }
        let states = base.stateNames
        // Which states the formulas read.
        let formulaStates = observed.filter { states.contains($0) }
        let stateIndex = Dictionary(uniqueKeysWithValues: formulaStates.enumerated().map { ($1, $0) })
        var sensitivityModel: ForwardSensitivityModel?
        var sensitivityTheta: [Int] = []
        var reset: [Int] = []
        var compiled = base
        if gradients, let parameters = sensitivityParameters(pre: pre, firstPhase: firstPhase, simulationPhase: simulationPhase,
                                                             stateOverrides: stateOverrides) {
            let names = parameters.names
            let key = "sensitivities|" + overriddenNames + "|" + names.joined(separator: ",")
            if let cached = cache.models[key], let s = cached.1 {
                compiled = cached.0
                sensitivityModel = s
            } else {
                let s = try ForwardSensitivityModel(m, states: states, parameters: names)
                do { compiled = try CompiledModel(s.model) } catch {
                    throw CalibrationError(at: .init(file: problem.modelFile, line: 0, column: 0), "the sensitivity equations do not compile: \(error.message)")
                }
                cache.models[key] = (compiled, s)
                sensitivityModel = s
            }
            sensitivityTheta = parameters.thetas
            reset = parameters.reset
        }
        var observedNames = observed
        if let s = sensitivityModel {
            for block in s.names { for x in formulaStates { observedNames.append(block[states.firstIndex(of: x)!]) } }
        }
        let times = Array(Set(indices.map { problem.measurements[$0].time })).sorted()
        let timeIndex = indices.map { outputTimes.firstIndex(of: problem.measurements[$0].time)! }
        var steadyStateGroup: Int?
        if let pre {
            let key = "\(ObjectIdentifier(compiled))|\(pre)"
            steadyStateGroup = cache.steadyStateGroups[key] ?? cache.steadyStateGroups.count
            cache.steadyStateGroups[key] = steadyStateGroup
        }
        let simMap = Dictionary(simulationPhase.map { ($0.0, $0.1) }, uniquingKeysWith: { a, _ in a })
        var direct: [String: Int] = [:]
        for (name, v) in simMap { if let k = theta(v) { direct[name] = k } }
        return Run(preequilibration: pre, simulation: sim, compiled: compiled, firstPhase: firstPhase,
                   simulationPhase: simulationPhase, stateOverrides: stateOverrides, measurements: indices,
                   times: times, leader: leader, outputTimes: outputTimes, timeIndex: timeIndex,
                   steadyStateGroup: steadyStateGroup, observed: observedNames, observedModelCount: observed.count,
                   stateIndex: stateIndex, sensitivities: sensitivityModel, sensitivityTheta: sensitivityTheta,
                   resetAfterPreequilibration: reset, directTheta: direct)
    }

    /// The sensitivity parameters of a run: model names that stand for an estimated parameter in either
    /// phase, the estimated parameter of each, and the blocks to zero after preequilibration (their
    /// parameter depends on θ only in the simulation). Nil when the run's gradient is not supported.
    func sensitivityParameters(pre: String?, firstPhase: [(String, PEtabProblem.Value)], simulationPhase: [(String, PEtabProblem.Value)],
                               stateOverrides: [(String, PEtabProblem.Value)]) -> (names: [String], thetas: [Int], reset: [Int])? {
        let firstMap = Dictionary(firstPhase.map { ($0.0, $0.1) }, uniquingKeysWith: { a, _ in a })
        let simMap = Dictionary(simulationPhase.map { ($0.0, $0.1) }, uniquingKeysWith: { a, _ in a })
        var names: [String] = [], thetas: [Int] = [], reset: [Int] = []
        var unsupported: String?
        for name in (firstPhase.map(\.0) + simulationPhase.map(\.0)) where !names.contains(name) {
            let a = firstMap[name].flatMap(theta), b = simMap[name].flatMap(theta)
            guard a != nil || b != nil else { continue }
            if pre != nil {
                if a != nil && b != nil && a != b { unsupported = "parameter '\(name)' stands for different estimated parameters before and after preequilibration" }
                if a != nil && b == nil && simMap[name] != nil { unsupported = "parameter '\(name)' is estimated in preequilibration only" }
                if a == nil && b != nil { reset.append(names.count) }
            }
            names.append(name)
            thetas.append(b ?? a!)
        }
        for (_, v) in stateOverrides where theta(v) != nil { unsupported = "a species set after preequilibration to an estimated parameter" }
        return unsupported == nil ? (names, thetas, reset) : nil
    }
}
