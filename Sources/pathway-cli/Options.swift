import Analysis
import ArgumentParser
import Foundation
import PathwayModel
import Simulator

// The option groups shared by the commands (`@OptionGroup`): each option is declared once, with its
// help and its check.

/// `--rtol`, `--atol`: the tolerances of the adaptive methods.
struct ToleranceOptions: ParsableArguments {
    @Option(name: .long, help: "Relative tolerance of the adaptive methods.")
    var rtol: Double = 1e-6

    @Option(name: .long, help: "Absolute tolerance, in the model's concentration unit.")
    var atol: Double = 1e-9

    func validate() throws {
        if !(rtol > 0 && rtol < 1) { throw ValidationError("--rtol must be between 0 and 1, not \(rtol)") }
        if !(atol > 0) { throw ValidationError("--atol must be positive, not \(atol)") }
    }
}

/// `--method`, the tolerances and `--seed`: how a model is solved.
struct SolverOptions: ParsableArguments {
    @Option(name: .long, help: "Method: \(MethodChoice.allCases.map(\.rawValue).joined(separator: ", ")) (ssa: Gillespie's exact stochastic simulation, in molecule counts).")
    var method: MethodChoice = .auto

    @OptionGroup var tolerances: ToleranceOptions

    @Option(name: .long, help: "Seed of the random choices: with --method ssa, the stochastic simulation's (default: drawn, and printed; the same seed gives the same output whatever the number of threads); otherwise the order of events due at the same time with equal (or no) priority (default \(EventOrderGenerator.defaultSeed)).")
    var seed: UInt64?

    /// Whether `--method ssa` asked for a stochastic simulation.
    var isStochastic: Bool { method == .ssa }

    /// The stochastic simulation's seed: the one given, or one drawn from the system's generator.
    var stochasticSeed: UInt64 { seed ?? Self.drawnSeed() }

    /// A seed drawn from the system's generator: a number that reads well (53 bits).
    static func drawnSeed() -> UInt64 {
        var g = SystemRandomNumberGenerator()
        return g.next() >> 11
    }

    /// Refuses `--method ssa` in a command that does not run stochastic simulations.
    func refuseStochastic() throws {
        if isStochastic {
            throw CommandError("--method ssa: this command does not run stochastic simulations yet (pathway simulate does)")
        }
    }

    /// `settings` with the method, tolerances and seed.
    func apply(to settings: inout SimulationSettings) {
        settings.method = method.integration ?? .auto
        settings.rtol = tolerances.rtol
        settings.atol = tolerances.atol
        settings.seed = seed ?? EventOrderGenerator.defaultSeed
    }
}

/// `--t-end`: where a simulation ends.
struct EndTimeOption: ParsableArguments {
    @Option(name: .customLong("t-end"), help: "End time, with a unit (120min, 2h) or in model units (default: the model's simulation.t-end, else 100).")
    var tEnd: String?

    /// The end in model units: `--t-end`, else the model's, else 100; it must be positive.
    func end(for model: Model) throws -> Double {
        let end = try tEnd.map { try parseDuration($0, option: "--t-end", unit: model.units.time) } ?? model.simulation.end ?? 100
        guard end > 0 else {
            throw CommandError("--t-end must be positive (simulations start at 0)")
        }
        return end
    }
}

/// The time span and solver options of the commands that simulate a model.
struct SimulationOptions: ParsableArguments {
    @OptionGroup var span: EndTimeOption

    @Option(name: .long, help: "Output points from 0 to the end, both included (default: the model's, else 201). Peaks, times to peak and AUCs are read off this grid.")
    var points: Int?

    @OptionGroup var solver: SolverOptions

    func validate() throws {
        if let p = points, p < 2 { throw ValidationError("--points must be at least 2") }
    }

    var tEnd: String? { span.tEnd }
    var isStochastic: Bool { solver.isStochastic }
    var seed: UInt64? { solver.seed }
    var stochasticSeed: UInt64 { solver.stochasticSeed }

    /// The settings of a run; `--method ssa` is refused unless the command runs it (`stochastic`).
    func settings(for model: Model, stochastic: Bool = false) throws -> SimulationSettings {
        if !stochastic { try solver.refuseStochastic() }
        var settings = SimulationSettings(end: try span.end(for: model), output: .points(points ?? model.simulation.points ?? 201))
        solver.apply(to: &settings)
        return settings
    }
}

/// `--method`: an integration method, or `ssa` for the stochastic simulation.
enum MethodChoice: String, ExpressibleByArgument, CaseIterable {
    case auto, euler, rk4, dopri5, rosenbrock, bdf, ssa

    /// The integration method (nil for ssa).
    var integration: Method? { Method(rawValue: rawValue) }
}

/// `--format`: how a command writes its result (the first case is the default).
struct FormatOption<Format: ExpressibleByArgument & CaseIterable & RawRepresentable>: ParsableArguments where Format.RawValue == String {
    @Option(name: .long, help: ArgumentHelp("Output format: \(FormatOption.choices)."))
    var format: Format = Format.allCases.first!

    /// `text, csv or json`.
    static var choices: String {
        let names = Format.allCases.map(\.rawValue)
        return names.count < 2 ? names.joined() : names.dropLast().joined(separator: ", ") + " or " + names.last!
    }
}

/// `-o`: where the result goes (a file, written atomically, or standard output).
struct OutputOption: ParsableArguments {
    @Option(name: .shortAndLong, help: "Write to this file (atomically) instead of standard output.")
    var output: String?

    /// Writes `text` to the file, or to standard output.
    func write(_ text: String) throws { try Output.write(text, to: output) }
}

/// `--jobs`: the worker threads of every command that runs in parallel.
struct JobsOption: ParsableArguments {
    @Option(name: .long, help: "Worker threads (default: every core). Results do not depend on it.")
    var jobs: Int?

    func validate() throws {
        if let jobs, jobs < 1 { throw ValidationError("--jobs must be at least 1, not \(jobs)") }
    }

    /// The threads to use: the number given, else every core.
    var count: Int { jobs ?? Parallel.availableCores }
}

extension Metric: ExpressibleByArgument {}
extension Comparison.Format: ExpressibleByArgument {}
extension Method: ExpressibleByArgument {}
extension TableFormat: ExpressibleByArgument {}
extension StepSizeStudy.Format: ExpressibleByArgument {}

/// `a,b , c` → ["a", "b", "c"].
func parseList(_ text: String) -> [String] {
    text.split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
}

/// Parses `120min`, `2 h`, `30` (model units).
func parseDuration(_ text: String, option: String, unit: TimeUnit) throws -> Double {
    guard let q = Quantity(parsing: text), let v = q.time(in: unit) else {
        throw CommandError("\(option): '\(text)' is not a duration (use a number with s, min, h or d, like '120min')")
    }
    return v
}

/// `--observe`, `--metric`, `--steady-state`: the one readout of a scan or a sensitivity analysis.
struct ReadoutOptions: ParsableArguments {
    @Option(name: .long, help: "The species or observable to read.")
    var observe: String

    @Option(name: .long, help: "Metric of the time course: peak, final, auc or time-to-peak.")
    var metric: Metric = .peak

    @Flag(name: .customLong("steady-state"), help: "Read the steady-state value instead of a time-course metric.")
    var steadyState = false

    /// The readout with `settings`.
    func readout(_ settings: SimulationSettings) -> Readout {
        Readout(observe: observe, kind: steadyState ? .steadyState : .timeCourse(metric), settings: settings)
    }
}
