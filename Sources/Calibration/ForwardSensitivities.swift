import PathwayModel
import Simulator

/// The forward sensitivity system of a model, built as a model of its own so that the compiler, the
/// symbolic Jacobian and the stiff integrators serve it unchanged.
///
/// For states x with dx/dt = f(x, p) and parameters p₁…p_m, the sensitivities s_k = ∂x/∂p_k obey
///
///     ds_k/dt = (∂f/∂x)·s_k + ∂f/∂p_k,    s_k(0) = ∂x(0)/∂p_k
///
/// (Hairer, Nørsett & Wanner, *Solving ODEs I*, §I.14). Each component of s_k becomes a parameter with a
/// rate rule (so it is a state variable that may be negative) and an initial assignment, the derivative
/// of the state's initial assignment (0 for a number). ∂f/∂x and ∂f/∂p are symbolic derivatives of the
/// rate laws with functions and assignment rules inlined, exact to rounding.
struct ForwardSensitivityModel {
    /// The augmented model: the original plus n·m sensitivity variables.
    var model: Model
    /// The original state variables, in the compiled model's order.
    var states: [String]
    /// The parameters, in the order of the sensitivity blocks.
    var parameters: [String]
    /// `names[k][i]`: the variable holding ∂states[i]/∂parameters[k].
    var names: [[String]]

    /// Refused (as an error naming the construct): events, delays, variable stoichiometries, algebraic
    /// rules without a closed form (a differential–algebraic system).
    init(_ source: Model, states: [String], parameters: [String]) throws(CalibrationError) {
        let here = SourceLocation.synthetic(source.id)
        if !source.events.isEmpty { throw CalibrationError(at: here, "gradients of models with events are not supported") }
        if let rule = source.differentialAlgebraicRules.first {
            throw CalibrationError(at: rule.location, "gradients of models whose algebraic rules have no closed form (a differential–algebraic system) are not supported: the algebraic rule for '\(rule.variable)'")
        }
        if source.reactions.contains(where: { r in (r.reactants + r.products).contains { $0.expression != nil } }) {
            throw CalibrationError(at: here, "gradients of models with variable stoichiometries are not supported")
        }
        let functions = Dictionary(source.functions.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        // Assignment rules (observables), inlined in dependency order.
        var inlined: [String: Expression] = [:]
        var pending = source.observables
        while !pending.isEmpty {
            let before = pending.count
            pending.removeAll { o in
                let deps = o.expression.symbols.filter { s in source.observables.contains { $0.id == s } }
                guard deps.allSatisfy({ inlined[$0] != nil }) else { return false }
                inlined[o.id] = o.expression.inliningFunctions(functions).substituting(inlined).simplified()
                return true
            }
            if pending.count == before { throw CalibrationError(at: here, "assignment rules depend on each other in a cycle") }
        }
        func full(_ e: Expression) -> Expression { e.inliningFunctions(functions).substituting(inlined).simplified() }
        if source.usesDelayCall { throw CalibrationError(at: here, "gradients of models with delays are not supported") }

        // Right-hand sides of the states, as the compiler forms them.
        let volume = Dictionary(source.compartments.map { ($0.id, $0.size) }, uniquingKeysWith: { a, _ in a })
        let speciesByID = Dictionary(source.species.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        var terms: [String: [Expression]] = [:]
        for r in source.reactions {
            let reactionVolume = r.compartment.flatMap { volume[$0] } ?? 1
            let rate = full(r.rateExpression)
            for (name, c) in r.netStoichiometry where c != 0 {
                guard let s = speciesByID[name], !s.boundary, !s.constant else { continue }
                let factor = c * reactionVolume / (s.amountValued ? 1 : (volume[s.compartment] ?? 1))
                terms[name, default: []].append((Expression.number(factor) * rate).simplified())
            }
        }
        let rules = Dictionary(source.rateRules.map { ($0.variable, full($0.expression)) }, uniquingKeysWith: { a, _ in a })
        let rhs: [Expression] = states.map { x in rules[x] ?? Expression.sum(terms[x] ?? []).simplified() }

        // Initial values as expressions of parameters (initial assignments inlined into each other).
        var initial: [String: Expression] = [:]
        for ia in source.initialAssignments { initial[ia.variable] = full(ia.expression) }
        for _ in 0..<4 { for (k, v) in initial { initial[k] = v.substituting(initial.filter { $0.key != k }).simplified() } }

        var model = source
        var names: [[String]] = []
        let stateIndex = Dictionary(uniqueKeysWithValues: states.enumerated().map { ($1, $0) })
        // ∂f_i/∂x_j, nonzero entries only.
        let partials: [[(Int, Expression)]] = rhs.map { f in
            f.symbols.compactMap { s in stateIndex[s].map { ($0, f.derivative(with: s)) } }.filter {
                if case .number(0) = $0.1 { return false }
                return true
            }
        }
        for (k, p) in parameters.enumerated() {
            let block = states.indices.map { "sens__\(k)__\($0)" }
            names.append(block)
            for (i, x) in states.enumerated() {
                var e = rhs[i].derivative(with: p)
                for (j, d) in partials[i] { e = e + d * .symbol(block[j]) }
                model.parameters.append(PathwayModel.Parameter(id: block[i], value: 0))
                model.rateRules.append(RateRule(variable: block[i], expression: e.simplified()))
                if let x0 = initial[x] {
                    let d = x0.derivative(with: p)
                    if case .number(let v) = d { model.parameters[model.parameters.count - 1].value = v }
                    else { model.initialAssignments.append(InitialAssignment(variable: block[i], expression: d)) }
                }
            }
        }
        self.model = model
        self.states = states
        self.parameters = parameters
        self.names = names
    }
}

extension Model {
    /// Whether any rate, rule or assignment reads `delay(x, τ)`.
    var usesDelayCall: Bool {
        func uses(_ e: Expression) -> Bool { e.calledFunctions.contains("delay") }
        return reactions.contains { uses($0.rateExpression) } || observables.contains { uses($0.expression) }
            || rateRules.contains { uses($0.expression) } || functions.contains { uses($0.body) }
    }
}
