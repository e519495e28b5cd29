import PathwayModel

/// The name of the rate-of-change function (SBML's `rateOf` csymbol): `rateOf(x)` is dx/dt.
public let rateOfFunction = "rateOf"

extension Model {
    /// Whether any expression of the model calls ``rateOfFunction``.
    var usesRateOf: Bool {
        func uses(_ e: Expression) -> Bool { e.calledFunctions.contains(rateOfFunction) }
        return reactions.contains { uses($0.rateExpression) || $0.variableStoichiometries.contains(where: uses) }
            || observables.contains { uses($0.expression) } || rateRules.contains { uses($0.expression) }
            || initialAssignments.contains { uses($0.expression) } || functions.contains { uses($0.body) }
            || events.contains { e in
                if case .when(let c) = e.trigger, uses(c) { return true }
                return e.assignments.contains { uses($0.value) } || [e.delay, e.priority].contains { $0.map(uses) ?? false }
            }
    }

    /// The model with every `rateOf(x)` replaced by x's right-hand side: for a species the reactions
    /// change, Σ stoichiometry · (V_reaction / V_species) · rate; for a variable with a rate rule, the
    /// rule; for anything held fixed between events (constants, boundary species, compartments,
    /// parameters only events change), 0. Replacements are expanded in turn, so `rateOf` inside a
    /// rate law or rule is allowed as long as no rate depends on itself.
    ///
    /// Refused: `rateOf` of an observable (a value an assignment rule computes), of an unknown name or
    /// of anything but a name.
    func expandingRateOf() throws(CompileError) -> Model {
        guard usesRateOf else { return self }
        let functionTable = Dictionary(functions.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        let inline = functions.contains { $0.body.calledFunctions.contains(rateOfFunction) }
        let volume = Dictionary(compartments.map { ($0.id, $0.size) }, uniquingKeysWith: { a, _ in a })
        let ruled = Dictionary(rateRules.map { ($0.variable, $0.expression) }, uniquingKeysWith: { a, _ in a })
        let observableIDs = Set(observables.map(\.id))
        let speciesByID = Dictionary(species.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        let parameterIDs = Set(parameters.map(\.id)), compartmentIDs = Set(compartments.map(\.id))

        // Per species the reactions change: its terms Σ stoichiometry · volume factor · rate.
        var reactionTerms: [String: [Expression]] = [:]
        for r in reactions {
            let reactionVolume = r.compartment.flatMap { volume[$0] } ?? 1
            var terms: [(String, Expression)] = r.netStoichiometry.filter { $0.coefficient != 0 }.map { ($0.species, .number($0.coefficient)) }
            for t in r.reactants { if let e = t.expression { terms.append((t.species, .negate(e))) } }
            for t in r.products { if let e = t.expression { terms.append((t.species, e)) } }
            for (name, coefficient) in terms {
                guard let s = speciesByID[name], !s.boundary, !s.constant else { continue }
                let factor = reactionVolume / (s.amountValued ? 1 : (volume[s.compartment] ?? 1))
                var term = coefficient * r.rateExpression
                if factor != 1 { term = term * .number(factor) }
                reactionTerms[name, default: []].append(term)
            }
        }

        let algebraic = Dictionary(algebraicRules.map { ($0.variable, $0) }, uniquingKeysWith: { a, _ in a })
        func rightHandSide(of x: String) throws(CompileError) -> Expression {
            if let rule = algebraic[x] {
                // Its row holds the rule's residual, not a rate: reading it as one would be silently wrong.
                throw CompileError(message: "\(rule.location): error: rateOf(\(x)): '\(x)' is determined by the algebraic rule 0 = \(rule.expression), solved as a differential–algebraic system; its rate of change is not supported")
            }
            if let rule = ruled[x] { return rule }
            if let s = speciesByID[x] {
                if s.constant || s.boundary { return .number(0) }
                return reactionTerms[x].map { Expression.sum($0) } ?? .number(0)
            }
            if observableIDs.contains(x) {
                throw CompileError(message: "rateOf(\(x)): '\(x)' is computed by an assignment rule (an observable); its rate of change is not supported")
            }
            if parameterIDs.contains(x) || compartmentIDs.contains(x) { return .number(0) }
            throw CompileError(message: "rateOf(\(x)): unknown name '\(x)'")
        }

        var expanded: [String: Expression] = [:]
        func expand(_ e: Expression, _ stack: [String]) throws(CompileError) -> Expression {
            switch e {
            case .number, .symbol, .time: return e
            case .negate(let a): return .negate(try expand(a, stack))
            case .binary(let op, let a, let b): return .binary(op, try expand(a, stack), try expand(b, stack))
            case .call(let f, let args):
                if f == rateOfFunction {
                    guard args.count == 1, case .symbol(let x) = args[0] else {
                        throw CompileError(message: "rateOf takes one name, not \(args.map(\.description).joined(separator: ", "))")
                    }
                    if let done = expanded[x] { return done }
                    if stack.contains(x) {
                        throw CompileError(message: "rateOf(\(x)) depends on itself: \((stack + [x]).joined(separator: " -> "))")
                    }
                    var rhs = try rightHandSide(of: x)
                    if inline { rhs = rhs.inliningFunctions(functionTable) }
                    let result = try expand(rhs, stack + [x])
                    expanded[x] = result
                    return result
                }
                var out: [Expression] = []
                for a in args { out.append(try expand(a, stack)) }
                return .call(f, out)
            }
        }
        func fix(_ e: Expression) throws(CompileError) -> Expression {
            let source = inline ? e.inliningFunctions(functionTable) : e
            guard source.calledFunctions.contains(rateOfFunction) else { return e }
            return try expand(source, [])
        }

        var m = self
        for i in m.reactions.indices {
            let rate = m.reactions[i].rateExpression
            let fixed = try fix(rate)
            if fixed != rate { m.reactions[i].rateLaw = .expression(fixed) }
            for k in m.reactions[i].reactants.indices {
                if let e = m.reactions[i].reactants[k].expression { m.reactions[i].reactants[k].expression = try fix(e) }
            }
            for k in m.reactions[i].products.indices {
                if let e = m.reactions[i].products[k].expression { m.reactions[i].products[k].expression = try fix(e) }
            }
        }
        for i in m.observables.indices { m.observables[i].expression = try fix(m.observables[i].expression) }
        for i in m.rateRules.indices { m.rateRules[i].expression = try fix(m.rateRules[i].expression) }
        for i in m.initialAssignments.indices { m.initialAssignments[i].expression = try fix(m.initialAssignments[i].expression) }
        for i in m.events.indices {
            if case .when(let c) = m.events[i].trigger { m.events[i].trigger = .when(try fix(c)) }
            for k in m.events[i].assignments.indices { m.events[i].assignments[k].value = try fix(m.events[i].assignments[k].value) }
            if let d = m.events[i].delay { m.events[i].delay = try fix(d) }
            if let p = m.events[i].priority { m.events[i].priority = try fix(p) }
        }
        return m
    }
}

extension Reaction {
    /// The stoichiometries given by expressions (variable stoichiometry), reactants first.
    var variableStoichiometries: [Expression] {
        (reactants + products).compactMap(\.expression)
    }
}
