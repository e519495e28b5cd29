import PathwayModel

extension Model {
    /// The model with each algebraic rule `0 = f` that can be solved in closed form solved for the
    /// parameter x it determines, x = −f(x = 0) / (∂f/∂x), and that parameter replaced by an observable
    /// of the solution (function definitions are expanded first): a rule linear in x (∂f/∂x free of x)
    /// whose solution does not depend, through the other solutions, on itself.
    ///
    /// Every other rule (non-linear in x, or one of a cycle of rules that determine each other's
    /// variables) stays in ``Model/algebraicRules`` and x becomes an algebraic state variable: a rate
    /// rule `x' = f` marks its row, which holds the residual f, not a derivative, and
    /// ``CompiledModel/algebraicComponents`` lists it, so that BDF solves the system as the
    /// semi-explicit differential–algebraic system it is (mass matrix diag(1, …, 0)). A switched rule
    /// (``AlgebraicRule/Switch``) always goes there, its row `piecewise(f, condition ≠ 0, rateWhileOff)`:
    /// the residual while it is on, a derivative (mass 1) while it is off.
    func solvingAlgebraicRules() throws(CompileError) -> Model {
        guard !algebraicRules.isEmpty else { return self }
        var m = self
        let functions = Dictionary(m.functions.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        let rules = algebraicRules
        var expanded: [Expression] = []
        var solutions: [Expression?] = []
        for rule in rules {
            guard m.parameters.contains(where: { $0.id == rule.variable }) else {
                throw CompileError(message: "\(rule.location): error: algebraic rule for '\(rule.variable)', which is not a parameter")
            }
            let f = rule.expression.inliningFunctions(functions)
            let x = rule.variable
            let a = f.derivative(with: x)
            expanded.append(f)
            if a.symbols.contains(x) || a == .number(0) || rule.switch != nil {
                solutions.append(nil)
            } else {
                solutions.append((.negate(f.substituting([x: .number(0)])) / a).simplified())
            }
        }
        // A closed-form solution that leads back to itself through the other solutions is part of a
        // system to be solved simultaneously: the whole cycle goes to the algebraic solver.
        let index = Dictionary(rules.enumerated().map { ($1.variable, $0) }, uniquingKeysWith: { a, _ in a })
        let edges: [[Int]] = solutions.map { s in s.map { $0.symbols.compactMap { index[$0] }.sorted() } ?? [] }
        func reaches(_ from: Int, _ target: Int) -> Bool {
            var seen = Set<Int>(), stack = edges[from]
            while let r = stack.popLast() {
                if r == target { return true }
                if seen.insert(r).inserted { stack += edges[r] }
            }
            return false
        }
        var differentialAlgebraic: [AlgebraicRule] = []
        for (r, rule) in rules.enumerated() {
            let x = rule.variable
            if let solution = solutions[r], !reaches(r, r) {
                let k = m.parameters.firstIndex { $0.id == x }!
                let p = m.parameters.remove(at: k)
                m.observables.append(Observable(id: x, expression: solution, unit: p.unit, note: p.note, module: p.module,
                                                location: rule.location))
                if rule.isFastFlow {
                    // An event's value for a fast reaction's reference (see `redirectEvents`) is its starting point
                    // for the equilibrium; a closed form needs none.
                    for e in m.events.indices { m.events[e].assignments.removeAll { $0.target == x } }
                }
            } else {
                var row = expanded[r]
                var switched: AlgebraicRule.Switch?
                if let s = rule.switch {
                    // A switched rule's row: the residual while on, x's rate of change while off.
                    switched = AlgebraicRule.Switch(condition: s.condition.inliningFunctions(functions),
                                                    rateWhileOff: s.rateWhileOff.inliningFunctions(functions))
                    row = .call("piecewise", [row, .binary(.notEqual, switched!.condition, .number(0)), switched!.rateWhileOff])
                }
                differentialAlgebraic.append(AlgebraicRule(variable: x, expression: expanded[r], switch: switched,
                                                           isFastFlow: rule.isFastFlow, location: rule.location))
                m.rateRules.append(RateRule(variable: x, expression: row, location: rule.location))
            }
        }
        m.algebraicRules = differentialAlgebraic
        return m
    }
}
