import Analysis
import ArgumentParser
import Foundation
import PathwayModel
import Simulator

extension Pathway {
    struct Steps: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "The step-size lesson: error against step, measured orders, adaptive steps, Euler's stability limit.",
            discussion: """
                Runs each fixed-step method (euler, rk4) over a ladder of steps against a tight reference \
                (dopri5 at rtol 1e-12, or a stiff method when the model is stiff) and prints the error per \
                step and the measured order of convergence: the slope of log(error) against log(step) over \
                the asymptotic range (unstable runs and errors at the reference's floor left out). Adaptive \
                methods in --methods show the steps they choose. Then it searches (bisection) for the largest \
                step at which Euler stays stable and explains it by the fastest eigenvalue λ of the Jacobian: \
                Euler needs h < 2/|λ|.
                Examples:
                  pathway steps models/kholodenko-2000.yaml --t-end 1300s --species MAPK_PP --plot steps.svg
                  pathway steps models/huang-ferrell-1996.yaml --t-end 60s --methods euler,rk4,dopri5,bdf
                  pathway steps models/kholodenko-2000.yaml --steps 100s,50s,25s,12.5s --format json
                """)

        @Argument(help: "A model file.")
        var file: String

        @Option(name: .long, help: "Comma-separated species or observables whose error is measured (default: the model's simulation.observe, else all species).")
        var species: String?

        @Option(name: .long, help: "Comma-separated methods: fixed-step ones (euler, rk4) run over the ladder, adaptive ones (dopri5, rosenbrock, bdf, auto) show their steps.")
        var methods: String = "euler,rk4,dopri5"

        @OptionGroup var span: EndTimeOption

        @Option(name: .long, help: ArgumentHelp("Comma-separated step sizes (default: 10 halving from t-end/10 to t-end/5120, or from below Euler's stability bound on a stiff model).", valueName: "STEP,STEP,…"))
        var steps: String?

        @OptionGroup var tolerances: ToleranceOptions

        @Flag(name: .customLong("no-stability"), help: "Skip the search for the largest stable Euler step.")
        var noStability = false

        @OptionGroup var perturbations: PerturbationOptions

        @OptionGroup var format: FormatOption<StepSizeStudy.Format>

        @Option(name: .long, help: "Plot error against step (log–log, with order-1 and order-4 guides) as SVG; adaptive steps against time go to FILE-steps.svg.")
        var plot: String?

        @OptionGroup var output: OutputOption

        func run() throws {
            let methodList = try parseList(methods).map { name in
                guard let m = Method(rawValue: name) else {
                    let hint = closestMatch(to: name, in: Method.allCases.map(\.rawValue)).map { " (did you mean '\($0)'?)" } ?? ""
                    throw CommandError("--methods: unknown method '\(name)'\(hint); choose from \(Method.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                return m
            }
            guard !methodList.isEmpty else {
                throw CommandError("--methods: no methods given")
            }
            let stepsPlot = plot.flatMap { methodList.contains { !$0.isFixedStep } ? Output.suffixed($0, "steps") : nil }
            try Output.check([output.output, plot, stepsPlot])
            let model = try perturbations.apply(to: try loadModel(file))
            let unit = model.units.time
            let end = try span.end(for: model)
            let ladder = try steps.map { text in try parseList(text).map { try parseDuration($0, option: "--steps", unit: unit) } }
            let options = StepSizeStudy.Options(
                species: species.map(parseList) ?? [], end: end, methods: methodList, steps: ladder,
                rtol: tolerances.rtol, atol: tolerances.atol, findLargestStableEulerStep: !noStability)
            let study = try analysis { () throws(AnalysisError) in try StepSizeStudy.run(model: model, options: options) }
            // Everything is computed before anything is written.
            let text = study.formatted(format.format, model: model)
            let svgs = plot.map { [($0, study.errorPlot(model: model))] + (stepsPlot.map { [($0, study.stepPlot(model: model))] } ?? []) } ?? []
            try output.write(text)
            for (path, svg) in svgs { try Output.write(svg, to: path) }
        }
    }
}
