import Analysis
import ArgumentParser
import Foundation
import PathwayModel
import Simulator

extension Pathway {
    struct Simulate: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Simulate a model over time and write the time course (CSV, TSV or JSON).",
            discussion: """
                Durations take units (s, min, h, d); a plain number is in the model's time unit.
                The output has a 'time' column, then one column per species or observable.
                Examples:
                  pathway simulate models/il11.yaml --t-end 2h --points 241 -o out/il11.csv
                  pathway simulate models/il11.yaml --scenario socs3-knockout --species pSTAT3,SOCS3
                  pathway simulate models/kholodenko-2000.yaml --method rk4 --step 1s --stats
                  pathway simulate models/il11.yaml --method ssa --seed 7          # one stochastic trajectory, in molecules
                  pathway simulate models/il11.yaml --method ssa --runs 1000 --plot noise.svg   # X-mean, X-sd
                """)

        @Argument(help: "A model file.")
        var file: String

        @OptionGroup var perturbations: PerturbationOptions

        @OptionGroup var simulation: SimulationOptions

        @Option(name: .long, help: "Output interval instead of --points; for euler and rk4 also the integration step (unless --dt).")
        var step: String?

        @Option(name: .long, help: "Integration step of the fixed-step methods (euler, rk4).")
        var dt: String?

        @Option(name: .long, help: "Comma-separated species or observables to write (default: the model's simulation.observe, else all).")
        var species: String?

        @OptionGroup var format: FormatOption<TableFormat>

        @OptionGroup var output: OutputOption

        @Flag(name: .long, help: "Print the solver's counters and the wall time of loading, compiling and solving.")
        var stats = false

        @Option(name: .long, help: "Also plot the time courses as SVG (labelled axes, legend; one line per species or observable).")
        var plot: String?

        @Flag(name: .customLong("log-y"), help: "Logarithmic value axis in the plot.")
        var logY = false

        @OptionGroup var stochastic: StochasticArguments

        func validate() throws {
            if simulation.points != nil && step != nil { throw ValidationError("give either --points or --step, not both") }
            try stochastic.validate(stochastic: simulation.isStochastic)
        }

        func run() throws {
            // Every destination must be writable before anything is computed or written.
            try Output.check([output.output, plot])
            let clock = ContinuousClock()
            let t0 = clock.now
            let model = try perturbations.apply(to: try loadModel(file))
            let t1 = clock.now
            let compiled: CompiledModel
            do { compiled = try CompiledModel(model) } catch { throw CommandError(compiling: file, error) }
            let t2 = clock.now
            var settings = try simulation.settings(for: model, stochastic: true)
            if let step { settings.output = .step(try parseDuration(step, option: "--step", unit: model.units.time)) }
            if let dt { settings.fixedStep = try parseDuration(dt, option: "--dt", unit: model.units.time) }
            let observe = species.map(parseList) ?? model.simulation.observe
            if simulation.isStochastic {
                return try runStochastic(model: model, compiled: compiled, settings: settings, observe: observe, started: t0)
            }
            let result: SimulationResult
            do { result = try compiled.simulate(settings, observe: observe) } catch {
                throw stochasticError(error) // `file:line:column: error:` when the error names where it is
            }
            let svg = plot.map { _ in timeCoursePlot(title: model.name.isEmpty ? model.id : model.name, model: model, result: result, logY: logY) }
            try output.write(TableWriter.write(result, format: format.format))
            if let plot, let svg { try Output.write(svg, to: plot) }
            if stats {
                Output.note(result.statisticsText(method: settings.method, load: t1 - t0, compile: t2 - t1, total: clock.now - t0,
                                                  dimension: compiled.dimension))
            }
            if result.randomEventChoices > 0 {
                // The run depended on the seed: say which, so that it can be repeated or varied.
                Output.note("note: events due at the same time with equal priority were ordered at random \(result.randomEventChoices) times (seed \(settings.seed); --seed to change)")
            }
            if !result.status.isSuccess {
                let last = result.times.last.map { " (results up to t = \(TableWriter.number($0)) were written)" } ?? ""
                throw CommandError("simulation failed: \(describe(result.status, compiled, method: settings.method))\(last)")
            }
        }
    }
}

/// The solver status in the model's words (``CompiledModel/describe(_:)``) and advice that fits the
/// method, in the command line's options.
func describe(_ status: SolverStatus, _ compiled: CompiledModel, method: Method = .auto) -> String {
    let advice = method.isFixedStep
        ? "try a smaller --dt, or an adaptive method (--method auto)"
        : method == .auto || method == .bdf || method == .rosenbrock
            ? "try tighter tolerances (--rtol, --atol)"
            : "the model may be stiff (try --method auto or bdf)"
    switch status {
    case .nonFinite, .negativeState, .stepSizeUnderflow, .maxStepsReached: return compiled.describe(status) + "; " + advice
    default: return status.description
    }
}

