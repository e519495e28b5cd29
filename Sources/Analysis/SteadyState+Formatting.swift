import PathwayModel
import Simulator

extension SteadyState {
    /// One row of the report: a name the model file has, its value, and what determines it when it is
    /// not a rate equation ("algebraic rule", "fast reaction 'bind'").
    struct Row {
        var name: String
        var value: Double
        var determinedBy: String?
    }

    /// What the model as written calls the steady state's variables. An ordinary model: the state
    /// variables, in order. With fast reactions (``FastEquilibrium``) the compiler's variables for them
    /// (the reference species' value, the conserved totals) are left out, and the species are shown
    /// instead, in the model's order of species, then the other state variables; algebraic variables
    /// are marked.
    func rows(model: Model, equilibria: [FastEquilibrium]) -> [Row] {
        let internalNames = Set(equilibria.flatMap(\.internalNames))
        let algebraicSet = Set(algebraic)
        guard !internalNames.isEmpty || !algebraicSet.isEmpty else {
            return zip(names, values).map { Row(name: $0, value: $1) }
        }
        var fastReaction: [String: String] = [:]
        for e in equilibria { for s in e.species { fastReaction[s] = e.label } }
        let stateIndex = Dictionary(names.enumerated().map { ($1, $0) }, uniquingKeysWith: { a, _ in a })
        var rows: [Row] = [], shown = Set<String>()
        for s in model.species {
            if let k = stateIndex[s.id], !internalNames.contains(s.id) {
                rows.append(Row(name: s.id, value: values[k], determinedBy: algebraicSet.contains(s.id) ? "algebraic rule" : nil))
            } else if let reaction = fastReaction[s.id], let v = value(of: s.id) {
                rows.append(Row(name: s.id, value: v, determinedBy: reaction))
            } else {
                continue
            }
            shown.insert(s.id)
        }
        for (name, v) in zip(names, values) where !shown.contains(name) && !internalNames.contains(name) {
            rows.append(Row(name: name, value: v, determinedBy: algebraicSet.contains(name) ? "algebraic rule" : nil))
        }
        return rows
    }

    /// A fast subsystem's conserved totals Qᵢ = aᵢ − Σₗ wᵢₗ·a_rₗ at the steady state, as `B - A = -0.5`
    /// (a total whose weights are expressions is named by its species alone: `total of B = 2`).
    func totals(of equilibrium: FastEquilibrium) -> [String] {
        equilibrium.totals.map { t in
            let total = value(of: t.variable).map { NumberFormat.short($0, digits: 6) } ?? "?"
            guard let weights = t.weights else { return "total of \(t.species) = \(total)" }
            var text = t.species
            for (w, r) in zip(weights, equilibrium.references) where w != 0 {
                let coefficient = abs(w) == 1 ? "" : "\(NumberFormat.short(abs(w))) "
                text += " \(w > 0 ? "-" : "+") \(coefficient)\(r.species)"
            }
            return "\(text) = \(total)"
        }
    }

    /// The steady state as a table of species values (text, CSV or JSON), in the names of `model`, the
    /// model as written (see ``rows(model:equilibria:)``).
    public func formatted(_ format: Comparison.Format, model: Model) -> String {
        let equilibria = model.fastEquilibria
        let rows = rows(model: model, equilibria: equilibria)
        let internalNames = Set(equilibria.flatMap(\.internalNames))
        let algebraicVariables = algebraic.filter { !internalNames.contains($0) }
        switch format {
        case .csv:
            return "species,value\n" + rows.map { "\($0.name),\(NumberFormat.exact($0.value))\n" }.joined()
        case .json:
            return json(rows, equilibria: equilibria, algebraicVariables: algebraicVariables)
        case .text:
            return text(rows, model: model, equilibria: equilibria, algebraicVariables: algebraicVariables)
        }
    }

