/// The integration loop shared by all methods: step-size control, landing on timed events,
/// locating triggered events on dense output, output at requested times, failure detection
/// and counters. Methods plug in through ``Stepper``.
///
/// Step sequence:
/// * adaptive (no `stepSize`): h from the method's ``StepSizeController`` (or, for a stepper that
///   ``Stepper/selectsStepSize``, its own ``Stepper/proposedStepSize``); a step that would
///   pass the next timed event or t₁ (or come within 1 % of it) is shortened to end exactly there;
/// * fixed (`stepSize` = Δ): the grid t₀ + kΔ, with a step cut short to end exactly at a timed
///   event, t₁ or a triggered event's root; the grid itself is never shifted.
/// Output times never shorten a step; their values come from dense output.
@usableFromInline
enum IntegrationDriver {
    /// Checks the problem and options; returns a failed ``Solution`` to hand back if invalid.
    @usableFromInline
    static func validate(
        dimension n: Int, initialState: [Double], timeSpan: ClosedRange<Double>,
        timedEvents: [TimedEvent], output: OutputSchedule, options: SolverOptions,
        requiresStepSize: Bool
    ) -> Solution? {
        func failure(_ reason: String) -> Solution {
            Solution(dimension: max(0, n), times: [], states: [], statistics: SolverStatistics(),
                     status: .invalidInput(reason))
        }
        if n < 0 { return failure("negative dimension \(n)") }
        if initialState.count != n {
            return failure("initial state has \(initialState.count) values, the system has dimension \(n)")
        }
        if let i = initialState.firstIndex(where: { !$0.isFinite }) {
            return failure("initial state component \(i) is not finite")
        }
        if !timeSpan.lowerBound.isFinite || !timeSpan.upperBound.isFinite {
            return failure("time span \(timeSpan) is not finite")
        }
        if !(options.rtol >= 0) || !(options.atol >= 0) || (options.rtol == 0 && options.atol == 0) {
            return failure("tolerances must be non-negative and not both zero (rtol \(options.rtol), atol \(options.atol))")
        }
        if !(options.maxStep > 0) { return failure("maxStep must be positive") }
        if let h0 = options.initialStep, !(h0 > 0 && h0.isFinite) {
            return failure("initialStep must be positive and finite")
        }
        if let h = options.stepSize, !(h > 0 && h.isFinite) {
            return failure("stepSize must be positive and finite")
        }
        if requiresStepSize && options.stepSize == nil {
            return failure("this fixed-step method needs SolverOptions.stepSize")
        }
        for (i, event) in timedEvents.enumerated() {
            if !event.time.isFinite { return failure("timed event \(i) has a non-finite time") }
            if let interval = event.interval, !(interval > 0 && interval.isFinite) {
                return failure("timed event \(i) repeats with a non-positive interval")
            }
        }
        let occurrences = ScheduledEvent.occurrences(of: timedEvents, from: timeSpan.lowerBound, to: timeSpan.upperBound)
        if occurrences > Double(ScheduledEvent.maximumOccurrences) {
            let count = occurrences < 1e15 ? "\(Int(occurrences))" : "\(occurrences)"
            return failure("the timed events (doses, 'every' events) would occur \(count) times between t = \(timeSpan.lowerBound) and \(timeSpan.upperBound), more than the limit of \(ScheduledEvent.maximumOccurrences) occurrences in one run; use a longer interval, a count or a shorter span")
        }
        if case let .times(ts) = output {
            for (i, time) in ts.enumerated() {
                if !(time >= timeSpan.lowerBound && time <= timeSpan.upperBound) {
                    return failure("output time \(time) lies outside the time span \(timeSpan)")
                }
                if i > 0 && time < ts[i - 1] { return failure("output times are not sorted (at index \(i))") }
            }
        }
        return nil
    }

    @inlinable
    static func sign(_ g: Double) -> Double { g > 0 ? 1 : (g < 0 ? -1 : 0) }

