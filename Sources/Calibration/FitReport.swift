import Foundation
import Plot

/// One observable in one condition: the data and the model's curve through them.
public struct FitCurve: Sendable {
    public var observable: String
    public var condition: String
    public var times: [Double]
    public var simulated: [Double]
    public var dataTimes: [Double]
    public var data: [Double]
}

extension PEtabObjective {
    /// The observables' curves at `all` (every parameter, linear) on a grid of `points` times from 0 to the
    /// last measurement, with the data; formulas take the overrides of each group's first measurement.
    public func curves(_ all: [Double], points: Int = 201) -> [FitCurve] {
        let allIndex = Dictionary(uniqueKeysWithValues: problem.parameters.enumerated().map { ($1.id, $0) })
        func resolve(_ v: PEtabProblem.Value) -> Double {
            switch v {
            case .number(let x): return x
            case .parameter(let id): return allIndex[id].map { all[$0] } ?? .nan
            }
        }
        var out: [FitCurve] = []
        for run in runs {
            let end = run.times.last ?? 0
            let grid = end > 0 ? (0..<points).map { end * Double($0) / Double(points - 1) } : [0]
            guard let output = try? run.simulate(values: resolve, settings: settings, sensitivities: false, outputTimes: grid) else { continue }
            var seen: [String] = []
            for mi in run.measurements where !seen.contains(problem.measurements[mi].observable) {
                let meas = problem.measurements[mi]
                seen.append(meas.observable)
                let obs = observables[meas.observable]!
                var ys: [Double] = []
                for t in grid.indices {
                    var slots = obs.slotTemplate
                    for (s, k) in obs.modelSlots.enumerated() { slots[s] = output.values[t][k] }
                    for (s, v) in meas.observableParameters.enumerated() where s < obs.observableParameterSlots.count { slots[obs.observableParameterSlots[s]] = resolve(v) }
                    for (s, v) in meas.noiseParameters.enumerated() where s < obs.noiseParameterSlots.count { slots[obs.noiseParameterSlots[s]] = resolve(v) }
                    for (s, id) in obs.petabSlots { slots[s] = resolve(.parameter(id)) }
                    ys.append(obs.formula.value(slots))
                }
                let rows = run.measurements.filter { problem.measurements[$0].observable == meas.observable }
                let label = run.preequilibration.map { "\($0) → \(run.simulation)" } ?? run.simulation
                out.append(FitCurve(observable: meas.observable, condition: label, times: grid, simulated: ys,
                                    dataTimes: rows.map { problem.measurements[$0].time }, data: rows.map { problem.measurements[$0].value }))
            }
        }
        return out
    }

    /// The problem's parameter table with the nominal values replaced by `all` (every parameter, linear):
    /// a PEtab parameter table another tool can read.
    public func parameterTable(_ all: [Double]) -> String {
        var text = "parameterId\tparameterScale\tlowerBound\tupperBound\tnominalValue\testimate\n"
        for (p, v) in zip(problem.parameters, all) {
            text += "\(p.id)\t\(p.scale.rawValue)\t\(format(p.lower))\t\(format(p.upper))\t\(format(v))\t\(p.estimate ? 1 : 0)\n"
        }
        return text
    }
}

/// The shortest text that reads back as the same number (Swift's own), as PEtab tables hold them.
func format(_ v: Double) -> String {
    if v.isInfinite { return v > 0 ? "inf" : "-inf" }
    return "\(v)"
}

/// The plots of a fit, as SVG text by file name.
public enum FitPlots {
    /// The waterfall plot: every start's final objective, sorted, relative to the best (log scale), so a
    /// flat first step shows how many starts found the best fit.
    public static func waterfall(_ result: MultiStartResult, problem name: String) -> String {
        let best = result.best.objective
        let sorted = result.fits.map(\.objective).filter(\.isFinite).sorted()
        let x = sorted.indices.map { Double($0 + 1) }
        let y = sorted.map { $0 - best + 1 }
        let plot = LinePlot(title: "Waterfall: \(name)", description: "Final objective of each start minus the best, plus 1 (best: \(String(format: "%.4f", best)))",
                            xLabel: "start (sorted)", yLabel: "objective − best + 1", series: [Series(name: "starts", x: x, y: y)],
                            logY: true, markers: [true])
        return plot.svg()
    }

    /// One plot per observable: the data as markers and the fitted simulation as lines, per condition.
    public static func dataAgainstFit(_ curves: [FitCurve]) -> [(name: String, svg: String)] {
        var order: [String] = []
        for c in curves where !order.contains(c.observable) { order.append(c.observable) }
        return order.map { observable in
            var series: [Series] = [], markers: [Bool] = []
            for c in curves where c.observable == observable {
                series.append(Series(name: "\(c.condition) data", x: c.dataTimes, y: c.data))
                markers.append(true)
                series.append(Series(name: "\(c.condition) fit", x: c.times, y: c.simulated))
                markers.append(false)
            }
            let plot = LinePlot(title: observable, description: "Data (markers) and the best fit (lines)", xLabel: "time",
                                yLabel: observable, series: series, markers: markers)
            return ("fit-\(observable).svg", plot.svg())
        }
    }
}
