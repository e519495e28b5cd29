import Foundation
import PathwayModel
import Simulator

/// A stimulus–response curve over a log-spaced sweep, with its EC values, effective Hill coefficient
/// and a fitted Hill curve.
public struct DoseResponse: Sendable {
    public var input: String
    public var readout: String
    public var doses: [Double]
    public var responses: [Double]
    /// Points whose evaluation failed (their response is NaN), with the reason.
    public var failures: [(dose: Double, reason: String)]
    /// The doses at which the response has covered 10 %, 50 % and 90 % of its range (min to max),
    /// by linear interpolation in log dose; nil when not crossed.
    public var ec10: Double?
    public var ec50: Double?
    public var ec90: Double?
    /// nH = ln 81 / ln(EC90/EC10): 1 for a Michaelian response, larger for a steeper one.
    public var hillCoefficient: Double?
    public var fit: HillFit?
    /// Whether the response rises with the dose.
    public var increasing: Bool

    /// Sweeps `input` (a parameter or a species' initial value) over `steps` log-spaced values from
    /// `from` to `to` and reads `readout` at each, on `jobs` threads.
    public static func run(model: Model, input: String, readout: Readout, from: Double, to: Double, steps: Int,
                           jobs: Int = Parallel.availableCores) throws(AnalysisError) -> DoseResponse {
        let axis = try ScanAxis(name: input, from: from, to: to, steps: steps, logarithmic: true)
        guard steps >= 4 else { throw AnalysisError(.invalidValue, "a dose–response needs at least 4 steps, not \(steps)") }
        _ = try ReadoutEvaluator(model: model, readout: readout, variables: [input])
        let doses = axis.values
        let outcomes = try ReadoutEvaluator.outcomes(
            model: model, readout: readout, variables: [input], runs: steps, jobs: jobs) { i in [doses[i]] }
        var result = analyse(doses: doses, responses: outcomes.map(\.value))
        result.input = input
        result.readout = readout.label
        result.failures = zip(doses, outcomes).compactMap { d, o in o.failure.map { (d, $0) } }
        return result
    }

    /// EC values, nH and a Hill fit for given (dose, response) pairs (doses ascending and positive).
    public static func analyse(doses: [Double], responses: [Double]) -> DoseResponse {
        let valid = zip(doses, responses).filter { $0.1.isFinite }
        let x = valid.map(\.0), y = valid.map(\.1)
        var out = DoseResponse(input: "", readout: "", doses: doses, responses: responses, failures: [],
                               increasing: (y.last ?? 0) >= (y.first ?? 0))
        guard x.count >= 2, let lo = y.min(), let hi = y.max(), hi > lo else { return out }
        func crossing(_ fraction: Double) -> Double? {
            let level = out.increasing ? lo + fraction * (hi - lo) : hi - fraction * (hi - lo)
            for i in 0..<(x.count - 1) {
                let (a, b) = (y[i], y[i + 1])
                let crosses = out.increasing ? (a <= level && b >= level) : (a >= level && b <= level)
                guard crosses, a != b else { continue }
                let t = (level - a) / (b - a)
                return exp(log(x[i]) + t * (log(x[i + 1]) - log(x[i])))
            }
            return nil
        }
        out.ec10 = crossing(0.1)
        out.ec50 = crossing(0.5)
        out.ec90 = crossing(0.9)
        if let e10 = out.ec10, let e90 = out.ec90, e10 != e90 {
            out.hillCoefficient = log(81) / abs(log(e90 / e10))
        }
        let start = HillCurve(bottom: y.first!, top: y.last!, ec50: out.ec50 ?? exp((log(x.first!) + log(x.last!)) / 2),
                              n: out.hillCoefficient ?? 1)
        out.fit = HillFit.fit(x: x, y: y, start: start)
        return out
    }

