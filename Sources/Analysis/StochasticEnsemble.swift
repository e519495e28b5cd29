import PathwayModel
import Simulator
import Synchronization

/// N independent stochastic trajectories of a model and their mean and standard deviation at each
/// output time.
///
/// Run i draws from its own stream, `Xoshiro256(seed:stream: i)`, and the statistics are accumulated in
/// run order (Welford's update, delivered in index order by ``Parallel/orderedMap``), so the result is
/// the same, bit for bit, whatever the number of threads.
public struct StochasticEnsemble: Sendable {
    public var names: [String]
    public var times: [Double]
    public var runs: Int
    public var seed: UInt64
    /// `mean[i][k]`: the sample mean of name k at time i.
    public var mean: [[Double]]
    /// `sd[i][k]`: the sample standard deviation (n − 1 in the denominator; 0 for one run).
    public var sd: [[Double]]
    /// Every run's values (`trajectories[r][i][k]`), when asked for; else the first few runs, if any.
    public var trajectories: [[[Double]]]
    /// Header facts: how values became counts, the method.
    public var notes: [String]
    /// Reaction events over all runs, and model-event executions.
    public var reactionEvents: Int
    public var eventExecutions: Int
    /// Wall time of all runs, in seconds.
    public var seconds: Double

    /// Runs the ensemble on `jobs` threads. `keep` trajectories are kept (all of them with `keep >= runs`).
    public static func run(model: Model, settings: SimulationSettings, observe: [String] = [], options: StochasticOptions = StochasticOptions(),
                           runs: Int, seed: UInt64, jobs: Int = Parallel.availableCores, keep: Int = 0) throws -> StochasticEnsemble {
        guard runs >= 1 else { throw SimulationError(message: "at least one run is needed, not \(runs)") }
        // Set up once here so that bad input is reported before any thread starts.
        let probe = try StochasticSimulator(try compile(model), settings: settings, observe: observe, options: options)
        let names = probe.names, times = probe.times
        let width = names.count * times.count
        let collector = EnsembleAccumulator(width: width, keep: min(keep, runs))
        let clock = ContinuousClock()
        let started = clock.now
        try Parallel.orderedMap(0..<runs, jobs: jobs, makeContext: {
            try StochasticSimulator(try compile(model), settings: settings, observe: observe, options: options)
        }, work: { simulator, index -> RunOutcome in
            var rng = Xoshiro256(seed: seed, stream: UInt64(index))
            var values = [Double](repeating: 0, count: width)
            var outcome = RunOutcome(values: [], statistics: StochasticRunStatistics(), error: nil)
            values.withUnsafeMutableBufferPointer { buffer in
                do throws(SimulationError) { outcome.statistics = try simulator.run(&rng, into: buffer) } catch {
                    outcome.error = SimulationError(message: "run \(index + 1): \(error.message)", location: error.location)
                }
            }
            outcome.values = values
            return outcome
        }, deliver: { _, outcome in
            if let error = outcome.error { throw error }
            collector.add(outcome.values, outcome.statistics)
        })
        let elapsed = clock.now - started
        let columns = names.count
        func rows(_ flat: [Double]) -> [[Double]] { times.indices.map { i in Array(flat[(i * columns)..<((i + 1) * columns)]) } }
        let (mean, variance) = collector.result()
        return StochasticEnsemble(names: names, times: times, runs: runs, seed: seed, mean: rows(mean),
                                  sd: rows(variance.map { $0.squareRoot() }), trajectories: collector.kept.map(rows),
                                  notes: probe.notes, reactionEvents: collector.reactionEvents, eventExecutions: collector.eventExecutions,
                                  seconds: Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18)
    }

    static func compile(_ model: Model) throws -> CompiledModel {
        do { return try CompiledModel(model) } catch { throw SimulationError(message: error.message) }
    }

    struct RunOutcome: Sendable {
        var values: [Double]
        var statistics: StochasticRunStatistics
        var error: SimulationError?
    }
}

/// Welford's running mean and sum of squared deviations (``RunningMoments``), updated in run order (``Parallel/orderedMap``
/// delivers in index order), behind a lock of its own so that `Sendable` is checked by the compiler.
private final class EnsembleAccumulator: Sendable {
    struct State {
        var moments: [RunningMoments]
        var kept: [[Double]] = []
        var reactionEvents = 0
        var eventExecutions = 0
    }

    private let state: Mutex<State>
    let keep: Int

    init(width: Int, keep: Int) {
        state = Mutex(State(moments: [RunningMoments](repeating: RunningMoments(), count: width)))
        self.keep = keep
    }

    func add(_ values: [Double], _ statistics: StochasticRunStatistics) {
        let keep = self.keep
        state.withLock { s in
            for i in values.indices { s.moments[i].add(values[i]) }
            if s.kept.count < keep { s.kept.append(values) }
            s.reactionEvents += statistics.reactionEvents
            s.eventExecutions += statistics.eventExecutions
        }
    }

    var kept: [[Double]] { state.withLock { $0.kept } }
    var reactionEvents: Int { state.withLock { $0.reactionEvents } }
    var eventExecutions: Int { state.withLock { $0.eventExecutions } }

    func result() -> (mean: [Double], variance: [Double]) {
        state.withLock { s in
            (s.moments.map(\.mean), s.moments.map(\.variance))
        }
    }
}
