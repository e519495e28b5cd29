/// What a parameter's value must be, and why: greater than zero when the model declares it
/// `positive: true`, at least zero when a rate law uses it directly as a rate constant, a Michaelis or
/// Hill constant, a kcat or vmax, an activation or inhibition constant, or as a drug's IC50 or clearance.
public struct ValueRequirement: Hashable, Sendable {
    /// `true`: the value must be > 0; `false`: ≥ 0.
    public var positive: Bool
    /// What the parameter is, for messages: `the forward rate constant of reaction 'binding'`.
    public var role: String?

    public init(positive: Bool, role: String?) {
        self.positive = positive
        self.role = role
    }

    public func allows(_ value: Double) -> Bool { value.isNaN || (positive ? value > 0 : value >= 0) }

    /// `must be positive (it is the forward rate constant of reaction 'x')`, `cannot be negative`, …
    public var rule: String {
        if positive {
            return "must be positive (\(role.map { "it is \($0)" } ?? "it is declared 'positive: true'"))"
        }
        return "cannot be negative (it is \(role ?? "a rate-law constant"))"
    }
}

extension Model {
    /// The requirement on a parameter's value, or nil when any value will do.
    ///
    /// Only a parameter named on its own counts as "used directly" (`kf: k1`, not `kf: 2 * k1`), and
    /// only in the built-in rate laws: a free `rate:` expression may use a parameter any way it likes.
    public func valueRequirement(ofParameter name: String) -> ValueRequirement? {
        var role: String?
        forEachRateLawConstant(wanted: { role == nil && $0 == name }) { role = $1 }
        return requirement(of: name, declaredPositive: parameter(named: name)?.positive ?? false, lawRole: role)
    }

    /// ``valueRequirement(ofParameter:)`` of every parameter that has one, by name, in one pass over
    /// the reactions (for validating large models).
    public var valueRequirements: [String: ValueRequirement] {
        var roles: [String: String] = [:]
        forEachRateLawConstant(wanted: { roles[$0] == nil }) { roles[$0] = $1 }
        var out: [String: ValueRequirement] = [:]
        for p in parameters where out[p.id] == nil {
            if let req = requirement(of: p.id, declaredPositive: p.positive, lawRole: roles[p.id]) { out[p.id] = req }
        }
        return out
    }

    private func requirement(of name: String, declaredPositive declared: Bool, lawRole: String?) -> ValueRequirement? {
        var role = lawRole
        // A drug's constants become parameters of these names once the drug is applied.
        for d in drugs where role == nil {
            if name == "\(d.id)_IC50" { return ValueRequirement(positive: true, role: "the IC50 of drug '\(d.id)'") }
            if name == "\(d.id)_clearance" { role = "the clearance of drug '\(d.id)'" }
        }
        if !declared && role == nil { return nil }
        return ValueRequirement(positive: declared, role: role)
    }

    /// Calls `found` with every `wanted` name that a built-in rate law uses on its own as a constant, and
    /// what it is there, in reaction order.
    private func forEachRateLawConstant(wanted: (String) -> Bool, _ found: (String, String) -> Void) {
        func note(_ e: Expression?, _ what: @autoclosure () -> String) {
            if case .symbol(let name)? = e, wanted(name) { found(name, what()) }
        }
        func visit(_ law: RateLaw, _ r: String) {
            switch law {
            case .massAction(let kf, let kr):
                note(kf, "the forward rate constant of reaction '\(r)'")
                note(kr, "the reverse rate constant of reaction '\(r)'")
            case .michaelisMenten(_, let vmax, let kcat, _, let km):
                note(vmax, "the vmax of reaction '\(r)'")
                note(kcat, "the kcat of reaction '\(r)'")
                note(km, "the Michaelis constant of reaction '\(r)'")
            case .hill(_, let vmax, let k, _):
                note(vmax, "the vmax of reaction '\(r)'")
                note(k, "the Hill constant of reaction '\(r)'")
            case .expression:
                break
            case .regulated(let inner, let activators, let inhibitors):
                visit(inner, r)
                for a in activators { note(a.constant, "the activation constant of '\(a.species)' in reaction '\(r)'") }
                for i in inhibitors { note(i.constant, "the inhibition constant of '\(i.species)' in reaction '\(r)'") }
            case .scaled(let inner, _):
                visit(inner, r)
            }
        }
        for r in reactions { visit(r.rateLaw, r.id) }
    }
}