    public func formatted(_ format: Comparison.Format, unit: String = "") -> String {
        let fitted = doses.map { d in fit.map { $0.curve.value(at: d) } ?? .nan }
        switch format {
        case .csv:
            var out = "\(input),\(readout.replacingSpaces),hill_fit\n"
            for i in doses.indices {
                out += [doses[i], responses[i], fitted[i]].map(NumberFormat.exact).joined(separator: ",") + "\n"
            }
            return out
        case .json:
            func opt(_ v: Double?) -> String { v.map(JSON.number) ?? "null" }
            var out = "{\n  \"input\": \(JSON.string(input)),\n  \"readout\": \(JSON.string(readout)),\n"
            out += "  \"ec10\": \(opt(ec10)), \"ec50\": \(opt(ec50)), \"ec90\": \(opt(ec90)), \"hill_coefficient\": \(opt(hillCoefficient)),\n"
            if let f = fit {
                out += "  \"fit\": {\"bottom\": \(JSON.number(f.curve.bottom)), \"top\": \(JSON.number(f.curve.top)), \"ec50\": \(JSON.number(f.curve.ec50)), \"n\": \(JSON.number(f.curve.n)), \"rss\": \(JSON.number(f.rss)), \"converged\": \(f.converged)},\n"
            } else {
                out += "  \"fit\": null,\n"
            }
            out += "  \"doses\": [" + doses.map(JSON.number).joined(separator: ", ") + "],\n"
            out += "  \"responses\": [" + responses.map(JSON.number).joined(separator: ", ") + "]\n}\n"
            return out
        case .text:
            let u = unit.isEmpty ? "" : " \(unit)"
            func show(_ v: Double?) -> String { v.map { NumberFormat.short($0) + u } ?? "not reached" }
            var out = "Dose–response of \(readout) to \(input) (\(doses.count) log-spaced values, \(NumberFormat.short(doses.first ?? .nan)) to \(NumberFormat.short(doses.last ?? .nan))\(u))\n"
            let finite = responses.filter(\.isFinite)
            if let lo = finite.min(), let hi = finite.max(), !(hi - lo > 1e-12 * max(abs(hi), abs(lo), 1e-300)) {
                out += "  response is flat at \(NumberFormat.short(hi)): \(input) has no effect on \(readout) over this range (no EC values, no fit)\n"
                return out
            }
            out += "  response \(increasing ? "rises" : "falls") from \(NumberFormat.short(responses.first ?? .nan)) to \(NumberFormat.short(responses.last ?? .nan)); range min…max \(NumberFormat.short(responses.filter(\.isFinite).min() ?? .nan))…\(NumberFormat.short(responses.filter(\.isFinite).max() ?? .nan))\n"
            out += "  EC10 \(show(ec10)), EC50 \(show(ec50)), EC90 \(show(ec90)) (interpolated in log dose)\n"
            out += "  effective Hill coefficient nH = ln 81 / ln(EC90/EC10) = \(hillCoefficient.map { NumberFormat.short($0) } ?? "n/a")\n"
            if let f = fit {
                out += "  Hill fit (least squares, Levenberg–Marquardt): bottom \(NumberFormat.short(f.curve.bottom)), top \(NumberFormat.short(f.curve.top)), EC50 \(NumberFormat.short(f.curve.ec50))\(u), n \(NumberFormat.short(f.curve.n)), RSS \(NumberFormat.short(f.rss))\(f.converged ? "" : " (not converged)")\n"
            }
            for f in failures { out += "warning: at \(input) = \(NumberFormat.short(f.dose)): \(f.reason)\n" }
            out += "\n"
            out += TextTable.render(header: [input, readout, "Hill fit"],
                                    rows: doses.indices.map { [NumberFormat.short(doses[$0]), NumberFormat.short(responses[$0]), NumberFormat.short(fitted[$0])] },
                                    rightAligned: [0, 1, 2])
            return out
        }
    }
}

extension String {
    var replacingSpaces: String { String(map { $0 == " " || $0 == "-" ? "_" : $0 }) }
}
