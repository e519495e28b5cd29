import ArgumentParser
import Calibration
import Foundation
import PathwayModel

extension Pathway {
    struct Fit: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Calibrate a model to data: a PEtab problem's likelihood, a multi-start fit, a profile.",
            discussion: """
                PROBLEM is a PEtab v1 problem (YAML with an SBML model and tables of conditions, measurements, \
                observables and parameters). The objective is the negative log-likelihood with all constants \
                (PEtab's convention; priors are added in fits only). Examples:
                  pathway fit Boehm_JProteomeRes2014.yaml --evaluate
                  pathway fit Boehm_JProteomeRes2014.yaml --starts 20 --seed 1 -o best.tsv --plot fit/
                  pathway fit Boehm_JProteomeRes2014.yaml --profile k_phos --plot fit/
                """)

        @Argument(help: "A PEtab problem (YAML).")
        var problem: String

        @Flag(name: .long, help: "Print the negative log-likelihood at the nominal parameters and stop.")
        var evaluate = false

        @Flag(name: .long, help: "With --evaluate: also the gradient (forward sensitivities) on the parameter scales.")
        var gradient = false

        @Option(name: .long, help: "Number of starts of the multi-start fit (Latin hypercube in the bounds, on the parameter scales).")
        var starts: Int = 20

        @Option(name: .long, help: "Seed of the start points.")
        var seed: UInt64 = 1

        @Option(name: .long, help: "Local optimiser: lm (Levenberg–Marquardt with sensitivity gradients) or nelder-mead (gradient-free, for comparison).")
        var optimizer: PEtabProblem.Optimizer = .levenbergMarquardt

        @OptionGroup var threads: JobsOption

        @Option(name: .long, help: "Profile the likelihood of this parameter (95 % interval from the χ² threshold).")
        var profile: String?

        @OptionGroup var format: FormatOption<FitTextFormat>

        @Option(name: .shortAndLong, help: "Write the best parameters as a PEtab parameter table (atomically).")
        var output: String?

        @Option(name: .long, help: "Directory for the plots (waterfall, data against the fit, profile; made if missing).")
        var plot: String?

        func validate() throws {
            if starts < 1 { throw ValidationError("--starts must be at least 1, not \(starts)") }
        }

        func run() throws {
            let loaded: PEtabProblem
            do { loaded = try PEtabProblem.load(path: problem) } catch {
                throw CommandError(diagnostics: [error.diagnostic])
            }
            if evaluate { return try runEvaluate(loaded) }
            if let profile { return try runProfile(profile, loaded) }
            try runMultiStart(loaded)
        }

        /// `--evaluate`: the objective (and its gradient) at the nominal parameters.
        func runEvaluate(_ loaded: PEtabProblem) throws {
            let objective: PEtabObjective
            do { objective = try PEtabObjective(loaded, gradients: gradient) } catch {
                throw CommandError(diagnostics: [error.diagnostic])
            }
            if gradient && !objective.hasGradient {
                throw CommandError("this problem has no forward-sensitivity gradient")
            }
            let e = objective.evaluate(objective.nominal, gradient: gradient)
            if let failure = e.failure {
                if let at = e.failureLocation { throw CommandError(diagnostics: [Diagnostic(.error, at: at, failure)]) }
                throw CommandError("the objective cannot be evaluated at the nominal parameters: \(failure)")
            }
            try Output.write(objective.evaluationText(e, format: format.format), to: output)
        }

        /// The multi-start fit: its summary, the best parameters as a table, the plots.
        func runMultiStart(_ loaded: PEtabProblem) throws {
            try Output.check([output])
            if let plot { try Output.checkDirectory(plot) }
            let objective: PEtabObjective
            do { objective = try PEtabObjective(loaded, gradients: false) } catch {
                throw CommandError(diagnostics: [error.diagnostic])
            }
            // Bad data (a noise formula that is not positive) is reported against its row before any fit.
            let check = objective.evaluate(objective.nominal)
            if let failure = check.failure, let at = check.failureLocation {
                throw CommandError(diagnostics: [Diagnostic(.error, at: at, failure)])
            }
            let terminal = isatty(STDERR_FILENO) != 0
            let total = starts
            let result: MultiStartResult
            do {
                result = try loaded.multiStart(starts: starts, seed: seed, jobs: threads.jobs ?? ProcessInfo.processInfo.activeProcessorCount,
                                               optimizer: optimizer) { i, fit in
                    if terminal {
                        Output.note("start \(i + 1)/\(total): objective \(fitNumber(fit.objective)) after \(fit.iterations) iterations")
                    }
                }
            } catch {
                throw CommandError(diagnostics: [error.diagnostic])
            }
            let best = result.best
            guard best.objective.isFinite else {
                throw CommandError("no start could be simulated")
            }
            let all = objective.unscaled(best.parameters)
            if let plot {
                try Output.makeDirectory(plot)
                try Output.write(FitPlots.waterfall(result, problem: loaded.model.id), to: Output.path("waterfall.svg", in: plot))
                for (name, svg) in FitPlots.dataAgainstFit(objective.curves(all)) {
                    try Output.write(svg, to: Output.path(name, in: plot))
                }
            }
            if let output { try Output.write(objective.parameterTable(all), to: output) }
            try Output.write(objective.fitSummary(result, all: all, seed: seed, format: format.format), to: nil)
        }

        func runProfile(_ name: String, _ loaded: PEtabProblem) throws {
            try Output.check([output])
            if let plot { try Output.checkDirectory(plot) }
            let result: ProfileLikelihood
            do {
                let objective = try PEtabObjective(loaded, gradients: true)
                result = try objective.profile(name, from: objective.scaled(objective.nominal))
            } catch {
                throw CommandError(diagnostics: [error.diagnostic])
            }
            if let plot {
                try Output.makeDirectory(plot)
                try Output.write(result.svg(), to: Output.path("profile-\(name).svg", in: plot))
            }
            try Output.write(result.text(format: format.format), to: output)
        }
    }
}

extension PEtabProblem.Optimizer: ExpressibleByArgument {}
extension FitTextFormat: ExpressibleByArgument {}
