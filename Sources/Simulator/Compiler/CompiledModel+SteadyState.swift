import PathwayModel

/// A fast reaction as the compiler rewrites it (``Model/resolvingFastReactions()``), in the terms of the
/// model as written: the parameters the rewrite introduces and the species they stand for, so that
/// results can be shown as the species the modeller wrote rather than as the compiler's variables.
///
/// For net stoichiometries Nᵢ over the reaction's species, the reference species r (the first with
/// Nᵣ ≠ 0) is held in ``variable``, determined by the equilibrium (an algebraic rule); every other
/// species i is ``Total/variable``, its conserved total Qᵢ = aᵢ − (Nᵢ/Nᵣ)·aᵣ in amounts.
public struct FastEquilibrium: Sendable, Equatable {
    /// A conserved total Qᵢ = aᵢ − ``ratio``·aᵣ (amounts).
    public struct Total: Sendable, Equatable {
        /// The parameter that holds it (a state variable with a rate rule).
        public var variable: String
        /// The species i.
        public var species: String
        /// Nᵢ/Nᵣ.
        public var ratio: Double
    }

    /// The fast reaction's id.
    public var reaction: String
    /// The reference species r.
    public var reference: String
    /// The parameter holding r's value (an algebraic state variable).
    public var variable: String
    /// One per other species the reaction changes, in the reaction's order.
    public var totals: [Total]

    /// The species the equilibrium determines, the reference first.
    public var species: [String] { [reference] + totals.map(\.species) }
    /// The names the rewrite introduced.
    public var internalNames: [String] { [variable] + totals.map(\.variable) }
}

extension Model {
    /// The fast reactions of the model as the compiler rewrites them (see ``FastEquilibrium``), found by
    /// comparing the model with its rewrite: the parameter a fast species' observable reads that the
    /// model did not have. Empty without fast reactions, or when the rewrite refuses the model.
    public var fastEquilibria: [FastEquilibrium] {
        guard reactions.contains(where: \.fast), let rewritten = try? resolvingFastReactions() else { return [] }
        let written = Set(symbolNames)
        let added = Set(rewritten.parameters.map(\.id).filter { !written.contains($0) })
        let observables = Dictionary(rewritten.observables.map { ($0.id, $0.expression) }, uniquingKeysWith: { a, _ in a })
        var out: [FastEquilibrium] = []
        for reaction in reactions where reaction.fast {
            let net = reaction.netStoichiometry.filter { $0.coefficient != 0 }
            guard let (reference, nr) = net.first, case .symbol(let z)? = observables[reference], added.contains(z) else { continue }
            var totals: [FastEquilibrium.Total] = []
            for (species, ni) in net.dropFirst() {
                guard let q = observables[species]?.symbols.first(where: { added.contains($0) && $0 != z }) else { continue }
                totals.append(FastEquilibrium.Total(variable: q, species: species, ratio: ni / nr))
            }
            out.append(FastEquilibrium(reaction: reaction.id, reference: reference, variable: z, totals: totals))
        }
        return out
    }
}

extension CompiledModel {
    /// The initial state with its algebraic components (``algebraicComponents``) made consistent with
    /// their rules at time `t`, as ``simulate(_:observe:)`` does at its start: Newton on the algebraic
    /// rules with the differential components held, from the values the model gives (which pick the root
    /// where there are several). The initial state itself for an ordinary model. Throws, naming the rule,
    /// when ∂g/∂z is singular there (not index 1) or Newton does not converge.
    public func consistentInitialState(at t: Double = 0) throws(SimulationError) -> [Double] {
        var state = initialState
        try makeConsistent(&state, at: t)
        return state
    }
}
