import Analysis
import ArgumentParser
import Foundation
import PathwayModel
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
        Output.note("seed: \(seed)")
        let title = model.name.isEmpty ? model.id : model.name
        let text: String, statistics: String
        var svg: String?
        do {
            if let runs = stochastic.runs {
                let ensemble = try StochasticEnsemble.run(model: model, settings: settings, observe: observe, options: stochastic.options,
                                                          runs: runs, seed: seed, jobs: stochastic.threads.count,
                                                          keep: stochastic.trajectories ? runs : (plot != nil ? 3 : 0))
                text = StochasticTableWriter.write(ensemble, format: format.format, trajectories: stochastic.trajectories)
                svg = plot.map { _ in ensemble.plot(title: title, model: model, logY: logY) }
                statistics = ensemble.statisticsText
            } else {
                let simulator = try StochasticSimulator(compiled, settings: settings, observe: observe, options: stochastic.options)
                let (result, counts) = try simulator.trajectory(seed: seed)
                text = StochasticTableWriter.header(seed: seed, runs: nil, notes: simulator.notes, format: format.format)
                    + StochasticTableWriter.body(result, format: format.format, seed: seed, notes: simulator.notes)
                svg = plot.map { _ in timeCoursePlot(title: title + " (stochastic, seed \(seed))", model: model, result: result, logY: logY) }
                statistics = counts.text(seconds: result.solveSeconds)
            }
        } catch {
            throw stochasticError(error)
        }
        try output.write(text)
        if let plot, let svg { try Output.write(svg, to: plot) }
        if stats {
            Output.note("method ssa: \(statistics); total \(String(format: "%.2f", milliseconds(ContinuousClock().now - started))) ms")
        }
    }
}
