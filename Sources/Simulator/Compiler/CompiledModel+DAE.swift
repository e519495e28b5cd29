import PathwayModel

extension Model {
    /// The algebraic rules that have no closed form (see ``solvingAlgebraicRules()``), which make the
    /// compiled model a differential–algebraic system; empty when there are none or the rules are invalid.
    public var differentialAlgebraicRules: [AlgebraicRule] {
        guard !algebraicRules.isEmpty || reactions.contains(where: \.fast) else { return [] }
        return (try? resolvingFastReactions().solvingAlgebraicRules().algebraicRules) ?? []
    }
}

/// An algebraic rule's state component in the compiled model.
struct AlgebraicComponent: Sendable {
    var component: Int
    /// The register of the rule's switch condition (``AlgebraicRule/Switch``), −1 when it always holds.
    var switchRegister: Int
    var followsFlow: Bool
}

extension CompiledModel {
    /// The state components that algebraic rules determine (the rules ``Model/solvingAlgebraicRules()``
    /// could not solve in closed form): their rows hold the rules' residuals. Empty for ordinary models.
    public var algebraicComponents: [Int] { algebraicRuleComponents.map(\.component) }

    /// Per algebraic component: its rule is a fast reaction's equilibrium whose residual is the fast
    /// flow of the component (consistent values by following it, see ``DAEConsistency``).
    public var algebraicComponentsFollowFlow: [Bool] { algebraicRuleComponents.map(\.followsFlow) }

    /// Whether each algebraic component's rule holds at (t, y): a switched rule (a fast reaction whose
    /// rate has a factor events set to 0) is off while its condition is 0. Evaluated at restarts.
    public func algebraicActivity(t: Double, y: UnsafePointer<Double>, into active: UnsafeMutablePointer<Bool>) {
        let rules = algebraicRuleComponents
        guard rules.contains(where: { $0.switchRegister >= 0 }) else {
            for k in rules.indices { active[k] = true }
            return
        }
        refreshEventValues(t: t, state: y)
        for (k, rule) in rules.enumerated() { active[k] = rule.switchRegister < 0 || registers[rule.switchRegister] != 0 }
    }

    /// Makes the algebraic components of `state` consistent with their rules at time `t` (Newton on
    /// the algebraic part, see ``DAEConsistency``); throws, naming the rule, when ∂g/∂z is singular
    /// (the system is not of index 1 there) or Newton cannot find a solution.
    func makeConsistent(_ state: inout [Double], at t: Double) throws(SimulationError) {
        let algebraic = algebraicComponents
        guard !algebraic.isEmpty else { return }
        let solver = DAEConsistency(function: self)
        var statistics = SolverStatistics()
        let outcome = state.withUnsafeMutableBufferPointer { solver.project(t: t, y: $0.baseAddress!, statistics: &statistics) }
        func rule(_ k: Int) -> (text: String, location: SourceLocation?) {
            let name = stateNames[algebraic[k]]
            guard let rule = model.algebraicRules.first(where: { $0.variable == name }) else { return ("the algebraic rule for '\(name)'", nil) }
            return ("the algebraic rule 0 = \(rule.expression) for '\(name)'", rule.location)
        }
        switch outcome {
        case .consistent: return
        case .singular(let k):
            let (text, location) = rule(k)
            throw SimulationError(message: "\(text) does not determine it at t = \(t) (\(stateNames[algebraic[k]]) = \(state[algebraic[k]])): the derivative of the algebraic rules with respect to the variables they determine is singular there, so the system is not of index 1 at that point (give a starting value away from it, or check that the rules are not under-determined)",
                                  location: location, unsupportedConstruct: "algebraic rule not of index 1")
        case .diverged(let k):
            let (text, location) = rule(k)
            throw SimulationError(message: "\(text) has no consistent value at t = \(t): Newton's method on the algebraic rules did not converge from the starting values (give '\(stateNames[algebraic[k]])' a value nearer a solution)",
                                  location: location)
        }
    }
}