    /// JSON; the keys about algebraic rules and fast reactions only for a model that has them.
    func json(_ rows: [Row], equilibria: [FastEquilibrium], algebraicVariables: [String]) -> String {
        func list(_ items: [String]) -> String { "[" + items.joined(separator: ", ") + "]" }
        var out = "{\n  \"method\": \(JSON.string(method)),\n  \"residual\": \(JSON.number(residual)),\n"
        if !algebraic.isEmpty { out += "  \"algebraic_residual\": \(JSON.number(algebraicResidual)),\n" }
        out += "  \"stability\": \"\(stability.rawValue)\",\n"
        out += "  \"eigenvalues\": " + list(eigenvalues.map { "[\(JSON.number($0.real)), \(JSON.number($0.imaginary))]" }) + ",\n"
        out += "  \"conservation_laws\": " + list(conservationLaws.map { JSON.string($0.description) }) + ",\n"
        if !algebraicVariables.isEmpty { out += "  \"algebraic_variables\": " + list(algebraicVariables.map(JSON.string)) + ",\n" }
        if !equilibria.isEmpty {
            out += "  \"fast_reactions\": " + list(equilibria.map { e in
                "{\"reactions\": \(list(e.reactions.map(JSON.string))), \"species\": \(list(e.species.map(JSON.string))), "
                    + "\"conserved_totals\": \(list(totals(of: e).map(JSON.string)))}"
            }) + ",\n"
        }
        out += "  \"values\": {\n" + rows.map { "    \(JSON.string($0.name)): \(JSON.number($0.value))" }.joined(separator: ",\n") + "\n  }\n}\n"
        return out
    }

    /// The text report: how it was found, the stability, what holds the values, the table.
    func text(_ rows: [Row], model: Model, equilibria: [FastEquilibrium], algebraicVariables: [String]) -> String {
        let unit = model.units.concentration.rawValue, time = model.units.time.rawValue
        let differentialAlgebraic = !algebraic.isEmpty
        var out = "Steady state of \(model.name.isEmpty ? model.id : model.name)\n"
        out += "  found by: \(method)\n"
        out += "  residual ‖f‖∞ = \(NumberFormat.short(residual)) \(unit)/\(time); "
        if differentialAlgebraic { out += "algebraic rules ‖g‖∞ = \(NumberFormat.short(algebraicResidual)); " }
        out += "conservation error \(NumberFormat.short(conservationResidual))\n"
        let top = eigenvalues.prefix(3).map { e in
            e.imaginary == 0 ? NumberFormat.short(e.real) : "\(NumberFormat.short(e.real)) ± \(NumberFormat.short(abs(e.imaginary)))i"
        }
        var seen = Set<String>()
        let distinct = top.filter { seen.insert($0).inserted }
        let jacobian = !differentialAlgebraic ? "the reduced Jacobian"
            : "the Jacobian reduced by \(conservationLaws.isEmpty ? "" : "the conservation laws and ")the algebraic rules"
        if stability == .unknown {
            out += "  stability: unknown (the eigenvalues of \(jacobian) could not be computed"
            out += differentialAlgebraic ? "; ∂g/∂z may be singular there, i.e. the system not of index 1)\n" : ")\n"
        } else if eigenvalues.isEmpty {
            out += "  stability: nothing changes (no independent state variables)\n"
        } else {
            out += "  stability: \(stability.rawValue) (largest eigenvalues of \(jacobian): \(distinct.joined(separator: ", ")); "
                + "\(eigenvalues.count) in all, per \(time))\n"
        }
        if !conservationLaws.isEmpty {
            out += "  conserved moieties (amounts):\n" + conservationLaws.map { "    \($0)\n" }.joined()
        }
        if !algebraicVariables.isEmpty {
            out += "  held by algebraic rules (0 = g, not rates of change; eliminated for the stability): "
                + algebraicVariables.joined(separator: ", ") + "\n"
        }
        for e in equilibria {
            out += "  \(e.label) at equilibrium: \(e.species.joined(separator: ", ")) follow from \(e.reactions.count == 1 ? "its" : "their") conserved totals (amounts)"
            out += e.totals.isEmpty ? "\n" : ":\n" + totals(of: e).map { "    \($0)\n" }.joined()
        }
        let value = "value (\(unit))"
        if rows.contains(where: { $0.determinedBy != nil }) {
            out += "\n" + TextTable.render(header: ["species", value, "determined by"],
                                           rows: rows.map { [$0.name, NumberFormat.short($0.value, digits: 6), $0.determinedBy ?? ""] },
                                           rightAligned: [1])
        } else {
            out += "\n" + TextTable.render(header: ["species", value], rows: rows.map { [$0.name, NumberFormat.short($0.value, digits: 6)] },
                                           rightAligned: [1])
        }
        return out
    }
}
