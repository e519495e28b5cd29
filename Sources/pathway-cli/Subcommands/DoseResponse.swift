import Analysis
import ArgumentParser
import Foundation
import PathwayModel
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

        @OptionGroup var solver: SolverOptions

        @OptionGroup var perturbations: PerturbationOptions

        @OptionGroup var format: FormatOption<Comparison.Format>

        @OptionGroup var output: OutputOption

        @Option(name: .long, help: "Plot the response and the fitted Hill curve (SVG, log dose axis).")
        var plot: String?

        @OptionGroup var threads: JobsOption

        func validate() throws {
            if at != nil && steadyState { throw ValidationError("give either --at TIME or --steady-state, not both") }
            if steps < 4 { throw ValidationError("--steps must be at least 4, not \(steps)") }
            if points < 2 { throw ValidationError("--points must be at least 2") }
        }

        func run() throws {
            try Output.check([output.output, plot])
            try solver.refuseStochastic()
            let model = try perturbations.apply(to: try loadModel(file))
            let (lower, upper) = try analysis { () throws(AnalysisError) in
                try model.checkVariable(input)
                try model.checkObservable(observe)
                return try DoseResponse.range(of: input, in: model, from: from, to: to)
            }
            var settings = SimulationSettings(end: 1, output: .points(points))
            solver.apply(to: &settings)
            var kind = Readout.Kind.steadyState
            if let at {
                settings.end = try parseDuration(at, option: "--at", unit: model.units.time)
                guard settings.end > 0 else { throw CommandError("--at must be after t = 0") }
                kind = .timeCourse(metric)
            }
            let readout = Readout(observe: observe, kind: kind, settings: settings)
            let result = try analysis { () throws(AnalysisError) in
                try DoseResponse.run(model: model, input: input, readout: readout, from: lower, to: upper, steps: steps, jobs: threads.count)
            }
            try output.write(result.formatted(format.format, unit: DoseResponse.unit(of: input, in: model)))
            if let plot { try Output.write(result.plot(model: model, observe: observe, lower: lower, upper: upper), to: plot) }
            if !result.failures.isEmpty {
                throw CommandError("\(result.failures.count) of \(steps) doses failed")
            }
        }
    }
}
