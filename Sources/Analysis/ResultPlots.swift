import Foundation
import PathwayModel
import Plot
import Simulator

// Plots of the analyses' results, in the model's words (what `--plot` draws).

/// One simulation's time courses (a line per species or observable).
public func timeCoursePlot(title: String, model: Model, result: SimulationResult, logY: Bool) -> String {
    let series = result.names.indices.map { k in result.values.map { $0[k] } }
    return timeCoursePlot(title: title, model: model, names: result.names, runs: [("", result.times, series)], logY: logY)
}

extension StochasticEnsemble {
    /// The mean of each column with a ±1 sd band (never below zero for a quantity that never is), over
    /// the first three single trajectories (thin lines) when there are at most three columns.
    public func plot(title: String, model: Model, logY: Bool) -> String {
        let span = times.last ?? 0
        let display = displayTimeUnit(span: span, modelUnit: model.units.time)
        let factor = model.units.time.seconds / display.seconds
        let x = times.map { $0 * factor }
        var series: [Series] = []
        var bands: [Band] = []
        for (k, name) in names.enumerated() {
            let mean = self.mean.map { $0[k] }, sd = self.sd.map { $0[k] }
            // A quantity that is never negative (counts) is not drawn below zero.
            let floor = mean.allSatisfy { $0 >= 0 } ? 0 : -Double.infinity
            bands.append(Band(series: series.count, x: x, lower: zip(mean, sd).map { max($0 - $1, floor) }, upper: zip(mean, sd).map { $0 + $1 }))
            series.append(Series(name: "\(name) mean ± 1 sd", x: x, y: mean))
        }
        for (r, run) in trajectories.prefix(3).enumerated() {
            for (k, name) in names.enumerated() where names.count <= 3 {
                series.append(Series(name: "\(name), run \(r + 1)", x: x, y: run.map { $0[k] }))
            }
        }
        var plot = LinePlot(title: "\(title): \(runs) runs (seed \(seed))", xLabel: "time (\(display.rawValue))",
                            yLabel: "molecules", series: series, logY: logY)
        plot.bands = bands
        return plot.svg()
    }
}

extension Comparison {
    /// The runs' time courses overlaid, one plot per observable (named by it), in `observe`'s order.
    public func plots(model: Model, logY: Bool) -> [(name: String, svg: String)] {
        observe.enumerated().map { k, name in
            (name, timeCoursePlot(title: "\(name): \(model.name.isEmpty ? model.id : model.name)", model: model, names: [name],
                                  runs: runs.map { ($0.label, $0.times, [$0.series[k]]) }, logY: logY))
        }
    }
}

extension DoseResponse {
    /// The dose range asked for: `from` and `to` as text (a concentration unit converts for a species),
    /// each by default the input's value in `model` divided or multiplied by 1000.
    public static func range(of input: String, in model: Model, from: String?, to: String?) throws(AnalysisError) -> (lower: Double, upper: Double) {
        let current = model.parameter(named: input)?.value ?? model.species(named: input)?.initialValue ?? 0
        func bound(_ text: String?, _ which: String, _ factor: Double) throws(AnalysisError) -> Double {
            if let text { return try ScanAxis.value(text, of: input, in: model, bound: which) }
            guard current > 0 else {
                throw AnalysisError(.invalidValue, "\(input) is 0 in the model: give the range", setting: .doseRange, value: input)
            }
            return current * factor
        }
        let lower = try bound(from, "lower", 1e-3)
        return (lower, try bound(to, "upper", 1e3))
    }

    /// The unit of the input's doses: the model's concentration unit for a species, none for a parameter.
    public static func unit(of input: String, in model: Model) -> String {
        model.species(named: input) != nil && model.parameter(named: input) == nil ? model.units.concentration.rawValue : ""
    }

    /// The responses (of `observe`) against the dose (log axis) with the fitted Hill curve over `lower`…`upper`.
    public func plot(model: Model, observe: String, lower: Double, upper: Double) -> String {
        var series = [Series(name: "simulated", x: doses, y: responses)]
        var markers = [true]
        if let fit {
            let n = 200
            let xs = (0...n).map { k in exp(Foundation.log(lower) + Double(k) / Double(n) * (Foundation.log(upper) - Foundation.log(lower))) }
            series.append(Series(name: "Hill fit (n = \(NumberFormat.short(fit.curve.n, digits: 3)))", x: xs, y: xs.map(fit.curve.value(at:))))
            markers.append(false)
        }
        let unit = Self.unit(of: input, in: model)
        let xLabel = unit.isEmpty ? input : "\(input) (\(unit))"
        let desc = "Dose–response of \(readout) to \(input)" + (ec50.map { "; EC50 \(NumberFormat.short($0))" } ?? "")
            + (hillCoefficient.map { ", nH \(NumberFormat.short($0, digits: 3))" } ?? "")
        return LinePlot(title: "\(readout) vs \(input)", description: desc, xLabel: xLabel,
                        yLabel: valueLabel([observe], model), series: series, logX: true, markers: markers).svg()
    }
}
