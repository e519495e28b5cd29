/// SBML Level 2 fast reactions as the quasi-steady-state constraints the specification defines (SBML
/// Level 2 Version 4, section 4.13.6): the fast subsystem is at equilibrium at all times, the slow
/// reactions moving only what the fast ones conserve.
///
/// For one fast reaction with net stoichiometries Nᵢ over its species (amounts aᵢ), a reference
/// species r (the first with Nᵣ ≠ 0) is kept as the unknown and every other species i is replaced by
/// its conserved moiety Qᵢ = aᵢ − (Nᵢ/Nᵣ)·aᵣ, which the fast reaction does not change. The model is
/// rewritten, in SBML's own terms, as
///
/// * Qᵢ: a parameter with initial value aᵢ(t₀) − (Nᵢ/Nᵣ)·aᵣ(t₀) and rate rule
///   dQᵢ/dt = Σⱼ (Nᵢⱼ − (Nᵢ/Nᵣ)·Nᵣⱼ)·vⱼ over the slow reactions j;
/// * species i: an assignment rule aᵢ = Qᵢ + (Nᵢ/Nᵣ)·aᵣ (over its compartment's size when it is a
///   concentration);
/// * species r: the algebraic rule 0 = v_fast, the fast rate with every other species replaced as
///   above, which ``AlgebraicRules`` solves for r;
///
/// the species becoming boundary species (the slow reactions act through the Qᵢ) and the fast
/// reaction an ordinary one whose rate is then 0. Refused by name: fast reactions sharing a species
/// (a coupled fast subsystem), fast species set by rules or events or in compartments that change, and
/// stoichiometries or conversion factors that are not constant numbers (constant ones scale Nᵢ).
enum FastReactions {
    static func transform(_ m: inout SBMLTree.ModelNode) -> [AlgebraicRules.Refusal] {
        let fast = m.reactions.indices.filter { m.reactions[$0].fast }
        guard !fast.isEmpty else { return [] }
        var refusals: [AlgebraicRules.Refusal] = []
        func refuse(_ r: Int, _ why: String) {
            refusals.append(AlgebraicRules.Refusal(construct: "fast reaction", detail: "reaction '\(m.reactions[r].id)' is marked fast, and \(why)",
                                                   position: m.reactions[r].position, invalid: false))
        }
        var taken = Set(m.compartments.map(\.id) + m.species.map(\.id) + m.parameters.map(\.id) + m.reactions.map(\.id) + m.functions.map(\.id))
        taken.formUnion(m.reactions.flatMap { ($0.reactants + $0.products).compactMap(\.id) })
        let speciesIndex = Dictionary(m.species.enumerated().map { ($1.id, $0) }, uniquingKeysWith: { a, _ in a })
        let constantCompartments = Set(m.compartments.filter(\.constant).map(\.id))
        let ruled = Set(m.rules.map(\.variable))
        let eventTargets = Set(m.events.flatMap { $0.assignments.map(\.variable) })

        // Conversion factors (SBML Level 3) scale what a reaction does to a species: constant parameters only.
        let constants = Dictionary(m.parameters.filter { $0.constant && !ruled.contains($0.id) }.compactMap { p in p.value.map { (p.id, $0) } },
                                   uniquingKeysWith: { a, _ in a })
        let initiallyAssigned = Set(m.initialAssignments.map(\.symbol))
        func factor(_ species: String) -> Double? {
            guard let k = speciesIndex[species], let id = m.species[k].conversionFactor ?? m.conversionFactor else { return 1 }
            return initiallyAssigned.contains(id) ? nil : constants[id]
        }
        /// Net changes of species amounts per unit extent of a reaction (stoichiometry times conversion
        /// factor), in the order species first appear; nil when one is not a constant number.
        func net(_ r: SBMLTree.ReactionNode) -> [(String, Double)]? {
            var order: [String] = [], n: [String: Double] = [:]
            for (sr, sign) in r.reactants.map({ ($0, -1.0) }) + r.products.map({ ($0, 1.0) }) {
                guard let s = sr.stoichiometry, sr.constant, !sr.hasStoichiometryMath,
                      sr.id.map({ !ruled.contains($0) && !eventTargets.contains($0) && !initiallyAssigned.contains($0) }) ?? true,
                      let c = factor(sr.species) else { return nil }
                if n[sr.species] == nil { order.append(sr.species) }
                n[sr.species, default: 0] += sign * s * c
            }
            return order.compactMap { id in n[id] == 0 ? nil : (id, n[id]!) }
        }
        /// The rate law with its local parameters replaced by their values.
        func rate(_ r: SBMLTree.ReactionNode) -> MathNode? {
            guard var math = r.kineticLaw?.math else { return nil }
            for p in r.kineticLaw!.localParameters {
                guard let v = p.value else { return nil }
                math = math.replacing(p.id, with: .number(v))
            }
            return math
        }

        var claimed = Set<String>()
        for f in fast {
            let reaction = m.reactions[f]
            guard let n = net(reaction) else { refuse(f, "a stoichiometry of it, or a conversion factor of its species, is not a constant number"); continue }
            guard let law = rate(reaction) else { refuse(f, "its kinetic law has no math or a local parameter without a value"); continue }
            if n.isEmpty { m.reactions[f].fast = false; continue } // changes nothing
            if let shared = n.first(where: { claimed.contains($0.0) }) {
                refuse(f, "species '\(shared.0)' takes part in another fast reaction (a coupled fast subsystem needs Newton iterations, which the simulator does not have)")
                continue
            }
            var problem: String?
            for (id, _) in n {
                guard let k = speciesIndex[id] else { problem = "it refers to an unknown species '\(id)'"; break }
                let s = m.species[k]
                if ruled.contains(id) || eventTargets.contains(id) { problem = "species '\(id)' is also set by a rule or an event"; break }
                if s.constant || s.boundaryCondition { problem = "species '\(id)' is a boundary or constant species"; break }
                if !constantCompartments.contains(s.compartment) { problem = "species '\(id)' is in a compartment whose size changes"; break }
            }
            if let problem { refuse(f, problem); continue }
            claimed.formUnion(n.map(\.0))

            // Amount of a species from its value (and back), and its initial amount.
            func amount(_ id: String, _ value: MathNode) -> MathNode {
                let s = m.species[speciesIndex[id]!]
                return s.hasOnlySubstanceUnits ? value : .apply("times", [value, .name(s.compartment)])
            }
            func value(_ id: String, fromAmount a: MathNode) -> MathNode {
                let s = m.species[speciesIndex[id]!]
                return s.hasOnlySubstanceUnits ? a : .apply("divide", [a, .name(s.compartment)])
            }
            func initialAmount(_ id: String) -> MathNode? {
                if let ia = m.initialAssignments.first(where: { $0.symbol == id }), let math = ia.math { return amount(id, math) }
                let s = m.species[speciesIndex[id]!]
                if let a = s.initialAmount { return .number(a) }
                if let c = s.initialConcentration { return .apply("times", [.number(c), .name(s.compartment)]) }
                return nil
            }
            let (r, nr) = n[0]
            let ar = amount(r, .name(r))
            var substitutions: [(String, MathNode)] = []
            for (i, ni) in n.dropFirst() {
                var q = "\(r)_\(i)_fast_total"
                while taken.contains(q) { q += "_" }
                taken.insert(q)
                guard let ai0 = initialAmount(i), let ar0 = initialAmount(r) else { problem = "species '\(i)' or '\(r)' has no initial value"; break }
                let ratio = ni / nr
                m.parameters.append(SBMLTree.ParameterNode(id: q, value: nil, constant: false, position: reaction.position))
                m.initialAssignments.append(SBMLTree.InitialAssignmentNode(
                    symbol: q, math: .apply("minus", [ai0, .apply("times", [.number(ratio), ar0])]), position: reaction.position))
                // dQ/dt over the slow reactions.
                var terms: [MathNode] = []
                for (j, other) in m.reactions.enumerated() where !other.fast && j != f {
                    guard let nj = net(other) else { problem = "slow reaction '\(other.id)' has a stoichiometry that is not a constant number"; break }
                    let c = (nj.first { $0.0 == i }?.1 ?? 0) - ratio * (nj.first { $0.0 == r }?.1 ?? 0)
                    guard c != 0 else { continue }
                    guard let v = rate(other) else { problem = "slow reaction '\(other.id)' has no kinetic law"; break }
                    terms.append(.apply("times", [.number(c), v]))
                }
                if problem != nil { break }
                m.rules.append(SBMLTree.RuleNode(kind: .rate, variable: q, math: terms.isEmpty ? .number(0) : .apply("plus", terms), position: reaction.position))
                let ai = MathNode.apply("plus", [.name(q), .apply("times", [.number(ratio), ar])])
                substitutions.append((i, value(i, fromAmount: ai)))
            }
            if let problem { refuse(f, problem); continue }
            var constraint = law
            for (i, e) in substitutions { constraint = constraint.replacing(i, with: e) }
            // The equilibrium must determine r at all times (index 1): a coefficient of r that events
            // change may be switched to 0 (the fast reaction turned off), leaving r undetermined.
            if constraint.degree(in: r) == 1,
               let changing = constraint.coefficient(of: r).names.first(where: { eventTargets.contains($0) }) {
                refuse(f, "its equilibrium depends on '\(changing)', which events change: where its rate vanishes for every '\(r)' (the reaction switched off), the equilibrium no longer determines '\(r)'")
                continue
            }
            for (i, e) in substitutions {
                m.rules.append(SBMLTree.RuleNode(kind: .assignment, variable: i, math: e, position: reaction.position))
            }
            m.rules.append(SBMLTree.RuleNode(kind: .algebraic, variable: "", math: constraint, position: reaction.position))
            for (id, _) in n { m.species[speciesIndex[id]!].boundaryCondition = true }
            m.initialAssignments.removeAll { ia in n.contains { $0.0 == ia.symbol } }
            m.reactions[f].fast = false
        }
        return refusals
    }
}
