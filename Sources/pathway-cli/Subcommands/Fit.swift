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
        var jobs: Int? { threads.jobs }

        @Option(name: .long, help: "Profile the likelihood of this parameter (95 % interval from the χ² threshold).")
        var profile: String?

        @Option(name: .long, help: "Output format: text or json.")
        var format: OutputFormat = .text

        @Option(name: .shortAndLong, help: "Write the best parameters as a PEtab parameter table (atomically).")
        var output: String?

        @Option(name: .long, help: "Directory for the plots (waterfall, data against the fit, profile).")
        var plot: String?

        enum OutputFormat: String, ExpressibleByArgument { case text, json }


        func validate() throws {
            if starts < 1 { throw ValidationError("--starts must be at least 1, not \(starts)") }
        }

        func run() throws {
            let loaded: PEtabProblem
            do { loaded = try PEtabProblem.load(path: problem) } catch {
                throw CommandError(diagnostics: [error.diagnostic])
            }
            if evaluate {
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
                let names = objective.estimated.map { loaded.parameters[$0].id }
                var text: String
                switch format {
                case .text:
                    text = "nllh \(formatNumber(e.nllh))\n"
                    if let g = e.gradient { for (n, v) in zip(names, g) { text += "d/d \(n) \(formatNumber(v))\n" } }
                case .json:
                    text = "{\"nllh\": \(jsonNumber(e.nllh)), \"measurements\": \(loaded.measurements.count)"
                    if let g = e.gradient {
                        text += ", \"gradient\": {" + zip(names, g).map { "\"\($0)\": \(jsonNumber($1))" }.joined(separator: ", ") + "}"
                    }
                    text += "}\n"
                }
                try emit(text, to: output)
                return
            }
            if let profile { return try runProfile(profile, loaded) }
            var destinations = [output].compactMap { $0 }.filter { $0 != "-" }
            if let plot { destinations.append(plot + "/waterfall.svg") }
            try checkDestinations(destinations)
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
                result = try loaded.multiStart(starts: starts, seed: seed, jobs: jobs ?? ProcessInfo.processInfo.activeProcessorCount,
                                               optimizer: optimizer) { i, fit in
                    if terminal {
                        FileHandle.standardError.write(Data("start \(i + 1)/\(total): objective \(formatNumber(fit.objective)) after \(fit.iterations) iterations\n".utf8))
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
                try writeAtomically(Data(FitPlots.waterfall(result, problem: loaded.model.id).utf8), to: plot + "/waterfall.svg")
                for (name, svg) in FitPlots.dataAgainstFit(objective.curves(all)) {
                    try writeAtomically(Data(svg.utf8), to: plot + "/" + name)
                }
            }
            if let output { try emit(objective.parameterTable(all), to: output) }
            try emit(fitSummary(result, objective: objective, all: all), to: nil)
        }

        func runProfile(_ name: String, _ loaded: PEtabProblem) throws {
            var destinations = [output].compactMap { $0 }.filter { $0 != "-" }
            if let plot { destinations.append(plot + "/profile-\(name).svg") }
            try checkDestinations(destinations)
            let result: ProfileLikelihood
            do {
                let objective = try PEtabObjective(loaded, gradients: true)
                result = try objective.profile(name, from: objective.scaled(objective.nominal))
            } catch {
                throw CommandError(diagnostics: [error.diagnostic])
            }
            if let plot { try writeAtomically(Data(result.svg().utf8), to: plot + "/profile-\(name).svg") }
            let bound = { (v: Double?) in v.map(formatNumber) ?? "none (not identifiable on this side)" }
            var text: String
            switch format {
            case .text:
                text = "profile of \(name) (\(result.scale.rawValue) scale): optimum \(formatNumber(result.optimum.value)), objective \(formatNumber(result.optimum.objective))\n"
                text += "95% interval (χ² threshold \(formatNumber(ProfileLikelihood.threshold))): [\(bound(result.interval.lower)), \(bound(result.interval.upper))]\n"
                text += "value            objective − optimum\n"
                for p in result.points { text += "\(pad(formatNumber(p.value), 15, left: true))  \(formatNumber(p.objective - result.optimum.objective))\n" }
            case .json:
                text = "{\"parameter\": \"\(name)\", \"scale\": \"\(result.scale.rawValue)\", \"optimum\": \(jsonNumber(result.optimum.value)), "
                text += "\"best_objective\": \(jsonNumber(result.optimum.objective)), \"threshold\": \(jsonNumber(ProfileLikelihood.threshold)), "
                text += "\"interval\": [\(result.interval.lower.map(jsonNumber) ?? "null"), \(result.interval.upper.map(jsonNumber) ?? "null")], \"points\": ["
                text += result.points.map { "[\(jsonNumber($0.value)), \(jsonNumber($0.objective))]" }.joined(separator: ", ") + "]}\n"
            }
            try emit(text, to: output)
        }

        func fitSummary(_ result: MultiStartResult, objective: PEtabObjective, all: [Double]) -> String {
            let best = result.best
            let names = objective.estimated.map { objective.problem.parameters[$0].id }
            switch format {
            case .json:
                var text = "{\n  \"best_nllh\": \(jsonNumber(best.nllh)),\n  \"best_objective\": \(jsonNumber(best.objective)),\n"
                text += "  \"converged\": \(result.converged()),\n  \"starts\": \(result.fits.count),\n  \"seed\": \(seed),\n"
                text += "  \"parameters\": {" + zip(objective.problem.parameters, all).map { "\"\($0.id)\": \(jsonNumber($1))" }.joined(separator: ", ") + "},\n"
                text += "  \"results\": [\n" + result.fits.enumerated().map { i, f in
                    "    {\"start\": \(i + 1), \"nllh\": \(jsonNumber(f.nllh)), \"objective\": \(jsonNumber(f.objective)), \"iterations\": \(f.iterations), \"evaluations\": \(f.evaluations), \"stop\": \"\(f.stop)\"}"
                }.joined(separator: ",\n") + "\n  ]\n}\n"
                return text
            case .text:
                var text = "best nllh \(formatNumber(best.nllh)) (objective \(formatNumber(best.objective))); \(result.converged()) of \(result.fits.count) starts within 0.1 of it\n"
                text += "start  objective        nllh             iterations  stop\n"
                for (i, f) in result.fits.enumerated() {
                    text += "\(pad(String(i + 1), 5))  \(pad(formatNumber(f.objective), 15, left: true))  \(pad(formatNumber(f.nllh), 15, left: true))  \(pad(String(f.iterations), 10))  \(f.stop)\n"
                }
                text += "best parameters:\n"
                for (k, name) in names.enumerated() { text += "  \(name) = \(formatNumber(all[objective.estimated[k]]))\n" }
                return text
            }
        }
    }
}

/// A number with 10 significant digits, as text.
func formatNumber(_ v: Double) -> String { String(format: "%.10g", v) }

/// A number for JSON (17 significant digits; non-finite values as null).
func jsonNumber(_ v: Double) -> String { v.isFinite ? String(format: "%.17g", v) : "null" }

/// `text` padded with spaces to `width` (right-aligned, or left-aligned).
func pad(_ text: String, _ width: Int, left: Bool = false) -> String {
    let fill = String(repeating: " ", count: max(0, width - text.count))
    return left ? text + fill : fill + text
}

extension PEtabProblem.Optimizer: ExpressibleByArgument {}
