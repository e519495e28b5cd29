import Foundation
import PathwayModel
import Simulator

/// The normalised local sensitivity of a readout M to one parameter p.
public struct SensitivityEntry: Sendable {
    public var parameter: String
    public var value: Double
    /// S = ∂ln M/∂ln p ≈ (M₊ − M₋) / (2h·M₀), M± at p·(1 ± h); NaN when M₀ = 0 or a run failed.
    public var sensitivity: Double
    public var plus: Double
    public var minus: Double
    public var note: String?
}

/// Normalised local sensitivities of a readout to every parameter, ranked by |S|.
///
/// Central finite differences with relative step h (default 1 %): the error is O(h²) in S plus the
/// integration error divided by h, so the readout is integrated with tight tolerances (rtol 1e-9 unless
/// the settings are tighter). Parameters whose value is 0 cannot be scaled and are listed with S = 0.
public struct SensitivityAnalysis: Sendable {
    public var readout: String
    public var baseline: Double
    public var relativeStep: Double
    /// Ranked by |S|, largest first (ties by name).
    public var entries: [SensitivityEntry]

    public static func run(model: Model, readout: Readout, parameters: [String]? = nil, relativeStep: Double = 0.01,
                           jobs: Int = Parallel.availableCores) throws(AnalysisError) -> SensitivityAnalysis {
        guard relativeStep > 0, relativeStep < 0.5 else {
            throw AnalysisError(.invalidValue, "the relative step must be between 0 and 0.5, not \(relativeStep)")
        }
        let names = parameters ?? model.parameters.map(\.id)
        guard !names.isEmpty else { throw AnalysisError(.invalidValue, "the model has no parameters") }
        for n in names { try model.checkVariable(n) }
        var readout = readout
        readout.settings.rtol = min(readout.settings.rtol, 1e-9)
        readout.settings.atol = min(readout.settings.atol, 1e-12)
        let base = names.map { n in model.parameter(named: n)?.value ?? model.species(named: n)!.initialValue }
        let frozen = readout
        _ = try ReadoutEvaluator(model: model, readout: frozen, variables: names)
        // Run 0: baseline; runs 2k+1 and 2k+2: parameter k up and down.
        let runs = 1 + 2 * names.count
        let o = try ReadoutEvaluator.outcomes(model: model, readout: frozen, variables: names, runs: runs, jobs: jobs) { i in
            var v = base
            if i > 0 {
                let k = (i - 1) / 2
                v[k] *= (i % 2 == 1) ? 1 + relativeStep : 1 - relativeStep
            }
            return v
        }
        guard o[0].failure == nil else { throw AnalysisError(.numerical, "the baseline run failed: \(o[0].failure!)") }
        let m0 = o[0].value
        var entries: [SensitivityEntry] = []
        for (k, name) in names.enumerated() {
            let up = o[2 * k + 1], down = o[2 * k + 2]
            var note: String? = up.failure ?? down.failure
            var s = (up.value - down.value) / (2 * relativeStep * m0)
            if base[k] == 0 {
                s = 0
                note = "value 0: cannot be scaled"
            } else if m0 == 0 {
                note = note ?? "the readout is 0 at baseline"
            }
            entries.append(SensitivityEntry(parameter: name, value: base[k], sensitivity: s, plus: up.value, minus: down.value, note: note))
        }
        entries.sort { a, b in
            let x = a.sensitivity.isNaN ? -1 : abs(a.sensitivity), y = b.sensitivity.isNaN ? -1 : abs(b.sensitivity)
            return x != y ? x > y : a.parameter < b.parameter
        }
        return SensitivityAnalysis(readout: readout.label, baseline: m0, relativeStep: relativeStep, entries: entries)
    }

    public func formatted(_ format: Comparison.Format) -> String {
        switch format {
        case .csv:
            var out = "parameter,value,sensitivity,metric_plus,metric_minus\n"
            for e in entries {
                out += ([e.parameter] + [e.value, e.sensitivity, e.plus, e.minus].map(NumberFormat.exact)).joined(separator: ",") + "\n"
            }
            return out
        case .json:
            var out = "{\n  \"readout\": \(JSON.string(readout)),\n  \"baseline\": \(JSON.number(baseline)),\n  \"relative_step\": \(JSON.number(relativeStep)),\n  \"entries\": [\n"
            out += entries.map { e in
                "    {\"parameter\": \(JSON.string(e.parameter)), \"value\": \(JSON.number(e.value)), \"sensitivity\": \(JSON.number(e.sensitivity))}"
            }.joined(separator: ",\n")
            return out + "\n  ]\n}\n"
        case .text:
            var out = "Normalised sensitivities S = ∂ln(\(readout))/∂ln p, central differences at ±\(NumberFormat.short(relativeStep * 100))%; baseline \(NumberFormat.short(baseline))\n\n"
            out += TextTable.render(header: ["rank", "parameter", "value", "S", "note"],
                                    rows: entries.enumerated().map { i, e in
                                        ["\(i + 1)", e.parameter, NumberFormat.short(e.value), NumberFormat.short(e.sensitivity, digits: 3), e.note ?? ""]
                                    }, rightAligned: [0, 2, 3])
            return out
        }
    }
}
