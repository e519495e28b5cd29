import Analysis
import ArgumentParser
import Foundation
import PathwayModel
import Simulator

extension Pathway {
    struct Scan: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Scan one or two parameters (or initial amounts) and write a readout per grid point as CSV.",
            discussion: """
                One quantity: --param NAME --from A --to B --steps N [--log].
                Two (a grid; the first varies slowest): --param NAME:FROM:TO:STEPS[:log] twice.
                FROM and TO of a species take concentration units (10nM); a parameter takes plain numbers. \
                Each row holds the scanned values, then the readout (the metric of --observe over the \
                time course, or its steady-state value with --steady-state).

                Runs on every core (--jobs to limit). Rows are written in grid order as soon as every \
                earlier row is done, appended to the output and flushed one by one — the output file is \
                deliberately not written atomically, so an interrupted scan keeps what it computed and \
                --resume completes it (the file's header must match the scan). A progress bar shows on \
                standard error when it is a terminal.

                --shard i/n (1 ≤ i ≤ n) computes the i-th of n contiguous blocks of rows, for batch \
                schedulers: --shard auto inside a Slurm job array (sbatch --array=1-N), --shard auto/N inside \
                a Kubernetes indexed Job with N completions, GNU parallel (--shard {}/N ::: $(seq N)); \
                docs/cluster.md has the recipes. \
                `pathway merge` joins the shards into the file a single run writes, byte for byte.
                Examples:
                  pathway scan models/il11.yaml --param IL11 --from 0.01nM --to 10nM --steps 41 --log --observe pSTAT3 --metric peak
                  pathway scan models/il11.yaml --param IL11:0.01nM:10nM:21:log --param kon_SOCS3:0.002:0.2:21:log --observe pSTAT3 --plot grid.svg -o grid.csv
                  pathway scan models/il11.yaml --param IL11 --from 0.1 --to 5 --steps 1000 --observe pERK --shard 3/8 -o part3.csv
                """)

        @Argument(help: "A model file.")
        var file: String

        @Option(name: .long, help: ArgumentHelp("The quantity to scan: NAME (with --from, --to, --steps), or NAME:FROM:TO:STEPS[:log] (repeat for a 2-D grid).", valueName: "PARAM"))
        var param: [String] = []

        @Option(name: .long, help: "Start of the range (with a single --param NAME).")
        var from: String?

        @Option(name: .long, help: "End of the range (above --from).")
        var to: String?

        @Option(name: .long, help: "Number of values, both ends included (at least 2).")
        var steps: Int?

        @Flag(name: .long, help: "Logarithmic spacing.")
        var log = false

        @OptionGroup var readout: ReadoutOptions

        @OptionGroup var simulation: SimulationOptions

        @OptionGroup var perturbations: PerturbationOptions

        @Option(name: .long, help: "With --method ssa: stochastic trajectories per grid point (default 100); each row gives their mean and standard deviation (a _sd column).")
        var runs: Int?

        @OptionGroup var threads: JobsOption

        @Option(name: .shortAndLong, help: "The output CSV (streamed row by row; default: standard output).")
        var output: String?

        @Flag(name: .long, help: "Complete an interrupted scan in --output: keep its rows, compute the rest.")
        var resume = false

        @Option(name: .long, help: ArgumentHelp("Compute only shard i of n (1-based), for running a scan across machines; 'auto' inside a Slurm job array, 'auto/N' inside a Kubernetes indexed Job (see docs/cluster.md).", valueName: "i/n|auto|auto/N"))
        var shard: String?

        @Option(name: .long, help: "Plot the result as SVG: a line for one parameter, a heat map for two.")
        var plot: String?

        @Flag(name: .customLong("log-y"), help: "Logarithmic value axis in a one-parameter plot.")
        var logY = false

        func validate() throws {
            if param.isEmpty { throw ValidationError("give the quantity to scan with --param") }
            if param.count > 2 { throw ValidationError("a scan takes one or two --param, not \(param.count)") }
            let compact = param.contains { $0.contains(":") }
            if compact && (from != nil || to != nil || steps != nil) {
                throw ValidationError("give the range either in --param NAME:FROM:TO:STEPS or with --from/--to/--steps, not both")
            }
            if !compact && param.count == 2 { throw ValidationError("for two parameters write each as NAME:FROM:TO:STEPS[:log]") }
            if !compact && (from == nil || to == nil || steps == nil) {
                throw ValidationError("--param \(param[0]) needs --from, --to and --steps (or write NAME:FROM:TO:STEPS)")
            }
            if resume && output == nil { throw ValidationError("--resume needs the output file (-o FILE)") }
            if plot != nil && shard != nil { throw ValidationError("--plot draws a whole scan: merge the shards first") }
            if let runs {
                if !simulation.isStochastic { throw ValidationError("--runs needs --method ssa") }
                if runs < 2 { throw ValidationError("--runs must be at least 2 (a spread needs two trajectories), not \(runs)") }
            }
            if simulation.isStochastic && readout.steadyState {
                throw ValidationError("--method ssa reads a time-course metric; --steady-state is a deterministic notion")
            }
            if simulation.isStochastic && (shard != nil || resume) && simulation.seed == nil {
                throw ValidationError("a stochastic scan split into shards or resumed needs --seed, so that every part draws the same trajectories")
            }
        }

        func run() throws {
            try Output.check([output, plot])
            let base = try loadModel(file)
            let (list, perturbed) = try perturbations.resolve(against: base)
            let (definition, part) = try scanDefinition(base: base, perturbations: list, perturbed: perturbed)
            let rows = part?.rows(of: definition.count) ?? 0..<definition.count
            if plot != nil && definition.count > ScanDefinition.maximumPlottedRows {
                throw CommandError("--plot draws at most \(ScanDefinition.maximumPlottedRows) points, and this scan has \(definition.count) rows; scan without --plot (rows are streamed to the output) and plot a coarser scan")
            }
            let sink = try analysis { () throws(AnalysisError) in
                try ScanSink(path: output == "-" ? nil : output, resume: resume, definition: definition, shard: part)
            }
            if sink.done > 0 { Output.note("resuming: \(sink.done) of \(rows.count) rows already done") }
            let todo = (rows.lowerBound + sink.done)..<rows.upperBound
            let progress = ProgressBar(total: rows.count, label: "scan", alreadyDone: sink.done)
            let failures = ScanFailures()
            // Rows are kept in memory only to plot a scan written to standard output.
            let collected = plot != nil && sink.isStandardOutput ? ScanRows() : nil
            do {
                defer { progress.finish() }
                try ScanEngine.run(model: perturbed, definition: definition, rows: todo, jobs: threads.count) { point in
                    sink.write(definition.line(index: point.index, value: point.outcome.value, spread: point.outcome.spread))
                    failures.add(point)
                    collected?.add(point)
                    progress.advance()
                }
            } catch let error as AnalysisError {
                throw CommandError(commandLineMessage(error))
            }
            try sink.close()
            if let plot {
                let values = if let collected { collected.rows } else { ScanOutput.rows(of: try Output.read(output!)).rows }
                try Output.write(definition.plot(rows: values, model: perturbed, logY: logY), to: plot)
            }
            if failures.count > 0 { throw CommandError(messages: failures.messages(of: todo.count)) }
        }

        /// The scan asked for (axes, readout, the perturbations behind it) and the shard to compute.
        private func scanDefinition(base: Model, perturbations list: [Perturbation], perturbed: Model) throws -> (ScanDefinition, Shard?) {
            let settings = try simulation.settings(for: perturbed, stochastic: true)
            let axes = try analysis { () throws(AnalysisError) in
                if param.count == 1 && !param[0].contains(":") {
                    return [try ScanAxis(name: param[0], from: from!, to: to!, steps: steps!, logarithmic: log, model: perturbed)]
                }
                return try param.map { p throws(AnalysisError) in try ScanAxis(parsing: p, defaultLog: log, model: perturbed) }
            }
            var readout = self.readout.readout(settings)
            if simulation.isStochastic {
                let seed = simulation.stochasticSeed
                Output.note("seed: \(seed)")
                readout.stochastic = Readout.Stochastic(runs: runs ?? 100, seed: seed)
            }
            let environment = ProcessInfo.processInfo.environment
            return try analysis { () throws(AnalysisError) in
                try perturbed.checkObservable(readout.observe)
                return (try ScanDefinition(model: base, perturbations: list, axes: axes, readout: readout),
                        try shard.map { text throws(AnalysisError) in try Shard(parsing: text, environment: environment) })
            }
        }
    }
}
