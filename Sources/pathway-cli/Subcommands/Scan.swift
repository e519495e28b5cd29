import Analysis
import ArgumentParser
import Foundation
import Synchronization
import PathwayModel
import Plot
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

        @Option(name: .long, help: "The species or observable to read.")
        var observe: String

        @Option(name: .long, help: "Metric of the time course: peak, final, auc or time-to-peak.")
        var metric: Metric = .peak

        @Flag(name: .customLong("steady-state"), help: "Read the steady-state value instead of a time-course metric.")
        var steadyState = false

        @OptionGroup var simulation: SimulationOptions

        @OptionGroup var perturbations: PerturbationOptions

        @Option(name: .long, help: "With --method ssa: stochastic trajectories per grid point (default 100); each row gives their mean and standard deviation (a _sd column).")
        var runs: Int?

        @OptionGroup var threads: JobsOption
        var jobs: Int? { threads.jobs }

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
            if simulation.isStochastic && steadyState {
                throw ValidationError("--method ssa reads a time-course metric; --steady-state is a deterministic notion")
            }
            if simulation.isStochastic && (shard != nil || resume) && simulation.seed == nil {
                throw ValidationError("a stochastic scan split into shards or resumed needs --seed, so that every part draws the same trajectories")
            }
        }

        func run() throws {
            try checkDestinations([output, plot].compactMap { $0 }.filter { $0 != "-" })
            let base = try loadModel(file)
            let (list, perturbed) = try perturbations.resolve(against: base)
            let settings = try simulation.settings(for: perturbed, stochastic: true)
            let axes: [ScanAxis] = try analysis { () throws(AnalysisError) in
                if param.count == 1 && !param[0].contains(":") {
                    return [try ScanAxis(name: param[0], from: from!, to: to!, steps: steps!, logarithmic: log, model: perturbed)]
                }
                var out: [ScanAxis] = []
                for p in param { out.append(try ScanAxis(parsing: p, defaultLog: log, model: perturbed)) }
                return out
            }
            var readout = Readout(observe: observe, kind: steadyState ? .steadyState : .timeCourse(metric), settings: settings)
            if simulation.isStochastic {
                let seed = simulation.stochasticSeed
                FileHandle.standardError.write(Data("seed: \(seed)\n".utf8))
                readout.stochastic = Readout.Stochastic(runs: runs ?? 100, seed: seed)
            }
            let definition = try analysis { () throws(AnalysisError) in
                try perturbed.checkObservable(observe)
                return try ScanDefinition(model: base, perturbations: list, axes: axes, readout: readout)
            }
            let environment = ProcessInfo.processInfo.environment
            let part = try shard.map { text in try analysis { () throws(AnalysisError) in try Shard(parsing: text, environment: environment) } }
            let rows = part?.rows(of: definition.count) ?? 0..<definition.count
            if plot != nil && definition.count > Self.maximumPlottedRows {
                throw CommandError("--plot draws at most \(Self.maximumPlottedRows) points, and this scan has \(definition.count) rows; scan without --plot (rows are streamed to the output) and plot a coarser scan")
            }

            // The output: a file appended to row by row, or standard output.
            let header = ScanOutput.header(definition, shard: part)
            var done = 0
            let sink: FileHandle
            if let output, output != "-" {
                if resume, FileManager.default.fileExists(atPath: output) {
                    let existing = try readText(output)
                    let point = try analysis { () throws(AnalysisError) in
                        try ScanOutput.resumePoint(existing: existing, definition: definition, shard: part)
                    }
                    done = point.rows
                    guard let h = FileHandle(forWritingAtPath: output) else {
                        throw CommandError("cannot open '\(output)' for writing")
                    }
                    try h.truncate(atOffset: UInt64(point.keepBytes))
                    try h.seekToEnd()
                    if point.keepBytes == 0 { h.write(Data(header.utf8)) }
                    sink = h
                    FileHandle.standardError.write(Data("resuming: \(done) of \(rows.count) rows already done\n".utf8))
                } else {
                    guard FileManager.default.createFile(atPath: output, contents: Data(header.utf8)),
                          let h = FileHandle(forWritingAtPath: output) else {
                        throw CommandError("cannot create '\(output)'")
                    }
                    try h.seekToEnd()
                    sink = h
                }
            } else {
                sink = FileHandle.standardOutput
                sink.write(Data(header.utf8))
            }
            let todo = (rows.lowerBound + done)..<rows.upperBound
            let progress = ProgressBar(total: rows.count, label: "scan", alreadyDone: done)
            let failures = FailureLog()
            let collected = ScanCollector()
            // Rows are kept in memory only to plot a scan written to standard output.
            let collect = plot != nil && (output == nil || output == "-")
            do {
                try ScanEngine.run(model: perturbed, definition: definition, rows: todo, jobs: jobs ?? defaultJobs) { point in
                    sink.write(Data(definition.line(index: point.index, value: point.outcome.value, spread: point.outcome.spread).utf8))
                    if let why = point.outcome.failure { failures.add("row \(point.index + 1) (\(point.values.map { NumberFormat.short($0) }.joined(separator: ", "))): \(why)") }
                    if collect { collected.add(point) }
                    progress.advance()
                }
            } catch let error as AnalysisError {
                progress.finish()
                throw CommandError(commandLineMessage(error))
            }
            progress.finish()
            if sink !== FileHandle.standardOutput { try sink.close() }

            if let plot {
                let values: [[Double]]
                if let output, output != "-" {
                    values = ScanOutput.rows(of: try readText(output)).rows
                } else {
                    values = collected.rows
                }
                try writeSVG(scanPlot(definition, rows: values, model: perturbed), to: plot)
            }
            if failures.count > 0 {
                var messages = failures.messages
                if failures.count > FailureLog.kept { messages.append("… and \(failures.count - FailureLog.kept) more failed points") }
                throw CommandError(messages: messages + ["\(failures.count) of \(todo.count) points failed (their value is NaN)"])
            }
        }

        /// The largest scan `--plot` draws (its rows are held in memory to plot them).
        static let maximumPlottedRows = 1_000_000

        func scanPlot(_ d: ScanDefinition, rows: [[Double]], model: Model) -> String {
            let title = d.readout.label
            let desc = "\(d.readout.label) of \(model.name.isEmpty ? model.id : model.name) over " + d.axes.map(\.name).joined(separator: " and ")
            func axisLabel(_ name: String) -> String {
                model.species(named: name) != nil && model.parameter(named: name) == nil ? "\(name) (\(model.units.concentration.rawValue))" : name
            }
            if d.axes.count == 1 {
                return LinePlot(title: title, description: desc, xLabel: axisLabel(d.axes[0].name), yLabel: d.readout.label,
                                series: [Series(name: "", x: rows.map { $0[0] }, y: rows.map { $0[d.axes.count] })],
                                logX: d.axes[0].logarithmic, logY: logY, markers: [rows.count <= 60]).svg()
            }
            let xs = d.axes[0].values, ys = d.axes[1].values
            var grid = [[Double]](repeating: [Double](repeating: .nan, count: ys.count), count: xs.count)
            for (k, row) in rows.enumerated() where k < xs.count * ys.count { grid[k / ys.count][k % ys.count] = row[d.axes.count] }
            return HeatMap(title: title, description: desc, xLabel: axisLabel(d.axes[0].name), yLabel: axisLabel(d.axes[1].name), colourLabel: d.readout.label,
                           x: xs, y: ys, values: grid).svg()
        }
    }
}

/// Collects failure messages from the delivery callback, behind a lock.
final class FailureLog: Sendable {
    private struct State {
        var messages: [String] = []
        var count = 0
    }
    private let state = Mutex(State())
    /// The first few messages (a scan of 10⁸ rows must not keep one per row).
    var messages: [String] { state.withLock { $0.messages } }
    var count: Int { state.withLock { $0.count } }
    static let kept = 5
    func add(_ m: @autoclosure () -> String) {
        state.withLock { s in
            if s.count < Self.kept { s.messages.append(m()) }
            s.count += 1
        }
    }
}

/// Keeps delivered rows for plotting when the output is standard output, behind a lock.
final class ScanCollector: Sendable {
    private let storage = Mutex<[[Double]]>([])
    var rows: [[Double]] { storage.withLock { $0 } }
    func add(_ p: ScanPoint) { storage.withLock { $0.append(p.values + [p.outcome.value]) } }
}

func readText(_ path: String) throws -> String {
    guard let data = FileManager.default.contents(atPath: path) else {
        throw CommandError("cannot read '\(path)'")
    }
    return String(decoding: data, as: UTF8.self)
}
