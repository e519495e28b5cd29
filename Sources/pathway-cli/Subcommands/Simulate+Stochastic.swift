import Analysis
import ArgumentParser
import Foundation
import PathwayModel
import Plot
import Simulator

/// The options of `--method ssa`.
struct StochasticArguments: ParsableArguments {
    @Option(name: .long, help: "With --method ssa: run N independent trajectories on every core and write each column's mean and standard deviation (X-mean, X-sd).")
    var runs: Int?

    @Flag(name: .long, help: "With --runs: write every run (a 'run' column) instead of the mean and standard deviation.")
    var trajectories = false

    @Option(name: .customLong("ssa-algorithm"), help: "With --method ssa: auto, direct or next-reaction (default auto: the direct method up to \(StochasticSimulator.autoThreshold) reaction channels).")
    var algorithm: SSAAlgorithm = .auto

    @Option(name: .long, help: "With --method ssa: how values become molecule counts: auto (Avogadro's number for molar units, else as they stand), avogadro, as-is.")
    var counts: CountConversion = .auto

    @OptionGroup var threads: JobsOption
    var jobs: Int? { threads.jobs }

    func validate(stochastic: Bool) throws {
        if !stochastic {
            for (given, name) in [(runs != nil, "--runs"), (trajectories, "--trajectories"),
                                  (algorithm != .auto, "--ssa-algorithm"), (counts != .auto, "--counts")] where given {
                throw ValidationError("\(name) needs --method ssa")
            }
        }
        if let runs, runs < 1 { throw ValidationError("--runs must be at least 1, not \(runs)") }
        if trajectories && runs == nil { throw ValidationError("--trajectories needs --runs") }
    }

    var options: StochasticOptions { StochasticOptions(algorithm: algorithm, counts: counts) }

}

/// `file:line:column: error: message` when the error names where in the model it is, else `error: message`.
func stochasticError(_ error: any Error) -> CommandError {
    if let e = error as? SimulationError, let location = e.location, location.line > 0 {
        return CommandError(preformatted: "\(location): error: \(e.message)")
    }
    return CommandError("\(error)")
}

extension SSAAlgorithm: ExpressibleByArgument {}
extension CountConversion: ExpressibleByArgument {}

extension Pathway.Simulate {
    /// `simulate --method ssa`: one trajectory, or `--runs N` of them summarised (or all written).
    func runStochastic(model: Model, compiled: CompiledModel, settings: SimulationSettings, observe: [String],
                       started: ContinuousClock.Instant) throws {
        let seed = simulation.stochasticSeed
        FileHandle.standardError.write(Data("seed: \(seed)\n".utf8))
        let title = model.name.isEmpty ? model.id : model.name
        let text: String
        var svg: String?
        var statsLine = ""
        if let runs = stochastic.runs {
            let ensemble: StochasticEnsemble
            do {
                ensemble = try StochasticEnsemble.run(model: model, settings: settings, observe: observe, options: stochastic.options,
                                                      runs: runs, seed: seed, jobs: stochastic.jobs ?? defaultJobs,
                                                      keep: stochastic.trajectories ? runs : (plot != nil ? 3 : 0))
            } catch {
                throw stochasticError(error)
            }
            text = StochasticTableWriter.write(ensemble, format: format, trajectories: stochastic.trajectories)
            if plot != nil {
                svg = ensemblePlot(title: title, model: model, ensemble)
            }
            statsLine = "runs \(runs), reaction events \(ensemble.reactionEvents), event executions \(ensemble.eventExecutions), "
                + String(format: "%.3f s (%.3g events/s)", ensemble.seconds, Double(ensemble.reactionEvents) / max(ensemble.seconds, 1e-9))
        } else {
            let result: SimulationResult
            let notes: [String]
            do {
                let simulator = try StochasticSimulator(compiled, settings: settings, observe: observe, options: stochastic.options)
                notes = simulator.notes
                let (r, s) = try simulator.trajectory(seed: seed)
                result = r
                statsLine = "reaction events \(s.reactionEvents), event executions \(s.eventExecutions), "
                    + String(format: "%.3f ms (%.3g events/s)", r.solveSeconds * 1000, Double(s.reactionEvents) / max(r.solveSeconds, 1e-9))
            } catch {
                throw stochasticError(error)
            }
            text = StochasticTableWriter.header(seed: seed, runs: nil, notes: notes, format: format)
                + StochasticTableWriter.body(result, format: format, seed: seed, notes: notes)
            if plot != nil {
                let series = result.names.indices.map { k in result.values.map { $0[k] } }
                svg = timeCoursePlot(title: title + " (stochastic, seed \(seed))", model: model, names: result.names,
                                     runs: [("", result.times, series)], logY: logY)
            }
        }
        try emit(text, to: output)
        if let plot, let svg { try writeSVG(svg, to: plot) }
        if stats {
            FileHandle.standardError.write(Data("method ssa: \(statsLine); total \(String(format: "%.2f", ms(ContinuousClock().now - started))) ms\n".utf8))
        }
    }

    /// The mean of each column with a ±1 sd band, over the first few single trajectories (thin lines).
    func ensemblePlot(title: String, model: Model, _ e: StochasticEnsemble) -> String {
        let span = e.times.last ?? 0
        let display = displayTimeUnit(span: span, modelUnit: model.units.time)
        let factor = model.units.time.seconds / display.seconds
        let x = e.times.map { $0 * factor }
        var series: [Series] = []
        var bands: [Band] = []
        for (k, name) in e.names.enumerated() {
            let mean = e.mean.map { $0[k] }, sd = e.sd.map { $0[k] }
            // A quantity that is never negative (counts) is not drawn below zero.
            let floor = mean.allSatisfy { $0 >= 0 } ? 0 : -Double.infinity
            bands.append(Band(series: series.count, x: x, lower: zip(mean, sd).map { max($0 - $1, floor) }, upper: zip(mean, sd).map { $0 + $1 }))
            series.append(Series(name: "\(name) mean ± 1 sd", x: x, y: mean))
        }
        for (r, run) in e.trajectories.prefix(3).enumerated() {
            for (k, name) in e.names.enumerated() where e.names.count <= 3 {
                series.append(Series(name: "\(name), run \(r + 1)", x: x, y: run.map { $0[k] }))
            }
        }
        var plot = LinePlot(title: "\(title): \(e.runs) runs (seed \(e.seed))", xLabel: "time (\(display.rawValue))",
                            yLabel: "molecules", series: series, logY: logY)
        plot.bands = bands
        return plot.svg()
    }
}

