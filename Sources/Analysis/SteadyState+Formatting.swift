import PathwayModel

extension SteadyState {
    /// The steady state as a table of species values (text, CSV or JSON).
    public func formatted(_ format: Comparison.Format, model: Model) -> String {
        let rows = zip(names, values).map { ($0, $1) }
        switch format {
        case .csv:
            return "species,value\n" + rows.map { "\($0.0),\(NumberFormat.exact($0.1))\n" }.joined()
        case .json:
            var out = "{\n  \"method\": \(JSON.string(method)),\n  \"residual\": \(JSON.number(residual)),\n"
            out += "  \"stability\": \"\(stability.rawValue)\",\n"
            out += "  \"eigenvalues\": [" + eigenvalues.map { "[\(JSON.number($0.real)), \(JSON.number($0.imaginary))]" }.joined(separator: ", ") + "],\n"
            out += "  \"conservation_laws\": [" + conservationLaws.map { JSON.string($0.description) }.joined(separator: ", ") + "],\n"
            out += "  \"values\": {\n" + rows.map { "    \(JSON.string($0.0)): \(JSON.number($0.1))" }.joined(separator: ",\n") + "\n  }\n}\n"
            return out
        case .text:
            let unit = model.units.concentration.rawValue, time = model.units.time.rawValue
            var out = "Steady state of \(model.name.isEmpty ? model.id : model.name)\n"
            out += "  found by: \(method)\n"
            out += "  residual ‖f‖∞ = \(NumberFormat.short(residual)) \(unit)/\(time); conservation error \(NumberFormat.short(conservationResidual))\n"
            let top = eigenvalues.prefix(3).map { e in
                e.imaginary == 0 ? NumberFormat.short(e.real) : "\(NumberFormat.short(e.real)) ± \(NumberFormat.short(abs(e.imaginary)))i"
            }
            var seen = Set<String>()
            let distinct = top.filter { seen.insert($0).inserted }
            if eigenvalues.isEmpty {
                out += "  stability: nothing changes (no independent state variables)\n"
            } else {
                out += "  stability: \(stability.rawValue) (largest eigenvalues of the reduced Jacobian: \(distinct.joined(separator: ", ")); \(eigenvalues.count) in all, per \(time))\n"
            }
            if !conservationLaws.isEmpty {
                out += "  conserved moieties (amounts):\n" + conservationLaws.map { "    \($0)\n" }.joined()
            }
            out += "\n" + TextTable.render(header: ["species", "value (\(unit))"],
                                           rows: rows.map { [$0.0, NumberFormat.short($0.1, digits: 6)] }, rightAligned: [1])
            return out
        }
    }
}
