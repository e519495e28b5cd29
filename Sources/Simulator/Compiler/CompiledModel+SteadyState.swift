import PathwayModel

/// A fast subsystem as the compiler rewrites it (``Model/resolvingFastReactions()``), in the terms of
/// the model as written: the parameters the rewrite introduces and the species they stand for, so that
/// results can be shown as the species the modeller wrote rather than as the compiler's variables.
///
/// Each reference species rₗ is held in a parameter determined by the equilibria (algebraic rules);
/// every other species i of the subsystem by its conserved total Qᵢ = aᵢ − Σₗ wᵢₗ·a_rₗ in amounts
/// (for a single reaction w = Nᵢ/N_r).
public struct FastEquilibrium: Sendable, Equatable {
    /// A reference species and the parameter that holds its value (an algebraic state variable, or an
    /// observable of the equilibrium's closed-form solution).
    public struct Reference: Sendable, Equatable {
        public var species: String
        public var variable: String
    }

    /// A conserved total Qᵢ = aᵢ − Σₗ ``weights``ₗ·a_rₗ (amounts).
    public struct Total: Sendable, Equatable {
        /// The parameter that holds it (a state variable with a rate rule).
        public var variable: String
        /// The species i.
        public var species: String
        /// wᵢₗ, one per reference; nil where a stoichiometry is an expression (not a number).
        public var weights: [Double]?
    }

    /// The fast reactions' ids, in the model's order.
    public var reactions: [String]
    public var references: [Reference]
    /// One per other species the reactions change, in the order they first appear.
    public var totals: [Total]

    /// "fast reaction 'bind'", or "fast reactions 'a', 'b'" for a coupled subsystem.
    public var label: String {
        "fast reaction\(reactions.count == 1 ? "" : "s") " + reactions.map { "'\($0)'" }.joined(separator: ", ")
    }
    /// The species the equilibrium determines, the references first.
    public var species: [String] { references.map(\.species) + totals.map(\.species) }
    /// The names the rewrite introduced.
    public var internalNames: [String] { references.map(\.variable) + totals.map(\.variable) }
}

extension Model {
    /// The model's fast subsystems as the compiler rewrites them (see ``FastEquilibrium``), recorded by
    /// the rewrite itself. Empty without fast reactions, or when the rewrite refuses the model.
    public var fastEquilibria: [FastEquilibrium] {
        guard reactions.contains(where: \.fast) else { return [] }
        var rewrite = FastReactionRewrite(self)
        guard (try? rewrite.run()) != nil else { return [] }
        return rewrite.equilibria
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