    /// Validates the problem, then runs `stepper` over it: the whole of each one-method integrator's
    /// `solve`.
    @inlinable
    static func solve<F: ODEFunction, S: Stepper>(
        _ problem: ODEProblem<F>, output: OutputSchedule, options: SolverOptions, requiresStepSize: Bool,
        stepper makeStepper: () -> S
    ) -> Solution {
        if let invalid = validate(
            dimension: problem.function.dimension, initialState: problem.initialState,
            timeSpan: problem.timeSpan, timedEvents: problem.timedEvents, output: output,
            options: options, requiresStepSize: requiresStepSize)
        {
            return invalid
        }
        return run(problem: problem, output: output, options: options, stepper: makeStepper())
    }

    /// Points inside each step at which conditions that kept their sign are sampled (on dense output),
    /// so that a crossing and its crossing back within one step are not missed.
    @usableFromInline
    static let interiorSamples = 3

    /// Smallest admissible step at t: about 16 units in the last place of t.
    @inlinable
    static func minimumStep(at t: Double) -> Double { max(16 * abs(t).ulp, 1e-300) }

    @inlinable
    static func firstNonFinite(_ v: UnsafePointer<Double>, count n: Int) -> Int? {
        for i in 0..<n where !v[i].isFinite { return i }
        return nil
    }

    /// Illinois (modified regula falsi) on g(τ, y(τ)) with y from the stepper's dense output,
    /// for a bracket [left, right] where g has sign `oldSign` at `left` and not at `right`.
    /// Returns the final bracket; its right end is the first point known past the crossing.
    @inlinable
    static func locateRoot<S: Stepper>(
        stepper: S, condition: EventCondition, dimension n: Int, scratch: UnsafeMutablePointer<Double>,
        left: Double, gLeft: Double, right: Double, gRight: Double, oldSign: Double,
        statistics: inout SolverStatistics
    ) -> (left: Double, right: Double) {
        var a = left, b = right, ga = gLeft, gb = gRight
        let tolerance = max(4 * max(abs(a), abs(b)).ulp, 1e-12 * (right - left))
        var lastSide = 0
        var iterations = 0
        while b - a > tolerance && iterations < 200 {
            iterations += 1
            var c = b - gb * (b - a) / (gb - ga)
            if !(c > a && c < b) { c = 0.5 * (a + b) }
            stepper.interpolate(at: c, into: scratch, statistics: &statistics)
            let gc = condition(c, UnsafeBufferPointer(start: scratch, count: n))
            if sign(gc) == oldSign {
                a = c
                ga = gc
                if lastSide == -1 { gb *= 0.5 }
                lastSide = -1
            } else {
                b = c
                gb = gc
                if lastSide == 1 { ga *= 0.5 }
                lastSide = 1
            }
        }
        return (a, b)
    }

    /// Integrates `problem` with `stepper`. `recordedTimes`/`recordedStates` are output already
    /// recorded before t₀ by an earlier run that this one continues (``AutoIntegrator``); new output is
    /// appended to them (in `.everyStep` mode, t₀ is not recorded again if it ends them).
    ///
    /// The loop, in the shape of SciML's integrator interface: plan a step, attempt it (a rejection
    /// retries with a smaller one), check the accepted state, locate triggered events inside the
    /// step, write the output times it covers, advance (to the step's end or an event's root), apply
    /// the events due. The stages are ``IntegratorState``'s methods; nothing here allocates.
    @inlinable
    static func run<F: ODEFunction, S: Stepper>(
        problem: ODEProblem<F>, output: OutputSchedule, options: SolverOptions, stepper: S,
        recordedTimes: consuming [Double] = [], recordedStates: consuming [Double] = []
    ) -> Solution {
        var state = IntegratorState(problem: problem, output: output, options: options, stepper: stepper,
                                    recordedTimes: recordedTimes, recordedStates: recordedStates)
        defer { state.deallocate() }
        state.start()
        while state.t < state.tEnd && state.status.isSuccess {
            guard let step = state.plan() else { break }
            let attempt = state.attempt(step)
            if attempt == .rejected { continue }
            guard attempt == .accepted, state.acceptedStateIsValid(at: step.target) else { break }
            state.accept(step)
            let events = state.locateEvents(in: step)
            state.emitOutput(before: events.reached, stepEnd: step.target)
            state.advance(to: events.reached, through: step, triggered: events.triggered)
            guard state.applyEvents(triggered: events.triggered) else { break }
            if state.stopsForStiffness() { break }
        }
        return state.finish()
    }
}
