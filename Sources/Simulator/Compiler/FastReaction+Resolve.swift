import PathwayModel

extension Model {
    /// The model with its fast reactions (`fast: true`, SBML Level 2's `fast="true"`) replaced by the
    /// quasi-steady-state constraints SBML Level 2 defines for them (Level 2 Version 4, section 4.13.6):
    /// the fast reactions are at equilibrium at all times, the other reactions moving only what they
    /// conserve. Both YAML models and imported SBML come through here.
    ///
    /// Fast reactions that share species form a fast subsystem, with net stoichiometry matrix N (its
    /// species × its reactions, stoichiometries times conversion factors, in amounts). Reference species
    /// r₁…r_k are chosen whose rows of N are independent (k = rank N; each species in turn, kept when its
    /// row is not a combination of those kept), and every other species i of the subsystem has
    /// Nᵢ = Σₗ cᵢₗ·N_rₗ. Then
    ///
    /// * the conserved total Qᵢ = aᵢ − Σₗ cᵢₗ·a_rₗ (amounts) is a parameter with rate rule
    ///   dQᵢ/dt = Σⱼ (Nᵢⱼ − Σₗ cᵢₗ·N_rₗⱼ)·vⱼ over the other reactions j (rates in amounts per time), and
    ///   species i an observable aᵢ = Qᵢ + Σₗ cᵢₗ·a_rₗ (over its compartment's size when it is a
    ///   concentration);
    /// * each reference species rₗ becomes a parameter `rₗ_fast` (and an observable rₗ = rₗ_fast, so that
    ///   it is read as before), determined with the others by the algebraic rules 0 = v_f, one for each
    ///   fast reaction f with the other species replaced as above. ``solvingAlgebraicRules()`` then solves
    ///   them in closed form when it can, else BDF solves the differential–algebraic system.
    ///
    /// A single fast reaction may have stoichiometries that are expressions constant in time (a
    /// stoichiometry set by an initial assignment or a constant rule, a conversion factor): cᵢ = Nᵢ/N_r
    /// is then an expression. A rate with a factor that reads no species (a parameter, a constant
    /// expression) vanishes for every state where that factor is 0: a factor that is 0 makes the
    /// reaction an ordinary one (it carries no flux), and one that events change makes the rule a
    /// switched one (``AlgebraicRule/Switch``): while the factor is 0, r changes by the other reactions
    /// alone, dr/dt = Σⱼ N_rⱼ·vⱼ.
    ///
    /// Events that set fast species set the totals and references instead (``redirectEvents``).
    ///
    /// Refused with the reaction's location: fast species that are constant or boundary species, set by
    /// rate rules, concentrations in compartments whose size changes; stoichiometries of fast reactions that
    /// change in time; fast reactions whose stoichiometries are linearly dependent (their equilibria
    /// over-determine the species); a switched fast reaction coupled to others.
    func resolvingFastReactions() throws(CompileError) -> Model {
        guard reactions.contains(where: \.fast) else { return self }
        var rewrite = FastReactionRewrite(self)
        return try rewrite.run()
    }
}

/// The rewrite of ``Model/resolvingFastReactions()``, one fast subsystem at a time.
struct FastReactionRewrite {
    let original: Model
    var m: Model
    let ruled, eventTargets: Set<String>
    let initialAssignments: [String: Expression]
    let parameters: [String: Parameter]
    let observables: [String: Observable]
    let speciesByID: [String: Species]
    let size: [String: Double]
    var taken: Set<String>
    /// Species the rewrite has taken out of the reactions' equations, and their new observables.
    var claimed = Set<String>()
    var speciesObservables: [String: Observable] = [:]
    var newParameters: [Parameter] = []
    /// What the rewrite made of each fast subsystem, for reports in the model's own terms.
    var equilibria: [FastEquilibrium] = []

