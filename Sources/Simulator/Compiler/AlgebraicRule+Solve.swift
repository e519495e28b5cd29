import PathwayModel

extension Model {
    /// The model with each algebraic rule `0 = f` solved for the parameter it determines, x = −f(x = 0) /
    /// (∂f/∂x), and that parameter replaced by an observable of the solution (function definitions are
    /// expanded first). The rule must be linear in x (∂f/∂x free of x), and the solutions must not refer to
    /// one another in a cycle (the observables' order is checked when compiled).
    func solvingAlgebraicRules() throws(CompileError) -> Model {
        guard !algebraicRules.isEmpty else { return self }
        var m = self
        let functions = Dictionary(m.functions.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        for rule in algebraicRules {
            let f = rule.expression.inliningFunctions(functions)
            let x = rule.variable
            let a = f.derivative(with: x)
            guard !a.symbols.contains(x), a != .number(0) else {
                throw CompileError(message: "\(rule.location): error: the algebraic rule 0 = \(rule.expression) is not linear in '\(x)'; the simulator solves algebraic rules only for a variable they contain linearly")
            }
            let solution = (.negate(f.substituting([x: .number(0)])) / a).simplified()
            guard let k = m.parameters.firstIndex(where: { $0.id == x }) else {
                throw CompileError(message: "\(rule.location): error: algebraic rule for '\(x)', which is not a parameter")
            }
            let p = m.parameters.remove(at: k)
            m.observables.append(Observable(id: x, expression: solution, unit: p.unit, note: p.note, module: p.module, location: rule.location))
        }
        m.algebraicRules = []
        return m
    }
}
