import PathwayModel
import Plot

// Plots of a model's time courses, in the model's words: axes labelled with its units, time in the unit
// a reader thinks in.

/// The axis label of time, e.g. `time (min)`.
public func timeLabel(_ model: Model) -> String { "time (\(model.units.time.rawValue))" }

/// The largest unit (never smaller than the model's) in which `span` (in model units) is at least 2.
public func displayTimeUnit(span: Double, modelUnit: TimeUnit) -> TimeUnit {
    let seconds = span * modelUnit.seconds
    for unit in [TimeUnit.day, .hour, .minute] where unit.seconds >= modelUnit.seconds && seconds >= 2 * unit.seconds {
        return unit
    }
    return modelUnit
}

/// The axis label of some species or observables: their unit when they share the model's concentration unit.
public func valueLabel(_ names: [String], _ model: Model) -> String {
    let unit = model.units.concentration.rawValue
    let units = names.map { n in model.observable(named: n).map { $0.unit ?? "" } ?? (model.species(named: n) != nil ? unit : "") }
    let common = Set(units)
    if names.count > 1, common == ["1"] { return "fraction" }
    let what = names.count == 1 ? names[0] : (common.count == 1 ? "concentration" : "value")
    if common.count == 1, let u = common.first, !u.isEmpty, u != "1" { return "\(what) (\(u))" }
    return what
}

/// Plots time courses (one series per name and run) as an SVG line plot.
public func timeCoursePlot(title: String, model: Model, names: [String], runs: [(label: String, times: [Double], series: [[Double]])],
                    logY: Bool) -> String {
    // Time in the unit a reader thinks in: a 4 h course in hours, not 14 400 s.
    let span = runs.flatMap(\.times).max() ?? 0
    let display = displayTimeUnit(span: span, modelUnit: model.units.time)
    let factor = model.units.time.seconds / display.seconds
    var series: [Series] = []
    for run in runs {
        for (k, name) in names.enumerated() where k < run.series.count {
            let label = runs.count == 1 ? name : (names.count == 1 ? run.label : "\(name) — \(run.label)")
            series.append(Series(name: label, x: run.times.map { $0 * factor }, y: run.series[k]))
        }
    }
    return LinePlot(title: title, xLabel: "time (\(display.rawValue))", yLabel: valueLabel(names, model), series: series, logY: logY).svg()
}