    init(_ model: Model) {
        original = model
        m = model
        ruled = Set(model.rateRules.map(\.variable))
        eventTargets = Set(model.events.flatMap { $0.assignments.map(\.target) })
        initialAssignments = Dictionary(model.initialAssignments.map { ($0.variable, $0.expression) }, uniquingKeysWith: { a, _ in a })
        parameters = Dictionary(model.parameters.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        observables = Dictionary(model.observables.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        speciesByID = Dictionary(model.species.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        size = Dictionary(model.compartments.map { ($0.id, $0.size) }, uniquingKeysWith: { a, _ in a })
        taken = Set(model.symbolNames + model.reactions.map(\.id) + model.functions.map(\.id))
    }

    func refuse(_ r: Reaction, _ why: String) -> CompileError {
        CompileError(message: "\(r.location): error: reaction '\(r.id)' is fast, and \(why)")
    }

    mutating func fresh(_ base: String) -> String {
        var name = base
        while taken.contains(name) { name += "_" }
        taken.insert(name)
        return name
    }

    // MARK: What is constant

    /// `e` is the same at every instant between events: it reads no species and not time, and every
    /// parameter it reads has no rate rule (`events` false: no event changes it either); observables
    /// it reads are the same by the same rule.
    func isConstant(_ e: Expression, betweenEvents events: Bool = false, seen: Set<String> = []) -> Bool {
        if e.referencesTime { return false }
        for s in e.symbols {
            if seen.contains(s) || speciesByID[s] != nil || ruled.contains(s) { return false }
            if !events && eventTargets.contains(s) { return false }
            if let o = observables[s], !isConstant(o.expression, betweenEvents: events, seen: seen.union([s])) { return false }
        }
        return true
    }

    /// The value of `e` when it is a number once parameters (without initial assignments) and constant
    /// observables are replaced by their values; nil otherwise.
    func number(_ e: Expression) -> Double? {
        guard isConstant(e) else { return nil }
        var current = e
        for _ in 0..<32 {
            let folded = Self.foldingCalls(current.simplified())
            if case .number(let v) = folded { return v }
            var map: [String: Expression] = [:]
            for s in folded.symbols {
                if let p = parameters[s], initialAssignments[s] == nil { map[s] = .number(p.value) }
                else if let v = size[s], initialAssignments[s] == nil { map[s] = .number(v) }
                else if let o = observables[s] { map[s] = o.expression }
                else { return nil }
            }
            guard !map.isEmpty else { return nil }
            current = folded.substituting(map)
        }
        return nil
    }

    /// `e` with calls of the one-instruction functions on numbers replaced by their values (as the
    /// compiled program would compute them).
    static func foldingCalls(_ e: Expression) -> Expression {
        e.rewritten { e in
            guard case .call(let f, let args) = e, args.count == 1, case .number(let x) = args[0],
                  let op = ProgramBuilder.unaryFunctions[f] else { return e }
            let v = Program.scalar(op, x, 0, 0)
            return v.isFinite ? .number(v) : e
        }.simplified()
    }

    /// The factors of a product (through `*`, `/`'s numerator and negation).
    static func factors(_ e: Expression) -> [Expression] {
        switch e {
        case .binary(.multiply, let a, let b): return factors(a) + factors(b)
        case .binary(.divide, let a, _), .negate(let a): return factors(a)
        default: return [e]
        }
    }

    /// Net stoichiometries of a reaction by species (amounts per unit extent), in the order the species
    /// first appear; expressions where a stoichiometry is one.
    static func net(_ r: Reaction) -> [(species: String, coefficient: Expression)] {
        var order: [String] = [], n: [String: Expression] = [:]
        for (t, sign) in r.reactants.map({ ($0, -1.0) }) + r.products.map({ ($0, 1.0) }) {
            let c = t.expression.map { sign == 1 ? $0 : .negate($0) } ?? .number(sign * t.coefficient)
            if let previous = n[t.species] { n[t.species] = previous + c } else { order.append(t.species); n[t.species] = c }
        }
        return order.compactMap { id in
            let c = n[id]!.simplified()
            return c == .number(0) ? nil : (id, c)
        }
    }

    /// A reaction's rate in amount per time (its rate law times its compartment's size).
    static func amountRate(_ r: Reaction) -> Expression {
        let v = r.rateExpression
        guard let c = r.compartment, !c.isEmpty else { return v }
        return .symbol(c) * v
    }

    func amount(_ s: Species, _ value: Expression) -> Expression { s.amountValued ? value : value * .symbol(s.compartment) }
    func value(_ s: Species, fromAmount a: Expression) -> Expression { s.amountValued ? a : a / .symbol(s.compartment) }

    /// A species' initial amount: a number, or an expression evaluated with the initial assignments.
    func initialAmount(_ s: Species) -> Expression {
        let v = initialAssignments[s.id] ?? .number(s.initialValue)
        if s.amountValued { return v }
        if case .number(let x) = v, initialAssignments[s.compartment] == nil, let volume = size[s.compartment] { return .number(x * volume) }
        return v * .symbol(s.compartment)
    }

    // MARK: The rewrite

    mutating func run() throws(CompileError) -> Model {
        // Fast reactions whose rate has a factor that is 0 carry no flux: ordinary reactions.
        var fast: [(index: Int, net: [(species: String, coefficient: Expression)], switchFactor: Expression?)] = []
        for (j, r) in original.reactions.enumerated() where r.fast {
            let n = Self.net(r)
            let rate = r.rateExpression
            let constantFactors = Self.factors(rate).filter { isConstant($0, betweenEvents: true) }
            if n.isEmpty || constantFactors.contains(where: { number($0) == 0 }) {
                m.reactions[j].fast = false
                continue
            }
            for (species, c) in n where !isConstant(c) {
                throw refuse(r, "its stoichiometry of '\(species)' (\(c)) changes in time, so what it conserves changes too")
            }
            let switching = constantFactors.filter { number($0) == nil }
            fast.append((j, n, switching.isEmpty ? nil : .product(switching)))
        }
        // Fast subsystems: fast reactions connected by shared species (union–find), in the order of their
        // first reaction.
        var parent = Array(fast.indices)
        func root(_ k: Int) -> Int {
            var k = k
            while parent[k] != k { k = parent[k] }
            return k
        }
        var owner: [String: Int] = [:]
        for (k, f) in fast.enumerated() {
            for (s, _) in f.net {
                guard let o = owner[s] else { owner[s] = k; continue }
                let a = root(o), b = root(k)
                if a != b { parent[max(a, b)] = min(a, b) }
            }
        }
        for k in fast.indices where root(k) == k {
            try resolve(fast.indices.filter { root($0) == k }.map { fast[$0] })
        }
        return finish()
    }

    /// Rewrites one fast subsystem (see ``Model/resolvingFastReactions()``).
    mutating func resolve(_ members: [(index: Int, net: [(species: String, coefficient: Expression)], switchFactor: Expression?)]) throws(CompileError) {
        let reactions = members.map { original.reactions[$0.index] }
        var speciesOrder: [String] = []
        for f in members { for (s, _) in f.net where !speciesOrder.contains(s) { speciesOrder.append(s) } }
        for (r, f) in zip(reactions, members) {
            for (id, _) in f.net { try check(id, in: r) }
        }
        if members.count > 1, let switched = zip(reactions, members).first(where: { $0.1.switchFactor != nil }) {
            throw refuse(switched.0, "its rate has a factor that events change (\(switched.1.switchFactor!)), while it shares species with other fast reactions: switching one reaction of a coupled fast subsystem off is not supported")
        }
        let (references, combination) = try referencesAndCombinations(members, species: speciesOrder, reactions: reactions)

        // The references become parameters determined by the equilibria; the others observables of totals.
        var substitutions: [String: Expression] = [:]
        var referenceAmount: [String: Expression] = [:]
        var parameterOf: [String: String] = [:]
        for r in references {
            let s = speciesByID[r]!
            let z = fresh("\(r)_fast")
            parameterOf[r] = z
            substitutions[r] = .symbol(z)
            referenceAmount[r] = amount(s, .symbol(z))
            newParameters.append(Parameter(id: z, value: s.initialValue, note: "species '\(r)', determined by fast reaction\(reactions.count > 1 ? "s" : "") \(reactions.map { "'\($0.id)'" }.joined(separator: ", "))",
                                           module: s.module, location: s.location))
            if let ia = initialAssignments[r] { m.initialAssignments.append(InitialAssignment(variable: z, expression: ia, location: s.location)) }
            speciesObservables[r] = Observable(id: r, expression: .symbol(z), note: "species determined by fast reaction '\(reactions[0].id)'",
                                               module: s.module, location: s.location)
        }
        let slow = original.reactions.indices.filter { j in !members.contains { $0.index == j } && !original.reactions[j].fast }
        let slowNet = Dictionary(slow.map { j in (j, Dictionary(Self.net(original.reactions[j]), uniquingKeysWith: +)) }, uniquingKeysWith: { a, _ in a })
        var totalParameters: [(String, String)] = []
        for i in speciesOrder where !references.contains(i) {
            let s = speciesByID[i]!, c = combination[i]!
            let q = fresh("\(references[0])_\(i)_fast_total")
            totalParameters.append((i, q))
            // Q = aᵢ − Σ cₗ·a_rₗ at t₀, and dQ/dt over the other reactions.
            let q0 = (initialAmount(s) - .sum(zip(references, c).map { .product([$0.1, initialAmount(speciesByID[$0.0]!)]) })).simplified()
            if case .number(let v) = q0 {
                newParameters.append(Parameter(id: q, value: v, note: "the total of '\(i)' conserved by fast reaction '\(reactions[0].id)' (amount)",
                                               module: reactions[0].module, location: reactions[0].location))
            } else {
                newParameters.append(Parameter(id: q, value: 0, note: "the total of '\(i)' conserved by fast reaction '\(reactions[0].id)' (amount)",
                                               module: reactions[0].module, location: reactions[0].location))
                m.initialAssignments.append(InitialAssignment(variable: q, expression: q0, location: reactions[0].location))
            }
            var terms: [Expression] = []
            for j in slow {
                let n = slowNet[j]!
                let coefficient = ((n[i] ?? .number(0)) - .sum(zip(references, c).map { .product([$0.1, n[$0.0] ?? .number(0)]) })).simplified()
                if coefficient != .number(0) { terms.append(.product([coefficient, Self.amountRate(original.reactions[j])])) }
            }
            m.rateRules.append(RateRule(variable: q, expression: .sum(terms), location: reactions[0].location))
            let e = value(s, fromAmount: .symbol(q) + .sum(zip(references, c).map { .product([$0.1, referenceAmount[$0.0]!]) }))
            substitutions[i] = e
            speciesObservables[i] = Observable(id: i, expression: e, note: "species set by fast reaction '\(reactions[0].id)'",
                                               module: s.module, location: s.location)
        }
        m.initialAssignments.removeAll { speciesOrder.contains($0.variable) }
        redirectEvents(species: speciesOrder, references: references, parameterOf: parameterOf, totals: totalParameters,
                       combination: combination)
        equilibria.append(FastEquilibrium(
            reactions: reactions.map(\.id), references: references.map { .init(species: $0, variable: parameterOf[$0]!) },
            totals: totalParameters.map { i, q in
                let weights = combination[i]!.map { number($0) }
                return .init(variable: q, species: i, weights: weights.contains(nil) ? nil : weights.map { $0! })
            }))

        // One equilibrium per reference: the rate at which the fast reactions move it,
        // dr/dt = Σ_f N_rf·v_f (N_R is invertible, so these vanish exactly where every v_f does).
        let fastRates = reactions.map { Self.amountRate($0).substituting(substitutions) }
        for r in references {
            let s = speciesByID[r]!
            let flow = Expression.sum(zip(members, fastRates).compactMap { f, v in
                f.net.first { $0.species == r }.map { Expression.product([$0.coefficient, v]) }
            })
            var rule = AlgebraicRule(variable: parameterOf[r]!, expression: value(s, fromAmount: flow), isFastFlow: true,
                                     location: reactions[0].location)
            if let factor = members[0].switchFactor {
                // While the factor is 0 the fast reaction carries no flux: r moves by the others alone.
                let n = slow.compactMap { j -> Expression? in
                    guard let c = slowNet[j]![r], c != .number(0) else { return nil }
                    return .product([c, Self.amountRate(original.reactions[j])])
                }
                rule.switch = AlgebraicRule.Switch(condition: factor, rateWhileOff: value(s, fromAmount: .sum(n)).simplified())
            }
            m.algebraicRules.append(rule)
        }
        claimed.formUnion(speciesOrder)
    }

    /// Events that set species of the subsystem set what stands for them instead. The amounts after the
    /// event (assigned, or as they were) give the new totals Qᵢ = aᵢ′ − Σₗ cᵢₗ·a_rₗ′ and an assigned reference
    /// its value; from there the fast reactions re-establish their equilibrium (the consistent values of
    /// BDF's restart, or the closed form). Every value is computed before any is assigned, as in SBML.
    mutating func redirectEvents(species: [String], references: [String], parameterOf: [String: String],
                                 totals: [(String, String)], combination: [String: [Expression]]) {
        let members = Set(species)
        for k in m.events.indices where m.events[k].assignments.contains(where: { members.contains($0.target) }) {
            func before(_ id: String) -> Expression { amount(speciesByID[id]!, .symbol(parameterOf[id] ?? id)) }
            var after: [String: Expression] = [:]
            for a in m.events[k].assignments where members.contains(a.target) {
                let v = a.mode == .add ? .symbol(parameterOf[a.target] ?? a.target) + a.value : a.value
                after[a.target] = amount(speciesByID[a.target]!, v)
            }
            func new(_ id: String) -> Expression { after[id] ?? before(id) }
            var assignments = m.events[k].assignments.filter { !members.contains($0.target) }
            for r in references {
                guard let a = after[r] else { continue }
                assignments.append(EventAssignment(target: parameterOf[r]!, mode: .set, value: value(speciesByID[r]!, fromAmount: a)))
            }
            for (i, q) in totals {
                let weighted = zip(references, combination[i]!).map { Expression.product([$0.1, new($0.0)]) }
                assignments.append(EventAssignment(target: q, mode: .set, value: new(i) - .sum(weighted)))
            }
            m.events[k].assignments = assignments
        }
    }

    /// A fast species must be one the reactions change and nothing else does.
    func check(_ id: String, in reaction: Reaction) throws(CompileError) {
        guard let s = speciesByID[id] else { throw refuse(reaction, "it refers to an unknown species '\(id)'") }
        if s.constant || s.boundary { throw refuse(reaction, "species '\(id)' is a boundary or constant species") }
        if ruled.contains(id) { throw refuse(reaction, "species '\(id)' is also set by a rate rule") }
        // An amount is conserved whatever the size does; a concentration is not.
        let c = s.compartment
        if !s.amountValued, ruled.contains(c) || eventTargets.contains(c) || observables[c].map({ !isConstant($0.expression) }) ?? false {
            throw refuse(reaction, "species '\(id)' is in compartment '\(c)', whose size changes")
        }
    }

    /// Reference species (rows of N independent, in the species' order) and, for every other species i,
    /// its coefficients cᵢₗ with Nᵢ = Σₗ cᵢₗ·N_rₗ. A single reaction: r is its first species and cᵢ = Nᵢ/N_r
    /// (expressions allowed); several: Gaussian elimination on numeric stoichiometries.
    func referencesAndCombinations(
        _ members: [(index: Int, net: [(species: String, coefficient: Expression)], switchFactor: Expression?)],
        species: [String], reactions: [Reaction]
    ) throws(CompileError) -> ([String], [String: [Expression]]) {
        if members.count == 1 {
            let n = members[0].net
            // Prefer a reference whose stoichiometry is a non-zero number (no division by an expression).
            let k = n.firstIndex { if case .number(let v) = $0.coefficient { v != 0 } else { false } } ?? 0
            let (r, nr) = n[k]
            var combination: [String: [Expression]] = [:]
            for (i, ni) in n where i != r { combination[i] = [(ni / nr).simplified()] }
            return ([r], combination)
        }
        let columns = members.count
        var matrix: [[Double]] = []
        for s in species {
            var row = [Double](repeating: 0, count: columns)
            for (j, f) in members.enumerated() {
                guard let c = f.net.first(where: { $0.species == s })?.coefficient else { continue }
                guard let v = number(c) else {
                    throw refuse(reactions[j], "its stoichiometry of '\(s)' (\(c)) is not a number, while it shares species with other fast reactions (a coupled fast subsystem needs numeric stoichiometries)")
                }
                row[j] = v
            }
            matrix.append(row)
        }
        // Rows kept so far, reduced (b), with b = Σₗ w[l]·N_rₗ, and each row's pivot column.
        var basis: [(b: [Double], w: [Double], pivot: Int)] = []
        var references: [String] = []
        var combination: [String: [Expression]] = [:]
        let scale = max(1, matrix.flatMap { $0 }.map(abs).max() ?? 1)
        for (i, s) in species.enumerated() {
            var v = matrix[i]
            var w = [Double](repeating: 0, count: references.count)
            for k in basis.indices {
                let factor = v[basis[k].pivot] / basis[k].b[basis[k].pivot]
                guard factor != 0 else { continue }
                for c in 0..<columns { v[c] -= factor * basis[k].b[c] }
                for l in basis[k].w.indices { w[l] -= factor * basis[k].w[l] }
            }
            let largest = v.indices.max { abs(v[$0]) < abs(v[$1]) }!
            if abs(v[largest]) > 1e-12 * scale {
                for k in basis.indices { basis[k].w.append(0) }
                basis.append((v, w + [1], largest))
                references.append(s)
            } else {
                // v = Nᵢ + Σ wₗ·N_rₗ = 0.
                combination[s] = w.map { .number(-$0 == 0 ? 0 : -$0) }
            }
        }
        for (s, c) in combination where c.count < references.count {
            combination[s] = c + Array(repeating: .number(0), count: references.count - c.count)
        }
        if references.count < columns {
            throw refuse(reactions[0], "the stoichiometries of fast reactions \(reactions.map { "'\($0.id)'" }.joined(separator: ", ")) are linearly dependent (rank \(references.count) of \(columns)), so their equilibria over-determine their species")
        }
        return (references, combination)
    }

    /// The other reactions with their rates written out and the fast species out of their equations;
    /// the fast species read through their observables.
    func finish() -> Model {
        guard !claimed.isEmpty else { return m }
        var out = m
        out.reactions = m.reactions.filter { !$0.fast }.map { r in
            var r = r
            guard (r.reactants + r.products + r.modifiers.map { StoichiometricTerm($0.species) }).contains(where: { claimed.contains($0.species) })
            else { return r }
            r.rateLaw = .expression(r.rateExpression)
            r.reactants.removeAll { claimed.contains($0.species) }
            r.products.removeAll { claimed.contains($0.species) }
            r.modifiers.removeAll { claimed.contains($0.species) }
            return r
        }
        out.species.removeAll { claimed.contains($0.id) }
        out.parameters += newParameters
        // The fast species, in their order, are read as before (columns, rate laws, observables).
        out.observables = original.species.compactMap { speciesObservables[$0.id] } + m.observables
        return out
    }
}
