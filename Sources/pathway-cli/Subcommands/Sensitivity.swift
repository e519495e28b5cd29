import Analysis
import ArgumentParser
import Foundation
import PathwayModel
import Simulator

extension Pathway {
    struct Sensitivity: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Normalised local sensitivities ∂ln(readout)/∂ln(p) of a readout to every parameter, ranked.",
            discussion: """
                Central finite differences: each parameter scaled by 1 ± --step (default 1 %), the readout \
                integrated with tight tolerances, on every core. Parameters whose value is 0 get S = 0.
                Examples:
                  pathway sensitivity models/il11.yaml --observe pSTAT3 --metric peak
                  pathway sensitivity models/huang-ferrell-1996.yaml --observe MAPK_PP --steady-state --format csv
                """)

        @Argument(help: "A model file.")
        var file: String

        @OptionGroup var readout: ReadoutOptions

        @Option(name: .long, help: "Comma-separated parameters (default: all the model's parameters).")
        var params: String?

        @Flag(name: .customLong("include-initial"), help: "Also the initial amounts of the species that have one.")
        var includeInitial = false

        @Option(name: .long, help: "Relative step of the central differences.")
        var step: Double = 0.01

        @OptionGroup var simulation: SimulationOptions

        @OptionGroup var perturbations: PerturbationOptions

        @OptionGroup var format: FormatOption<Comparison.Format>

        @OptionGroup var output: OutputOption

        @OptionGroup var threads: JobsOption

        func validate() throws {
            if !(step > 0 && step < 0.5) { throw ValidationError("--step must be between 0 and 0.5, not \(step)") }
        }

        func run() throws {
            try Output.check([output.output])
            let model = try perturbations.apply(to: try loadModel(file))
            let settings = try simulation.settings(for: model)
            var names = params.map(parseList) ?? model.parameters.map(\.id)
            if includeInitial { names += model.species.filter { $0.initialValue != 0 }.map(\.id) }
            let readout = self.readout.readout(settings)
            let list = names
            let result = try analysis { () throws(AnalysisError) in
                try SensitivityAnalysis.run(model: model, readout: readout, parameters: list, relativeStep: step, jobs: threads.count)
            }
            try output.write(result.formatted(format.format))
        }
    }
}
