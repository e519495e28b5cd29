/// The result of a solve: recorded times and states, work counters and status.
///
/// States are stored flat and row-major: the state at `times[i]` is
/// `states[i*dimension ..< (i+1)*dimension]`.
public struct Solution: Sendable {
    /// Number of components per state.
    public var dimension: Int
    /// Recorded times (ascending; a time may repeat at an event in `.everyStep` mode).
    public var times: [Double]
    /// Recorded states, `times.count * dimension` values, row-major.
    public var states: [Double]
    /// Work counters.
    public var statistics: SolverStatistics
    /// How the solve ended. On failure, `times`/`states` hold what was recorded before it.
    public var status: SolverStatus
    /// The state where integration stopped (at t₁ on success), for continuing a run.
    public var finalState: [Double] = []
    /// The time where integration stopped.
    public var finalTime: Double = .nan
    /// The largest |yᵢ| seen during the run (the scale of the negative-state check), for continuing a run.
    public var largestMagnitudes: [Double] = []

    public init(
        dimension: Int, times: [Double], states: [Double],
        statistics: SolverStatistics, status: SolverStatus
    ) {
        self.dimension = dimension
        self.times = times
        self.states = states
        self.statistics = statistics
        self.status = status
    }

    /// Number of recorded points.
    public var count: Int { times.count }

    /// The state recorded at `times[i]`.
    public func state(at i: Int) -> ArraySlice<Double> {
        states[(i * dimension)..<((i + 1) * dimension)]
    }

    /// Component `species` of the state recorded at `times[i]`.
    public func value(species: Int, at i: Int) -> Double {
        states[i * dimension + species]
    }

    /// The time course of one component.
    public func trajectory(species: Int) -> [Double] {
        (0..<count).map { states[$0 * dimension + species] }
    }
}
