import Foundation

// The results of `pathway fit` as text or JSON: an evaluation of the objective, a multi-start fit, a
// profile. Numbers in text carry 10 significant digits, in JSON 17 (non-finite values as null).

/// How the fit's results are written.
public enum FitTextFormat: String, Sendable, CaseIterable {
    case text, json
}

extension PEtabObjective {
    /// The negative log-likelihood (and its gradient, on the parameter scales, when it has one) at a point.
    public func evaluationText(_ e: Evaluation, format: FitTextFormat) -> String {
        let names = estimated.map { problem.parameters[$0].id }
        switch format {
        case .text:
            var text = "nllh \(fitNumber(e.nllh))\n"
            if let g = e.gradient { for (n, v) in zip(names, g) { text += "d/d \(n) \(fitNumber(v))\n" } }
            return text
        case .json:
            var text = "{\"nllh\": \(fitJSONNumber(e.nllh)), \"measurements\": \(problem.measurements.count)"
            if let g = e.gradient {
                text += ", \"gradient\": {" + zip(names, g).map { "\"\($0)\": \(fitJSONNumber($1))" }.joined(separator: ", ") + "}"
            }
            return text + "}\n"
        }
    }

    /// A multi-start fit: the best objective, how many starts reached it, each start, and the best
    /// parameters (`all`: every parameter, linear; the seed of the starts is named in JSON).
    public func fitSummary(_ result: MultiStartResult, all: [Double], seed: UInt64, format: FitTextFormat) -> String {
        let best = result.best
        let names = estimated.map { problem.parameters[$0].id }
        switch format {
        case .json:
            var text = "{\n  \"best_nllh\": \(fitJSONNumber(best.nllh)),\n  \"best_objective\": \(fitJSONNumber(best.objective)),\n"
            text += "  \"converged\": \(result.converged()),\n  \"starts\": \(result.fits.count),\n  \"seed\": \(seed),\n"
            text += "  \"parameters\": {" + zip(problem.parameters, all).map { "\"\($0.id)\": \(fitJSONNumber($1))" }.joined(separator: ", ") + "},\n"
            text += "  \"results\": [\n" + result.fits.enumerated().map { i, f in
                "    {\"start\": \(i + 1), \"nllh\": \(fitJSONNumber(f.nllh)), \"objective\": \(fitJSONNumber(f.objective)), \"iterations\": \(f.iterations), \"evaluations\": \(f.evaluations), \"stop\": \"\(f.stop)\"}"
            }.joined(separator: ",\n") + "\n  ]\n}\n"
            return text
        case .text:
            var text = "best nllh \(fitNumber(best.nllh)) (objective \(fitNumber(best.objective))); \(result.converged()) of \(result.fits.count) starts within 0.1 of it\n"
            text += "start  objective        nllh             iterations  stop\n"
            for (i, f) in result.fits.enumerated() {
                text += "\(padded(String(i + 1), 5))  \(padded(fitNumber(f.objective), 15, left: true))  \(padded(fitNumber(f.nllh), 15, left: true))  \(padded(String(f.iterations), 10))  \(f.stop)\n"
            }
            text += "best parameters:\n"
            for (k, name) in names.enumerated() { text += "  \(name) = \(fitNumber(all[estimated[k]]))\n" }
            return text
        }
    }
}

extension ProfileLikelihood {
    /// The profile: its optimum, the 95 % interval from the χ² threshold and every point.
    public func text(format: FitTextFormat) -> String {
        let name = parameter
        let bound = { (v: Double?) in v.map(fitNumber) ?? "none (not identifiable on this side)" }
        var text: String
        switch format {
        case .text:
            text = "profile of \(name) (\(scale.rawValue) scale): optimum \(fitNumber(optimum.value)), objective \(fitNumber(optimum.objective))\n"
            text += "95% interval (χ² threshold \(fitNumber(Self.threshold))): [\(bound(interval.lower)), \(bound(interval.upper))]\n"
            text += "value            objective − optimum\n"
            for p in points { text += "\(padded(fitNumber(p.value), 15, left: true))  \(fitNumber(p.objective - optimum.objective))\n" }
        case .json:
            text = "{\"parameter\": \"\(name)\", \"scale\": \"\(scale.rawValue)\", \"optimum\": \(fitJSONNumber(optimum.value)), "
            text += "\"best_objective\": \(fitJSONNumber(optimum.objective)), \"threshold\": \(fitJSONNumber(Self.threshold)), "
            text += "\"interval\": [\(interval.lower.map(fitJSONNumber) ?? "null"), \(interval.upper.map(fitJSONNumber) ?? "null")], \"points\": ["
            text += points.map { "[\(fitJSONNumber($0.value)), \(fitJSONNumber($0.objective))]" }.joined(separator: ", ") + "]}\n"
        }
        return text
    }
}

/// A number with 10 significant digits, as text.
public func fitNumber(_ v: Double) -> String { String(format: "%.10g", v) }

/// A number for JSON (17 significant digits; non-finite values as null).
func fitJSONNumber(_ v: Double) -> String { v.isFinite ? String(format: "%.17g", v) : "null" }

/// `text` padded with spaces to `width` (right-aligned, or left-aligned).
func padded(_ text: String, _ width: Int, left: Bool = false) -> String {
    let fill = String(repeating: " ", count: max(0, width - text.count))
    return left ? text + fill : fill + text
}
