import PathwayModel

extension Model {
    /// The model with each fast reaction (`fast: true`) replaced by the quasi-steady-state constraint
    /// SBML Level 2 defines for it (Level 2 Version 4, section 4.13.6): the fast reaction is at
    /// equilibrium at all times, the other reactions moving only what it conserves. The same rewrite as
    /// the SBML importer's (`FastReactions` in the SBML target), in the model's terms.
    ///
    /// For a fast reaction with net stoichiometries Nᵢ over its species (amounts aᵢ), the reference
    /// species r (the first with Nᵣ ≠ 0) becomes a parameter `r_fast` determined by the algebraic rule
    /// 0 = v_fast (and an observable r = r_fast, so that r is read as before), and every other species i an observable aᵢ = Qᵢ + (Nᵢ/Nᵣ)·aᵣ (over its compartment's
    /// size when it is a concentration), where the conserved total Qᵢ = aᵢ − (Nᵢ/Nᵣ)·aᵣ is a parameter
    /// with rate rule dQᵢ/dt = Σⱼ (Nᵢⱼ − (Nᵢ/Nᵣ)·Nᵣⱼ)·vⱼ over the other reactions j (rates in amounts
    /// per time). The other reactions keep their rates, written out as expressions, and drop the fast
    /// species from their equations (their effect on them goes through the Qᵢ). The algebraic rule is then
    /// solved as any other (``solvingAlgebraicRules()``): in closed form when linear in aᵣ, else by BDF.
    ///
    /// Refused with the reaction's location: fast reactions sharing a species (a coupled fast subsystem),
    /// fast species that are constant or boundary species, set by rate rules, events or initial
    /// assignments, in compartments whose size changes, or with stoichiometries that are expressions.
    func resolvingFastReactions() throws(CompileError) -> Model {
        let fast = reactions.indices.filter { reactions[$0].fast }
        guard !fast.isEmpty else { return self }
        func refuse(_ r: Reaction, _ why: String) -> CompileError {
            CompileError(message: "\(r.location): error: reaction '\(r.id)' is fast, and \(why)")
        }
        let ruled = Set(rateRules.map(\.variable))
        let eventTargets = Set(events.flatMap { $0.assignments.map(\.target) })
        let assigned = Set(initialAssignments.map(\.variable))
        var taken = Set(symbolNames + reactions.map(\.id) + functions.map(\.id))
        let speciesByID = Dictionary(species.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        let size = Dictionary(compartments.map { ($0.id, $0.size) }, uniquingKeysWith: { a, _ in a })

        /// A reaction's rate in amount per time (its rate law times its compartment's size).
        func amountRate(_ r: Reaction) -> Expression {
            let v = r.rateLaw.expression(reactants: r.reactants, products: r.products)
            guard let c = r.compartment, !c.isEmpty else { return v }
            return .symbol(c) * v
        }
        func net(_ r: Reaction) -> [String: Double] {
            Dictionary(r.netStoichiometry.map { ($0.species, $0.coefficient) }, uniquingKeysWith: +)
        }
        /// A species' amount from its value, and its value from an amount.
        func amount(_ s: Species, _ value: Expression) -> Expression { s.amountValued ? value : value * .symbol(s.compartment) }
        func value(_ s: Species, fromAmount a: Expression) -> Expression { s.amountValued ? a : a / .symbol(s.compartment) }

        var m = self
        var claimed = Set<String>()
        var observables: [String: Observable] = [:]
        var parameters: [Parameter] = []
        for f in fast {
            let reaction = reactions[f]
            if (reaction.reactants + reaction.products).contains(where: { $0.expression != nil }) {
                throw refuse(reaction, "a stoichiometry of it is an expression, not a constant number")
            }
            let n = reaction.netStoichiometry.filter { $0.coefficient != 0 }
            guard !n.isEmpty else { continue } // changes nothing: an ordinary reaction
            for (id, _) in n {
                guard let s = speciesByID[id] else { throw refuse(reaction, "it refers to an unknown species '\(id)'") }
                if claimed.contains(id) {
                    throw refuse(reaction, "species '\(id)' takes part in another fast reaction (a coupled fast subsystem needs Newton iterations on the whole subsystem, which the rewrite does not do)")
                }
                if s.constant || s.boundary { throw refuse(reaction, "species '\(id)' is a boundary or constant species") }
                if ruled.contains(id) || eventTargets.contains(id) || assigned.contains(id) {
                    throw refuse(reaction, "species '\(id)' is also set by a rate rule, an event or an initial assignment")
                }
                if ruled.contains(s.compartment) || eventTargets.contains(s.compartment) || assigned.contains(s.compartment) {
                    throw refuse(reaction, "species '\(id)' is in compartment '\(s.compartment)', whose size changes")
                }
                for other in reactions where (other.reactants + other.products).contains(where: { $0.species == id && $0.expression != nil }) {
                    throw refuse(reaction, "reaction '\(other.id)' changes species '\(id)' by a stoichiometry that is an expression")
                }
            }
            claimed.formUnion(n.map(\.species))

            let (r, nr) = n[0]
            let reference = speciesByID[r]!
            var z = "\(r)_fast"
            while taken.contains(z) { z += "_" }
            taken.insert(z)
            let ar = amount(reference, .symbol(z))
            func initialAmount(_ s: Species) -> Double { s.amountValued ? s.initialValue : s.initialValue * (size[s.compartment] ?? 1) }
            var substitutions: [String: Expression] = [r: .symbol(z)]
            for (i, ni) in n.dropFirst() {
                let s = speciesByID[i]!
                var q = "\(r)_\(i)_fast_total"
                while taken.contains(q) { q += "_" }
                taken.insert(q)
                let ratio = ni / nr
                parameters.append(Parameter(id: q, value: initialAmount(s) - ratio * initialAmount(reference),
                                            note: "the total of '\(i)' conserved by fast reaction '\(reaction.id)' (amount)",
                                            module: reaction.module, location: reaction.location))
                var terms: [Expression] = []
                for (j, other) in reactions.enumerated() where j != f && !other.fast {
                    let nj = net(other)
                    let c = (nj[i] ?? 0) - ratio * (nj[r] ?? 0)
                    if c != 0 { terms.append(.number(c) * amountRate(other)) }
                }
                m.rateRules.append(RateRule(variable: q, expression: terms.isEmpty ? .number(0) : terms.dropFirst().reduce(terms[0], +),
                                            location: reaction.location))
                let e = value(s, fromAmount: .symbol(q) + .number(ratio) * ar)
                substitutions[i] = e
                observables[i] = Observable(id: i, expression: e, note: "species set by fast reaction '\(reaction.id)'",
                                            module: s.module, location: s.location)
            }
            parameters.append(Parameter(id: z, value: reference.initialValue, note: "species '\(r)', determined by fast reaction '\(reaction.id)'",
                                        module: reference.module, location: reference.location))
            observables[r] = Observable(id: r, expression: .symbol(z), note: "species determined by fast reaction '\(reaction.id)'",
                                        module: reference.module, location: reference.location)
            m.algebraicRules.append(AlgebraicRule(variable: z, expression: reaction.rateLaw
                .expression(reactants: reaction.reactants, products: reaction.products).substituting(substitutions),
                                                  location: reaction.location))
        }
        guard !claimed.isEmpty else { return self }

        // The other reactions: rates written out before their fast species leave their equations.
        m.reactions = reactions.filter { !$0.fast || $0.netStoichiometry.allSatisfy { $0.coefficient == 0 } }.map { r in
            var r = r
            r.fast = false
            guard (r.reactants + r.products + r.modifiers.map { StoichiometricTerm($0.species) }).contains(where: { claimed.contains($0.species) })
            else { return r }
            r.rateLaw = .expression(r.rateLaw.expression(reactants: r.reactants, products: r.products))
            r.reactants.removeAll { claimed.contains($0.species) }
            r.products.removeAll { claimed.contains($0.species) }
            r.modifiers.removeAll { claimed.contains($0.species) }
            return r
        }
        m.species.removeAll { claimed.contains($0.id) }
        m.parameters += parameters
        // The fast species, in their order, are read as before (columns, rate laws, observables).
        m.observables = species.compactMap { observables[$0.id] } + m.observables
        return m
    }
}
