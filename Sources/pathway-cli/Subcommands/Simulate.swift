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

        @Option(name: .long, help: "Output format: csv, tsv or json.")
        var format: TableFormat = .csv

        @Option(name: .shortAndLong, help: "Write to this file (atomically) instead of standard output.")
        var output: String?

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
            try checkDestinations([output, plot].compactMap { $0 }.filter { $0 != "-" })
            let clock = ContinuousClock()
            let t0 = clock.now
            var model = try loadModel(file)
            model = try perturbations.apply(to: model)
            let t1 = clock.now
            let compiled: CompiledModel
            do { compiled = try CompiledModel(model) } catch {
                throw CommandError("cannot compile '\(file)': \(error.message)")
            }
            let t2 = clock.now
            let unit = model.units.time
            var settings = try simulation.settings(for: model, stochastic: true)
            if let step { settings.output = .step(try parseDuration(step, option: "--step", unit: unit)) }
            if let dt { settings.fixedStep = try parseDuration(dt, option: "--dt", unit: unit) }
            let observe = species.map { $0.split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) } }
                ?? model.simulation.observe
            if simulation.isStochastic {
                try runStochastic(model: model, compiled: compiled, settings: settings, observe: observe, started: t0)
                return
            }
            let result: SimulationResult
            do { result = try compiled.simulate(settings, observe: observe) } catch {
                throw stochasticError(error) // `file:line:column: error:` when the error names where it is
            }
            let text = TableWriter.write(result, format: format)
            var svg: String?
            if plot != nil {
                let series = result.names.indices.map { k in result.values.map { $0[k] } }
                svg = timeCoursePlot(title: model.name.isEmpty ? model.id : model.name, model: model, names: result.names,
                                     runs: [("", result.times, series)], logY: logY)
            }
            try emit(text, to: output)
            if let plot, let svg { try writeSVG(svg, to: plot) }
            let t3 = clock.now
            if stats {
                let s = result.statistics
                let lines = [
                    "method \(settings.method.rawValue): \(s.description)",
                    String(format: "load %.2f ms, compile %.2f ms, solve %.2f ms, total %.2f ms",
                           ms(t1 - t0), ms(t2 - t1), result.solveSeconds * 1000, ms(t3 - t0)),
                    "state variables: \(compiled.dimension); output points: \(result.times.count)",
                ]
                FileHandle.standardError.write(Data((lines.joined(separator: "\n") + "\n").utf8))
            }
            if result.randomEventChoices > 0 {
                // The run depended on the seed: say which, so that it can be repeated or varied.
                FileHandle.standardError.write(Data("note: events due at the same time with equal priority were ordered at random \(result.randomEventChoices) times (seed \(settings.seed); --seed to change)\n".utf8))
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

func ms(_ d: Duration) -> Double {
    Double(d.components.seconds) * 1000 + Double(d.components.attoseconds) * 1e-15
}

/// Parses `120min`, `2 h`, `30` (model units).
func parseDuration(_ text: String, option: String, unit: TimeUnit) throws -> Double {
    guard let q = Quantity(parsing: text), let v = q.time(in: unit) else {
        throw CommandError("\(option): '\(text)' is not a duration (use a number with s, min, h or d, like '120min')")
    }
    return v
}

extension Method: ExpressibleByArgument {}

extension TableFormat: ExpressibleByArgument {}

