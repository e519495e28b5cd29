import Analysis
import ArgumentParser
import Foundation
import PathwayModel
import Plot
import Simulator

extension Pathway {
    struct DoseResponseCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "dose-response",
            abstract: "Sweep an input over a log-spaced range: EC10/EC50/EC90, effective Hill coefficient and a fitted Hill curve.",
            discussion: """
                The input is a species (its initial amount: a ligand, a drug species) or a parameter. The \
                response is --observe at steady state (the default, or --steady-state), or at --at TIME \
                (or another --metric of the time course up to TIME). EC values are interpolated in log dose \
                where the response covers 10 %, 50 % and 90 % of its range (min to max); the effective \
                Hill coefficient is nH = ln 81 / ln(EC90/EC10). The Hill curve \
                bottom + (top − bottom)·xⁿ/(EC50ⁿ + xⁿ) is fitted by least squares (Levenberg–Marquardt).
                Examples:
                  pathway dose-response models/huang-ferrell-1996.yaml --input E1 --observe MAPK_PP --from 1e-7 --to 1e-2 --steps 41
                  pathway dose-response models/il11.yaml --input IL11 --observe pSTAT3 --at 30min --metric peak --plot il11.svg
                """)

        @Argument(help: "A model file.")
        var file: String

        @Option(name: .long, help: "The species (initial amount) or parameter to vary.")
        var input: String

        @Option(name: .long, help: "The species or observable to read.")
        var observe: String

        @Option(name: .long, help: "Read the response at this time (with a unit, or in model units).")
        var at: String?

        @Flag(name: .customLong("steady-state"), help: "Read the response at steady state (the default without --at).")
        var steadyState = false

        @Option(name: .long, help: "With --at: the metric of the time course up to that time (final = the value at TIME).")
        var metric: Metric = .final

        @Option(name: .long, help: "Lowest dose (default: the input's value / 1000; a concentration unit converts for species).")
        var from: String?

        @Option(name: .long, help: "Highest dose (default: the input's value × 1000).")
        var to: String?

        @Option(name: .long, help: "Number of log-spaced doses (at least 4).")
        var steps: Int = 41

        @Option(name: .long, help: "Output points of each simulation (with --at).")
        var points: Int = 201

        @Option(name: .long, help: "Method: \(Method.allCases.map(\.rawValue).joined(separator: ", ")).")
        var method: Method = .auto

        @OptionGroup var perturbations: PerturbationOptions

        @Option(name: .long, help: "Output format: text, csv or json.")
        var format: Comparison.Format = .text

        @Option(name: .shortAndLong, help: "Write to this file (atomically) instead of standard output.")
        var output: String?

        @Option(name: .long, help: "Plot the response and the fitted Hill curve (SVG, log dose axis).")
        var plot: String?

        @OptionGroup var threads: JobsOption
        var jobs: Int? { threads.jobs }

        func validate() throws {
            if at != nil && steadyState { throw ValidationError("give either --at TIME or --steady-state, not both") }
            if steps < 4 { throw ValidationError("--steps must be at least 4, not \(steps)") }
            if points < 2 { throw ValidationError("--points must be at least 2") }
        }

        func run() throws {
            try checkDestinations([output, plot].compactMap { $0 }.filter { $0 != "-" })
            var model = try loadModel(file)
            model = try perturbations.apply(to: model)
            let m = model
            try analysis { () throws(AnalysisError) in
                try m.checkVariable(input)
                try m.checkObservable(observe)
            }
            let current = model.parameter(named: input)?.value ?? model.species(named: input)?.initialValue ?? 0
            func bound(_ text: String?, _ which: String, _ factor: Double) throws -> Double {
                if let text {
                    return try analysis { () throws(AnalysisError) in try ScanAxis.value(text, of: input, in: m, bound: which) }
                }
                guard current > 0 else {
                    throw CommandError("\(input) is 0 in the model: give the range with --from and --to")
                }
                return current * factor
            }
            let lo = try bound(from, "lower", 1e-3), hi = try bound(to, "upper", 1e3)
            let kind: Readout.Kind
            var settings = SimulationSettings(end: 1, output: .points(points), method: method)
            if let at {
                settings.end = try parseDuration(at, option: "--at", unit: model.units.time)
                guard settings.end > 0 else {
                    throw CommandError("--at must be after t = 0")
                }
                kind = .timeCourse(metric)
            } else {
                kind = .steadyState
            }
            let readout = Readout(observe: observe, kind: kind, settings: settings)
            let result = try analysis { () throws(AnalysisError) in
                try DoseResponse.run(model: m, input: input, readout: readout, from: lo, to: hi, steps: steps, jobs: jobs ?? defaultJobs)
            }
            let unit = model.species(named: input) != nil && model.parameter(named: input) == nil ? model.units.concentration.rawValue : ""
            try emit(result.formatted(format, unit: unit), to: output)
            if let plot {
                var series = [Series(name: "simulated", x: result.doses, y: result.responses)]
                var markers = [true]
                if let fit = result.fit {
                    let n = 200
                    let xs = (0...n).map { k in exp(Foundation.log(lo) + Double(k) / Double(n) * (Foundation.log(hi) - Foundation.log(lo))) }
                    series.append(Series(name: "Hill fit (n = \(NumberFormat.short(fit.curve.n, digits: 3)))", x: xs, y: xs.map(fit.curve.value(at:))))
                    markers.append(false)
                }
                let xLabel = unit.isEmpty ? input : "\(input) (\(unit))"
                let desc = "Dose–response of \(result.readout) to \(input)" + (result.ec50.map { "; EC50 \(NumberFormat.short($0))" } ?? "")
                    + (result.hillCoefficient.map { ", nH \(NumberFormat.short($0, digits: 3))" } ?? "")
                try writeSVG(LinePlot(title: "\(result.readout) vs \(input)", description: desc, xLabel: xLabel,
                                      yLabel: valueLabel([observe], model), series: series, logX: true, markers: markers).svg(), to: plot)
            }
            if !result.failures.isEmpty {
                throw CommandError("\(result.failures.count) of \(steps) doses failed")
            }
        }
    }
}
