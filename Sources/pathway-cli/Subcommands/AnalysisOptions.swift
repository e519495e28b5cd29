import Analysis
import ArgumentParser
import Foundation
import PathwayModel
import Plot
import Simulator

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The time span and solver options of the analysis commands (compare, scan, dose-response, sensitivity).
struct SimulationOptions: ParsableArguments {
    @Option(name: .customLong("t-end"), help: "End time, with a unit (120min, 2h) or in model units (default: the model's simulation.t-end, else 100).")
    var tEnd: String?

    @Option(name: .long, help: "Output points from 0 to the end, both included (default: the model's, else 201). Peaks, times to peak and AUCs are read off this grid.")
    var points: Int?

    @Option(name: .long, help: "Method: \(MethodChoice.allCases.map(\.rawValue).joined(separator: ", ")) (ssa: Gillespie's exact stochastic simulation, in molecule counts).")
    var method: MethodChoice = .auto

    @Option(name: .long, help: "Relative tolerance of the adaptive methods.")
    var rtol: Double = 1e-6

    @Option(name: .long, help: "Absolute tolerance, in the model's concentration unit.")
    var atol: Double = 1e-9

    @Option(name: .long, help: "Seed of the random choices: with --method ssa, the stochastic simulation's (default: drawn, and printed; the same seed gives the same output whatever the number of threads); otherwise the order of events due at the same time with equal (or no) priority (default \(EventOrderGenerator.defaultSeed)).")
    var seed: UInt64?

    func validate() throws {
        if let p = points, p < 2 { throw ValidationError("--points must be at least 2") }
        if !(rtol > 0 && rtol < 1) { throw ValidationError("--rtol must be between 0 and 1, not \(rtol)") }
        if !(atol > 0) { throw ValidationError("--atol must be positive, not \(atol)") }
    }

    /// Whether `--method ssa` asked for a stochastic simulation.
    var isStochastic: Bool { method == .ssa }

    /// The stochastic simulation's seed: the one given, or one drawn from the system's generator.
    var stochasticSeed: UInt64 {
        if let seed { return seed }
        var g = SystemRandomNumberGenerator()
        return g.next() >> 11 // a number that reads well: 53 bits
    }

    /// The settings of a deterministic run; `--method ssa` is refused unless the command runs it (`stochastic`).
    func settings(for model: Model, stochastic: Bool = false) throws -> SimulationSettings {
        if isStochastic && !stochastic {
            throw CommandError("--method ssa: this command does not run stochastic simulations yet (pathway simulate does)")
        }
        let end = try tEnd.map { try parseDuration($0, option: "--t-end", unit: model.units.time) } ?? model.simulation.end ?? 100
        guard end > 0 else {
            throw CommandError("--t-end must be positive (simulations start at 0)")
        }
        var settings = SimulationSettings(end: end, output: .points(points ?? model.simulation.points ?? 201),
                                          method: method.integration ?? .auto, rtol: rtol, atol: atol)
        settings.seed = seed ?? EventOrderGenerator.defaultSeed
        return settings
    }
}

/// `--method`: an integration method, or `ssa` for the stochastic simulation.
enum MethodChoice: String, ExpressibleByArgument, CaseIterable {
    case auto, euler, rk4, dopri5, rosenbrock, bdf, ssa

    /// The integration method (nil for ssa).
    var integration: Method? { Method(rawValue: rawValue) }
}

extension Metric: ExpressibleByArgument {}
extension Comparison.Format: ExpressibleByArgument {}

/// `a,b , c` → ["a", "b", "c"].
func parseList(_ text: String) -> [String] {
    text.split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
}

/// The default number of worker threads: every core.
var defaultJobs: Int { Parallel.availableCores }

/// `--jobs`: the worker threads of every command that runs in parallel (one declaration, one check).
struct JobsOption: ParsableArguments {
    @Option(name: .long, help: "Worker threads (default: every core). Results do not depend on it.")
    var jobs: Int?

    func validate() throws {
        if let jobs, jobs < 1 { throw ValidationError("--jobs must be at least 1, not \(jobs)") }
    }
}

/// Writes an SVG atomically, checking the extension.
func writeSVG(_ svg: String, to path: String) throws {
    try writeAtomically(Data(svg.utf8), to: path)
}

/// `plots/run.svg` + `pSTAT3` → `plots/run-pSTAT3.svg` (one file per observable when there are several).
func plotPath(_ path: String, suffix: String?) -> String {
    guard let suffix else { return path }
    if path.hasSuffix(".svg") { return String(path.dropLast(4)) + "-\(suffix).svg" }
    return path + "-\(suffix)"
}

/// A progress bar on standard error, drawn only when standard error is a terminal.
final class ProgressBar: @unchecked Sendable {
    private let total: Int
    private let label: String
    private let enabled: Bool
    private let started = ContinuousClock.now
    private var lastDraw = ContinuousClock.now - .seconds(1)
    private var done = 0

    init(total: Int, label: String, alreadyDone: Int = 0) {
        self.total = total
        self.label = label
        self.done = alreadyDone
        enabled = isatty(STDERR_FILENO) == 1 && total > 0
    }

    /// Called for each finished item (from one thread at a time).
    func advance() {
        done += 1
        guard enabled else { return }
        let now = ContinuousClock.now
        if now - lastDraw < .milliseconds(100) && done < total { return }
        lastDraw = now
        let width = 30
        let filled = total > 0 ? done * width / total : width
        let elapsed = now - started
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        var eta = ""
        if done > 0 && done < total {
            let rest = seconds / Double(done) * Double(total - done)
            eta = String(format: "  ETA %.0fs", rest)
        }
        let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled)
        FileHandle.standardError.write(Data("\r\(label) [\(bar)] \(done)/\(total)\(eta)   ".utf8))
    }

    func finish() {
        guard enabled else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
    }
}
