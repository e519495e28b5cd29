import Analysis
import ArgumentParser
import Foundation
import PathwayModel
import Simulator

extension Pathway {
    struct Compare: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Compare scenarios with the baseline: peak, time to peak, final value, AUC and fold changes.",
            discussion: """
                Runs the unperturbed model (the baseline), then each --scenario, and — when perturbation \
                options such as --knockout or --drug are given — one more run with those ("command-line"). \
                For each observable it reports the peak, the time to peak, the final value, the area under \
                the curve and the fold change of peak and AUC against the baseline. Everything is read \
                off the output grid (--points): the AUC is the trapezoid rule on that grid. \
                --plot overlays the runs (one SVG per observable when there are several: FILE-NAME.svg).
                Examples:
                  pathway compare models/il11.yaml --scenario socs3-knockout --scenario shp2-knockout
                  pathway compare models/il11.yaml --scenario ruxolitinib --observe pSTAT3 --plot rux.svg
                  pathway compare models/il11.yaml --drug trametinib=10nM --format csv
                """)

        @Argument(help: "A model file.")
        var file: String

        @OptionGroup var perturbations: PerturbationOptions

        @Option(name: .long, help: "Comma-separated species or observables (default: the model's simulation.observe).")
        var observe: String?

        @OptionGroup var simulation: SimulationOptions

        @OptionGroup var format: FormatOption<Comparison.Format>

        @OptionGroup var output: OutputOption

        @Option(name: .long, help: "Overlay the runs' time courses in an SVG file.")
        var plot: String?

        @Flag(name: .customLong("log-y"), help: "Logarithmic value axis in the plot.")
        var logY = false

        @OptionGroup var threads: JobsOption

        @Option(name: .long, help: "With --method ssa: trajectories per run (default 100); readouts are their means ± sd.")
        var runs: Int?

        func validate() throws {
            if !simulation.isStochastic && runs != nil { throw ValidationError("--runs needs --method ssa") }
            if let runs, runs < 2 { throw ValidationError("--runs must be at least 2, not \(runs)") }
        }

        func run() throws {
            try Output.check([output.output, plot])
            let model = try loadModel(file)
            var runs: [ComparisonRun] = []
            for name in perturbations.scenario {
                runs.append(ComparisonRun(label: name, perturbations: try PerturbationOptions.scenario(name, in: model)))
            }
            if perturbations.hasAdHoc {
                runs.append(ComparisonRun(label: "command-line", perturbations: try perturbations.adHoc(for: model)))
            }
            if runs.isEmpty {
                throw CommandError("nothing to compare: give at least one --scenario (\(model.scenarios.isEmpty ? "the model defines none" : "the model's: " + model.scenarios.map(\.id).joined(separator: ", "))) or a perturbation such as --knockout")
            }
            let names = observe.map(parseList) ?? model.simulation.observe
            guard !names.isEmpty else {
                throw CommandError("nothing to observe: give --observe (the model has no simulation.observe)")
            }
            let settings = try simulation.settings(for: model, stochastic: true)
            let seed = simulation.isStochastic ? simulation.stochasticSeed : nil  // every run uses it
            if let seed { Output.note("seed: \(seed)") }
            let comparison = try analysis { () throws(AnalysisError) in
                if let seed {
                    return try Comparison.runStochastic(model: model, runs: runs, observe: names, settings: settings,
                                                        trajectories: self.runs ?? 100, seed: seed, jobs: threads.count)
                }
                return try Comparison.run(model: model, runs: runs, observe: names, settings: settings, jobs: threads.count)
            }
            try output.write(comparison.formatted(format.format))
            if let plot {
                for (name, svg) in comparison.plots(model: model, logY: logY) {
                    try Output.write(svg, to: Output.suffixed(plot, names.count > 1 ? name : nil))
                }
            }
            if comparison.runs.contains(where: { $0.failure != nil }) {
                throw CommandError(messages: comparison.runs.compactMap { r in r.failure.map { "run '\(r.label)' failed: \($0)" } })
            }
        }
    }
}
