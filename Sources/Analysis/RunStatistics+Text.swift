import Foundation
import Simulator

// What `--stats` prints: the solver's counters and the wall time of each stage.

/// A duration in milliseconds.
public func milliseconds(_ d: Duration) -> Double {
    Double(d.components.seconds) * 1000 + Double(d.components.attoseconds) * 1e-15
}

extension SimulationResult {
    /// The solver's counters, the wall time of loading, compiling, solving and in all, and the size of
    /// the system, on three lines.
    public func statisticsText(method: Method, load: Duration, compile: Duration, total: Duration, dimension: Int) -> String {
        ["method \(method.rawValue): \(statistics.description)",
         String(format: "load %.2f ms, compile %.2f ms, solve %.2f ms, total %.2f ms",
                milliseconds(load), milliseconds(compile), solveSeconds * 1000, milliseconds(total)),
         "state variables: \(dimension); output points: \(times.count)"].joined(separator: "\n")
    }
}

extension StochasticEnsemble {
    /// The runs, their reaction events and event executions, and the time they took.
    public var statisticsText: String {
        "runs \(runs), reaction events \(reactionEvents), event executions \(eventExecutions), "
            + String(format: "%.3f s (%.3g events/s)", seconds, Double(reactionEvents) / max(seconds, 1e-9))
    }
}

extension StochasticRunStatistics {
    /// One trajectory's reaction events and event executions, and the time it took (`seconds`).
    public func text(seconds: Double) -> String {
        "reaction events \(reactionEvents), event executions \(eventExecutions), "
            + String(format: "%.3f ms (%.3g events/s)", seconds * 1000, Double(reactionEvents) / max(seconds, 1e-9))
    }
}
