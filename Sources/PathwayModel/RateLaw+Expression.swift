extension RateLaw {
    /// The rate law written out as one expression of the reaction's species and parameters.
    ///
    /// - Mass action: `kf·Π[reactant]^ν − kr·Π[product]^ν`
    /// - Michaelis–Menten: `V·S/(Km + S)` with `V = kcat·E` or `vmax`
    /// - Hill: `V·X^n/(K^n + X^n)`
    /// - Activation by `A`: `× A^n/(Ka^n + A^n)`; inhibition by `I`: `× 1/(1 + (I/Ki)^n)`
    public func expression(reactants: [StoichiometricTerm], products: [StoichiometricTerm]) -> Expression {
        func power(_ base: Expression, _ exponent: Expression) -> Expression {
            if case .number(1) = exponent { return base }
            return .binary(.power, base, exponent)
        }
        func massActionTerm(_ k: Expression, _ terms: [StoichiometricTerm]) -> Expression {
            .product([k] + terms.map { power(.symbol($0.species), .number($0.coefficient)) })
        }
        switch self {
        case .massAction(let kf, let kr):
            let forward = massActionTerm(kf, reactants)
            guard let kr else { return forward }
            return forward - massActionTerm(kr, products)
        case .michaelisMenten(let s, let vmax, let kcat, let enzyme, let km):
            let v: Expression = vmax ?? (kcat! * .symbol(enzyme!))
            return v * .symbol(s) / (km + .symbol(s))
        case .hill(let of, let vmax, let k, let n):
            return vmax * power(.symbol(of), n) / (power(k, n) + power(.symbol(of), n))
        case .expression(let e):
            return e
        case .regulated(let inner, let activators, let inhibitors):
            var factors = [inner.expression(reactants: reactants, products: products)]
            for a in activators {
                factors.append(power(.symbol(a.species), a.hill) / (power(a.constant, a.hill) + power(.symbol(a.species), a.hill)))
            }
            for i in inhibitors {
                factors.append(.number(1) / (.number(1) + power(.symbol(i.species) / i.constant, i.hill)))
            }
            return .product(factors)
        case .scaled(let inner, let factor):
            return factor * inner.expression(reactants: reactants, products: products)
        }
    }

    /// A short name of the law for listings: `mass action`, `Michaelis–Menten`, …
    public var name: String {
        switch self {
        case .massAction: return "mass action"
        case .michaelisMenten: return "Michaelis–Menten"
        case .hill: return "Hill"
        case .expression: return "custom"
        case .regulated(let inner, let a, let i):
            var parts = [inner.name]
            if !a.isEmpty { parts.append("activated by \(a.map(\.species).joined(separator: ", "))") }
            if !i.isEmpty { parts.append("inhibited by \(i.map(\.species).joined(separator: ", "))") }
            return parts.joined(separator: ", ")
        case .scaled(let inner, _): return inner.name + ", scaled"
        }
    }
}

extension Reaction {
    /// The rate in concentration per time in the reaction's compartment (or amount per time when
    /// ``compartment`` is nil).
    public var rateExpression: Expression {
        rateLaw.expression(reactants: reactants, products: products)
    }
}
