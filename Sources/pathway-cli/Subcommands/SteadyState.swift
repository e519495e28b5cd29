import Analysis
import ArgumentParser
import Foundation
import PathwayModel
import Simulator

extension Pathway {
    struct SteadyStateCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "steady-state",
            abstract: "Find a steady state (Newton on the system reduced by its conservation laws) and its stability.",
            discussion: """
                Tries Newton from the initial state, then integrates towards t = --t-max looking for a settled \
                state to finish with Newton. Conserved moieties keep the totals of the initial state. The \
                stability comes from the eigenvalues of the reduced Jacobian. A model with algebraic rules that \
                have no closed form, or fast reactions with a non-linear equilibrium, is a differential–algebraic \
                system: Newton solves the rates and the rules together, the fallback integration uses BDF, and \
                the stability comes from the Jacobian with the algebraic variables eliminated \
                (J_yy − J_yz·J_zz⁻¹·J_zy); a fast reaction's species are shown, not the compiler's variables for \
                them. When no steady state is found it says why: the residual, the strategies tried and the \
                conserved moieties.
                Examples:
                  pathway steady-state models/huang-ferrell-1996.yaml
                  pathway steady-state models/il11.yaml --scenario socs3-knockout --format csv
                """)

        @Argument(help: "A model file.")
        var file: String

        @OptionGroup var perturbations: PerturbationOptions

        @OptionGroup var format: FormatOption<Comparison.Format>

        @OptionGroup var output: OutputOption

        @Option(name: .customLong("t-max"), help: "How far the fallback integration may go (with a unit, or in model units).")
        var tMax: String = "1e9"

        @Option(name: .long, help: "Accept when ‖f‖∞ ≤ TOL · max(1, ‖x‖∞) per model time unit.")
        var tolerance: Double = 1e-9

        func validate() throws {
            if !(tolerance > 0) { throw ValidationError("--tolerance must be positive") }
        }

        func run() throws {
            try Output.check([output.output])
            let model = try perturbations.apply(to: try loadModel(file))
            let compiled: CompiledModel
            do { compiled = try CompiledModel(model) } catch { throw CommandError(compiling: file, error) }
            // Algebraic rules with no consistent values at the start are refused at the rule, as `simulate` refuses them.
            do { _ = try compiled.consistentInitialState() } catch { throw stochasticError(error) }
            let end = try parseDuration(tMax, option: "--t-max", unit: model.units.time)
            let solver = SteadyStateSolver(options: SteadyStateOptions(tolerance: tolerance, integrationEnd: end))
            let state = try analysis { () throws(AnalysisError) in try solver.solve(compiled) }
            try output.write(state.formatted(format.format, model: model))
        }
    }
}
