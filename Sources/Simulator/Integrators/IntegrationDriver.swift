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
    /// The loop's own state (t, h, the step-size controller, the stepper, the state buffers, the output
    /// arrays) lives in this function's locals; the stages that are cold or self-contained are the
    /// functions below, which take what they need and return what they found: ``begin`` (with
    /// ``actAtStart``), ``planStep``, ``rejected``, ``acceptanceFailure``, ``locateEvents``, `emitOutput(upTo:)`,
    /// ``actOnEvents`` (``applyEvents``, ``restart``), ``finish``. (A version that carried the
    /// loop's state in a struct passed `inout` through its stages cost IL-11 a fifth of its solve:
    /// BENCHMARKS.md.)
    @inlinable
    static func run<F: ODEFunction, S: Stepper>(
        problem: ODEProblem<F>, output: OutputSchedule, options: SolverOptions, stepper: S,
        recordedTimes: consuming [Double] = [], recordedStates: consuming [Double] = []
    ) -> Solution {
        let n = problem.function.dimension
        let t0 = problem.timeSpan.lowerBound, tEnd = problem.timeSpan.upperBound
        let fixedStep = options.stepSize
        var stats = SolverStatistics()
        let outTimes: [Double], everyStep: Bool
        if case let .times(ts) = output { (outTimes, everyStep) = (ts, false) } else { (outTimes, everyStep) = ([], true) }
        var times = recordedTimes, states = recordedStates

        let schedule = ScheduledEvent.schedule(problem.timedEvents, from: t0, to: tEnd)
        let triggers = problem.triggeredEvents
        let m = triggers.count
        let handler = problem.eventHandler
        let recorder = problem.stepRecorder

        // Work buffers, allocated once per solve.
        let buffer = UnsafeMutablePointer<Double>.allocate(capacity: max(1, 4 * n))
        buffer.initialize(repeating: 0, count: max(1, 4 * n))
        defer { buffer.deallocate() }
        var y = buffer, yNew = buffer + n
        let scratch = buffer + 2 * n, largest = buffer + 3 * n
        var work = TriggerWork(count: m)
        var t = t0, outIndex = 0
        var (nextTimed, status, h) = begin(
            problem: problem, options: options, everyStep: everyStep, outputCount: outTimes.count,
            schedule: schedule, state: y, largest: largest, stepper: stepper, work: &work, times: &times,
            states: &states, statistics: &stats)
        let checked = checkedComponents(options, dimension: n)
        let noiseFactor = options.negativeNoiseFactor(dimension: n)
        var controller = StepSizeController(kind: stepper.controllerKind)
        var gridIndex = 0, consecutiveSingular = 0

        mainLoop: while t < tEnd && status.isSuccess {
            var stop = nextTimed < schedule.count ? min(schedule[nextTimed].time, tEnd) : tEnd
            if let handler { stop = min(stop, max(handler.nextScheduledTime, t)) }
            let (tTarget, hStep, onGrid, underflow) = planStep(
                from: t, stop: stop, h: h, maxStep: options.maxStep, fixedStep: fixedStep, gridStart: t0,
                gridIndex: gridIndex)
            if underflow || stats.steps >= options.maxSteps {
                status = underflow ? .stepSizeUnderflow(time: t, stepSize: hStep) : .maxStepsReached(time: t, steps: stats.steps)
                break mainLoop
            }
            stats.steps += 1
            let outcome = stepper.attempt(t: t, h: hStep, y: y, yNew: yNew, statistics: &stats)

            // Error control.
            if case let .completed(err) = outcome, fixedStep != nil || err <= 1 {
                consecutiveSingular = 0
                if fixedStep == nil && !stepper.selectsStepSize { h = controller.accepted(h: hStep, error: err) }
                stats.acceptedSteps += 1
            } else {
                switch rejected(
                    outcome, at: t, step: hStep, fixedStep: fixedStep, stepper: stepper, controller: &controller,
                    consecutiveSingular: &consecutiveSingular, state: yNew, dimension: n, statistics: &stats)
                {
                case let .retry(next): h = next
                case let .stop(failure): status = failure
                }
                continue mainLoop
            }
            if let failure = acceptanceFailure(
                state: yNew, dimension: n, at: tTarget, options: options, checked: checked,
                noiseFactor: noiseFactor, largest: largest)
            {
                status = failure
                break mainLoop
            }
            stepper.accept(t: t, h: hStep, y: y, yNew: yNew, statistics: &stats)
            if fixedStep == nil && stepper.selectsStepSize { h = stepper.proposedStepSize }
            recorder?.record(t: tTarget, state: yNew)

            // Triggered events: the step ends at the earliest root found in it, if any.
            var tReached = tTarget, triggered = false
            if m > 0 {
                let found = locateEvents(
                    stepper: stepper, triggers: triggers, work: &work, from: t, to: tTarget, step: hStep,
                    state: yNew, dimension: n, scratch: scratch, span: tEnd - t0, statistics: &stats)
                if fixedStep == nil { h = min(h, found.stepLimit) }
                if let tEvent = found.time { (tReached, triggered) = (tEvent, true) }
            }
            emitOutput(
                upTo: tReached, outTimes: outTimes, outIndex: &outIndex, times: &times, states: &states,
                stepEnd: tTarget, stepEndState: yNew, dimension: n, stepper: stepper, scratch: scratch,
                statistics: &stats)
            // Advance.
            if triggered && tReached != tTarget {
                stepper.interpolate(at: tReached, into: y, statistics: &stats)
                recorder?.replaceLast(t: tReached, state: y)
            } else {
                swap(&y, &yNew)
            }
            t = tReached
            if fixedStep != nil && onGrid && tReached == tTarget { gridIndex += 1 }
            if everyStep { appendRow(t, y, dimension: n, times: &times, states: &states) }

            // Event actions, then a fresh start of the method from the state they left.
            guard let next = actOnEvents(
                at: t, state: y, dimension: n, end: tEnd, triggered: triggered, triggers: triggers, work: &work,
                timed: problem.timedEvents, schedule: schedule, nextTimed: &nextTimed, handler: handler,
                recorder: recorder, everyStep: everyStep, times: &times, states: &states, stepper: stepper,
                controller: &controller, adaptive: fixedStep == nil, maxStep: options.maxStep, h: h, statistics: &stats)
            else {
                status = .eventsDidNotSettle(time: t)
                break mainLoop
            }
            h = next
            for i in 0..<n { largest[i] = max(largest[i], abs(y[i])) }
            if options.stopWhenStiff && stepper.detectedStiffness && t < tEnd {
                status = .stiffnessDetected(time: t)
                break mainLoop
            }
        }

        // Remaining output times equal t₁.
        for time in outTimes[outIndex...] where status.isSuccess {
            appendRow(time, y, dimension: n, times: &times, states: &states)
        }
        return finish(
            times: times, states: states, state: y, largest: largest, dimension: n, at: t, status: status,
            statistics: stats)
    }

    // MARK: Stages of the loop

    /// The next step from t: where it ends, its size, whether it ends on the fixed-step grid, and
    /// whether an adaptive step has fallen below ``minimumStep(at:)`` (the run then stops).
    ///
    /// Adaptive: h' = min(h, maxStep), shortened to end exactly at `stop` (the next timed event, scheduled
    /// execution or t₁) when t + 1.01·h' reaches it. Fixed (Δ): the grid point t₀ + (k + 1)Δ, or `stop` if
    /// that is before it (within 10⁻⁹Δ); the grid itself never shifts.
    @inlinable
    static func planStep(
        from t: Double, stop: Double, h: Double, maxStep: Double, fixedStep: Double?, gridStart t0: Double,
        gridIndex: Int
    ) -> (tTarget: Double, hStep: Double, onGrid: Bool, underflow: Bool) {
        if let hf = fixedStep {
            let gridNext = t0 + Double(gridIndex + 1) * hf
            if gridNext >= stop - 1e-9 * hf {
                return (stop, stop - t, gridNext <= stop + 1e-9 * hf, false)
            }
            return (gridNext, gridNext - t, true, false)
        }
        let hStep = min(h, maxStep)
        if t + 1.01 * hStep >= stop { return (stop, stop - t, false, false) }
        return (t + hStep, hStep, false, !(hStep >= minimumStep(at: t))) // NaN-safe
    }

    /// What follows a rejected step: the step size to retry with, or the status that ends the run.
    @usableFromInline
    enum Retry {
        case retry(Double)
        case stop(SolverStatus)
    }

    /// A step that failed: a singular iteration matrix (retried at h/2, at most 6 times in a row), a Newton
    /// iteration that did not converge (retried at the method's proposal, else h/4), or an error estimate
    /// over 1 (retried at the controller's proposal, or h/4 when the estimate is not finite). A fixed-step
    /// run cannot retry; neither can a step size below ``minimumStep(at:)``.
    @inlinable
    static func rejected<S: Stepper>(
        _ outcome: StepOutcome, at t: Double, step hStep: Double, fixedStep: Double?, stepper: S,
        controller: inout StepSizeController, consecutiveSingular: inout Int, state yNew: UnsafePointer<Double>,
        dimension n: Int, statistics stats: inout SolverStatistics
    ) -> Retry {
        stats.rejectedSteps += 1
        switch outcome {
        case .singularMatrix:
            consecutiveSingular += 1
            if fixedStep != nil || consecutiveSingular >= 6 { return .stop(.singularMatrix(time: t)) }
            controller.noteFailure()
            return .retry(0.5 * hStep)
        case .convergenceFailure:
            controller.noteFailure()
            let h = stepper.selectsStepSize ? stepper.proposedStepSize : 0.25 * hStep
            if fixedStep != nil || !(h >= minimumStep(at: t)) {
                return .stop(.stepSizeUnderflow(time: t, stepSize: fixedStep == nil ? h : hStep))
            }
            return .retry(h)
        case let .completed(err):
            consecutiveSingular = 0
            let h: Double
            if stepper.selectsStepSize {
                h = stepper.proposedStepSize
            } else if err.isFinite {
                h = controller.rejected(h: hStep, error: err)
            } else {
                controller.noteFailure()
                h = 0.25 * hStep
            }
            if !(h >= minimumStep(at: t)) {
                return .stop(err.isFinite
                    ? .stepSizeUnderflow(time: t, stepSize: h)
                    : .nonFinite(component: firstNonFinite(yNew, count: n) ?? 0, time: t))
            }
            return .retry(h)
        }
    }

    /// Output at the requested times in [t, `end`) of the accepted step, from its dense output (the step's
    /// end state itself at its end).
    @inlinable
    static func emitOutput<S: Stepper>(
        upTo end: Double, outTimes: [Double], outIndex: inout Int, times: inout [Double], states: inout [Double],
        stepEnd tTarget: Double, stepEndState yNew: UnsafePointer<Double>, dimension n: Int, stepper: S,
        scratch: UnsafeMutablePointer<Double>, statistics stats: inout SolverStatistics
    ) {
        while outIndex < outTimes.count && outTimes[outIndex] < end {
            let time = outTimes[outIndex]
            times.append(time)
            if time == tTarget {
                states.append(contentsOf: UnsafeBufferPointer(start: yNew, count: n))
            } else {
                stepper.interpolate(at: time, into: scratch, statistics: &stats)
                states.append(contentsOf: UnsafeBufferPointer(start: scratch, count: n))
            }
            outIndex += 1
        }
    }

    /// After events changed the state at t: the recorder and an every-step output see the new state, the
    /// conditions' signs start again from it (``TriggerWork/restartSigns``), and, before t₁, the method starts
    /// afresh from (t, y): its history and the controller's are forgotten and an adaptive run takes a new
    /// starting step (returned; `h` otherwise).
    @inlinable
    static func restart<S: Stepper>(
        _ stepper: S, at t: Double, state y: UnsafeMutablePointer<Double>, dimension n: Int, end tEnd: Double,
        triggers: [TriggeredEvent], triggered: Bool, work: inout TriggerWork, recorder: (any StepRecorder)?,
        everyStep: Bool, times: inout [Double], states: inout [Double], controller: inout StepSizeController,
        adaptive: Bool, maxStep: Double, h: Double, statistics stats: inout SolverStatistics
    ) -> Double {
        recorder?.record(t: t, state: y)
        work.restartSigns(at: t, state: y, dimension: n, triggers: triggers, triggered: triggered)
        if everyStep { appendRow(t, y, dimension: n, times: &times, states: &states) }
        guard t < tEnd else { return h }
        stepper.restart(t: t, y: y, statistics: &stats)
        controller.reset()
        return adaptive ? stepper.initialStepSize(t: t, y: y, maxStep: min(maxStep, tEnd - t), statistics: &stats) : h
    }

    /// Appends the row (t, y) to the output.
    @inlinable
    static func appendRow(
        _ t: Double, _ y: UnsafePointer<Double>, dimension n: Int, times: inout [Double], states: inout [Double]
    ) {
        times.append(t)
        states.append(contentsOf: UnsafeBufferPointer(start: y, count: n))
    }

    /// The run's start: room in the output arrays, the initial state, the events at t₀ (``actAtStart``), each
    /// component's largest magnitude so far (carried over from an earlier run too), t₀'s row (unless an
    /// every-step run continues one that ends at t₀), the method's start and the first step size. Returns the
    /// first timed event still to come, the status and h.
    @inlinable
    static func begin<F: ODEFunction, S: Stepper>(
        problem: ODEProblem<F>, options: SolverOptions, everyStep: Bool, outputCount: Int,
        schedule: [ScheduledEvent], state y: UnsafeMutablePointer<Double>, largest: UnsafeMutablePointer<Double>,
        stepper: S, work: inout TriggerWork, times: inout [Double], states: inout [Double],
        statistics stats: inout SolverStatistics
    ) -> (nextTimed: Int, status: SolverStatus, h: Double) {
        let n = problem.function.dimension
        let t = problem.timeSpan.lowerBound, tEnd = problem.timeSpan.upperBound
        let continuesEveryStep = everyStep && times.last == t
        times.reserveCapacity(times.count + (everyStep ? 256 : outputCount))
        states.reserveCapacity(states.count + (everyStep ? 256 : outputCount) * n)
        for i in 0..<n { y[i] = problem.initialState[i] }
        let (nextTimed, status) = actAtStart(
            problem: problem, schedule: schedule, state: y, work: &work, statistics: &stats)
        for i in 0..<n { largest[i] = abs(y[i]) }
        if let carried = options.initialMagnitudes, carried.count == n {
            for i in 0..<n { largest[i] = max(largest[i], carried[i]) }
        }
        if everyStep && !continuesEveryStep { appendRow(t, y, dimension: n, times: &times, states: &states) }
        stepper.restart(t: t, y: y, statistics: &stats)
        var h = options.stepSize ?? options.initialStep ?? 0
        if options.stepSize == nil && options.initialStep == nil && tEnd > t {
            h = stepper.initialStepSize(t: t, y: y, maxStep: min(options.maxStep, tEnd - t), statistics: &stats)
        }
        return (nextTimed, status, h)
    }

    /// Before the first step: the timed events due at t₀ act on the state (the recorder sees it before and
    /// after), then the handler's ``EventHandler/start(t:state:)``; the triggered conditions are evaluated
    /// on the resulting state. Returns the index of the first timed event still to come and the status
    /// (``SolverStatus/eventsDidNotSettle(time:)`` if the handler's events at t₀ did not settle).
    @inlinable
    static func actAtStart<F: ODEFunction>(
        problem: ODEProblem<F>, schedule: [ScheduledEvent], state y: UnsafeMutablePointer<Double>,
        work: inout TriggerWork, statistics stats: inout SolverStatistics
    ) -> (nextTimed: Int, status: SolverStatus) {
        let n = problem.function.dimension
        let t = problem.timeSpan.lowerBound
        let handler = problem.eventHandler
        var status = SolverStatus.success
        var nextTimed = 0
        problem.stepRecorder?.record(t: t, state: y)
        while nextTimed < schedule.count && schedule[nextTimed].time <= t {
            problem.timedEvents[schedule[nextTimed].index].action(t, UnsafeMutableBufferPointer(start: y, count: n))
            if handler == nil { stats.eventsFired += 1 }
            nextTimed += 1
        }
        if let handler {
            if let executed = handler.start(t: t, state: UnsafeMutableBufferPointer(start: y, count: n)) {
                stats.eventsFired += executed
            } else {
                status = .eventsDidNotSettle(time: t)
            }
        }
        problem.stepRecorder?.record(t: t, state: y)
        for i in 0..<problem.triggeredEvents.count {
            let g = problem.triggeredEvents[i].condition(t, UnsafeBufferPointer(start: y, count: n))
            work.gPrev[i] = g
            work.lastSign[i] = sign(g)
        }
        return (nextTimed, status)
    }

    /// Which components the negative-state check covers: ``SolverOptions/nonNegativeComponents``, or all.
    @inlinable
    static func checkedComponents(_ options: SolverOptions, dimension n: Int) -> [Bool] {
        var checked = [Bool](repeating: options.nonNegativeComponents == nil, count: n)
        for i in options.nonNegativeComponents ?? [] where i < n { checked[i] = true }
        return checked
    }

    /// Why an accepted step's end state yNew cannot be kept, or nil: a component that is not finite, or
    /// (with ``SolverOptions/checkNegative``) a checked component below −f·(atol + rtol·|y|ₘₐₓ,ᵢ), where
    /// |y|ₘₐₓ,ᵢ is the largest magnitude component i has had and f the options' noise factor.
    @inlinable
    static func acceptanceFailure(
        state yNew: UnsafePointer<Double>, dimension n: Int, at tTarget: Double, options: SolverOptions,
        checked: [Bool], noiseFactor: Double, largest: UnsafePointer<Double>
    ) -> SolverStatus? {
        if let bad = firstNonFinite(yNew, count: n) {
            return .nonFinite(component: bad, time: tTarget)
        }
        if options.checkNegative {
            let rtol = options.rtol, atol = options.atol
            for i in 0..<n where checked[i] {
                let threshold = noiseFactor * (atol + rtol * largest[i])
                if yNew[i] < -threshold {
                    return .negativeState(component: i, time: tTarget, value: yNew[i])
                }
            }
        }
        return nil
    }

    /// Locates the triggered events' crossings in the accepted step [t, t + h] (state `yNew` at its end,
    /// dense output in between).
    ///
    /// A condition g whose sign changed between the ends in a direction its event fires on is located by
    /// ``locateRoot``. A condition with the same sign at both ends may have crossed and crossed back
    /// (a trigger periodic in time, or one on a quantity the error control hardly sees): it is sampled at
    /// t + kh/(s+1), k = 1…s (s = ``interiorSamples``); the first sign change found is located like any
    /// other (firing or not by its direction), and the step stops there so as not to miss the crossing
    /// back. The deviation d of those samples from the chord between g(t) and g(t + h) grows as h²; keeping
    /// it within a tenth of the condition's size |g|ₘₐₓ bounds the next step by
    /// h·max(0.2, √(0.1·|g|ₘₐₓ / d)), never below 10⁻⁴ of the time span.
    ///
    /// Returns the time the step ends at (the right end of the group of coincident roots, see
    /// ``TriggerWork/groupCoincident(from:)``), nil if no condition crossed, and the bound on the next
    /// step (+∞ if none).
    @inlinable
    static func locateEvents<S: Stepper>(
        stepper: S, triggers: [TriggeredEvent], work: inout TriggerWork, from t: Double, to tTarget: Double,
        step hStep: Double, state yNew: UnsafePointer<Double>, dimension n: Int,
        scratch: UnsafeMutablePointer<Double>, span: Double, statistics stats: inout SolverStatistics
    ) -> (time: Double?, stepLimit: Double) {
        let m = triggers.count
        var earliest = Double.infinity
        var stepLimit = Double.infinity
        var unchanged = false
        for i in 0..<m {
            work.candidate[i] = false
            let g = triggers[i].condition(tTarget, UnsafeBufferPointer(start: yNew, count: n))
            work.gNew[i] = g
            let s = sign(g), old = work.lastSign[i]
            if s != 0 && s == old { unchanged = true }
            guard s != 0, old != 0, s != old, triggers[i].direction.fires(newSign: s) else { continue }
            let bracket = locateRoot(
                stepper: stepper, condition: triggers[i].condition, dimension: n, scratch: scratch,
                left: t, gLeft: work.gPrev[i], right: tTarget, gRight: g, oldSign: old, statistics: &stats)
            work.rootLeft[i] = bracket.left
            work.rootRight[i] = bracket.right
            work.candidate[i] = true
            work.fires[i] = true
            earliest = min(earliest, bracket.right)
        }
        if unchanged {
            let s = interiorSamples
            for k in 1...s {
                let tk = t + hStep * Double(k) / Double(s + 1)
                stepper.interpolate(at: tk, into: scratch, statistics: &stats)
                for i in 0..<m {
                    let old = work.lastSign[i]
                    guard old != 0, sign(work.gNew[i]) == old else { continue }
                    work.gInterior[i * s + k - 1] = triggers[i].condition(tk, UnsafeBufferPointer(start: scratch, count: n))
                }
            }
            for i in 0..<m {
                let old = work.lastSign[i]
                guard old != 0, sign(work.gNew[i]) == old else { continue }
                let gStart = work.gPrev[i], gEnd = work.gNew[i]
                var left = t, gLeft = gStart
                var deviation = 0.0, scale = max(abs(gStart), abs(gEnd))
                var found = false
                for k in 1...s {
                    let fraction = Double(k) / Double(s + 1)
                    let tk = t + hStep * fraction
                    let gk = work.gInterior[i * s + k - 1]
                    deviation = max(deviation, abs(gk - (gStart + (gEnd - gStart) * fraction)))
                    scale = max(scale, abs(gk))
                    if !found && sign(gk) != old && sign(gk) != 0 {
                        found = true
                        let bracket = locateRoot(
                            stepper: stepper, condition: triggers[i].condition, dimension: n, scratch: scratch,
                            left: left, gLeft: gLeft, right: tk, gRight: gk, oldSign: old, statistics: &stats)
                        work.rootLeft[i] = bracket.left
                        work.rootRight[i] = bracket.right
                        work.candidate[i] = true
                        work.fires[i] = triggers[i].direction.fires(newSign: -old)
                        earliest = min(earliest, bracket.right)
                    }
                    left = tk
                    gLeft = gk
                }
                if deviation > 0 {
                    let limit = hStep * max(0.2, (0.1 * scale / deviation).squareRoot())
                    stepLimit = min(stepLimit, max(limit, 1e-4 * span))
                }
            }
        }
        guard earliest < .infinity else { return (nil, stepLimit) }
        return (work.groupCoincident(from: earliest), stepLimit)
    }

    /// The event actions due at t, after the step has advanced to it: the triggered events of the group
    /// located at t whose direction fires (without a handler), then the timed events due by t (within
    /// 4 ulp), then, with a handler, its ``EventHandler/settle(t:state:previousSigns:)`` if anything
    /// happened at t. Returns whether anything acted, or nil if the handler's events did not settle.
    @inlinable
    static func applyEvents(
        at t: Double, state y: UnsafeMutablePointer<Double>, dimension n: Int, triggered: Bool,
        triggers: [TriggeredEvent], work: TriggerWork, timed: [TimedEvent], schedule: [ScheduledEvent],
        nextTimed: inout Int, handler: (any EventHandler)?, statistics stats: inout SolverStatistics
    ) -> Bool? {
        var acted = false
        if triggered {
            if handler == nil {
                for i in 0..<triggers.count where work.inGroup[i] && work.fires[i] {
                    triggers[i].action(t, UnsafeMutableBufferPointer(start: y, count: n))
                    stats.eventsFired += 1
                }
            }
            acted = true
        }
        while nextTimed < schedule.count && schedule[nextTimed].time <= t + 4 * abs(t).ulp {
            timed[schedule[nextTimed].index].action(t, UnsafeMutableBufferPointer(start: y, count: n))
            if handler == nil { stats.eventsFired += 1 }
            nextTimed += 1
            acted = true
        }
        if let handler {
            if handler.nextScheduledTime <= t + 4 * abs(t).ulp { acted = true }
            if acted {
                let executed = work.lastSign.withUnsafeBufferPointer { signs in
                    handler.settle(t: t, state: UnsafeMutableBufferPointer(start: y, count: n), previousSigns: signs)
                }
                guard let executed else { return nil }
                stats.eventsFired += executed
            }
        }
        return acted
    }

    /// The events at the end of a step at t: ``applyEvents``, then, if anything acted, ``restart`` (the new
    /// step size returned), else the conditions' values at the step's end carried to the next step's start.
    /// nil if the handler's events did not settle.
    @inlinable
    static func actOnEvents<S: Stepper>(
        at t: Double, state y: UnsafeMutablePointer<Double>, dimension n: Int, end tEnd: Double, triggered: Bool,
        triggers: [TriggeredEvent], work: inout TriggerWork, timed: [TimedEvent], schedule: [ScheduledEvent],
        nextTimed: inout Int, handler: (any EventHandler)?, recorder: (any StepRecorder)?, everyStep: Bool,
        times: inout [Double], states: inout [Double], stepper: S, controller: inout StepSizeController,
        adaptive: Bool, maxStep: Double, h: Double, statistics stats: inout SolverStatistics
    ) -> Double? {
        guard let acted = applyEvents(
            at: t, state: y, dimension: n, triggered: triggered, triggers: triggers, work: work, timed: timed,
            schedule: schedule, nextTimed: &nextTimed, handler: handler, statistics: &stats)
        else { return nil }
        if acted {
            return restart(
                stepper, at: t, state: y, dimension: n, end: tEnd, triggers: triggers, triggered: triggered,
                work: &work, recorder: recorder, everyStep: everyStep, times: &times, states: &states,
                controller: &controller, adaptive: adaptive, maxStep: maxStep, h: h, statistics: &stats)
        }
        if !triggers.isEmpty { work.carrySigns() }
        return h
    }

    /// The solution at the end of the run, keeping the final state, time and each component's largest
    /// magnitude for a run that continues this one.
    @inlinable
    static func finish(
        times: [Double], states: [Double], state y: UnsafePointer<Double>, largest: UnsafePointer<Double>,
        dimension n: Int, at t: Double, status: SolverStatus, statistics: SolverStatistics
    ) -> Solution {
        var solution = Solution(dimension: n, times: times, states: states, statistics: statistics, status: status)
        solution.finalState = Array(UnsafeBufferPointer(start: y, count: n))
        solution.finalTime = t
        solution.largestMagnitudes = Array(UnsafeBufferPointer(start: largest, count: n))
        return solution
    }
}

/// The triggered events' work arrays, one entry per event, allocated once per solve: each condition's
/// last known sign and its values at the current step's ends, the root brackets found in the step, and
/// which events fire together.
@usableFromInline
struct TriggerWork {
    /// Sign of each condition just before the current step (0 if unknown).
    @usableFromInline var lastSign: [Double]
    /// Each condition at the step's start and end.
    @usableFromInline var gPrev: [Double]
    @usableFromInline var gNew: [Double]
    /// Bracket [rootLeft, rootRight] of a crossing located in the step.
    @usableFromInline var rootLeft: [Double]
    @usableFromInline var rootRight: [Double]
    /// Whether a crossing was located in the step, and whether it is in the group that fires at its end.
    @usableFromInline var candidate: [Bool]
    @usableFromInline var inGroup: [Bool]
    /// Whether a candidate's crossing is one its direction fires on (a crossing found inside a step may
    /// be one the event ignores, the step stopping there so as not to miss the crossing back).
    @usableFromInline var fires: [Bool]
    /// Conditions sampled inside the step: event i's k-th sample at i·s + k − 1.
    @usableFromInline var gInterior: [Double]

    @inlinable
    init(count m: Int) {
        lastSign = [Double](repeating: 0, count: m)
        gPrev = [Double](repeating: 0, count: m)
        gNew = [Double](repeating: 0, count: m)
        rootLeft = [Double](repeating: 0, count: m)
        rootRight = [Double](repeating: 0, count: m)
        candidate = [Bool](repeating: false, count: m)
        inGroup = [Bool](repeating: false, count: m)
        fires = [Bool](repeating: false, count: m)
        gInterior = [Double](repeating: 0, count: max(1, m * IntegrationDriver.interiorSamples))
    }

    /// Events whose roots coincide fire together: starting from the earliest root's right end τ, every
    /// candidate whose bracket starts before τ (or ends by it) joins the group and moves τ to its own
    /// right end, until none joins. Returns τ, the time the group fires at.
    @inlinable
    mutating func groupCoincident(from earliest: Double) -> Double {
        let m = candidate.count
        var tEvent = earliest
        for i in 0..<m { inGroup[i] = false }
        var grew = true
        while grew {
            grew = false
            for i in 0..<m where candidate[i] && !inGroup[i] {
                if rootLeft[i] < tEvent || rootRight[i] <= tEvent {
                    inGroup[i] = true
                    grew = true
                    tEvent = max(tEvent, rootRight[i])
                }
            }
        }
        return tEvent
    }

    /// After events acted at t: each condition is evaluated on the new state. A condition that is now zero
    /// keeps its last sign, except for an event of the group that just fired, whose sign flips (it has
    /// crossed).
    @inlinable
    mutating func restartSigns(
        at t: Double, state y: UnsafePointer<Double>, dimension n: Int, triggers: [TriggeredEvent], triggered: Bool
    ) {
        for i in 0..<triggers.count {
            let g = triggers[i].condition(t, UnsafeBufferPointer(start: y, count: n))
            gPrev[i] = g
            let s = IntegrationDriver.sign(g)
            if s != 0 {
                lastSign[i] = s
            } else if triggered && inGroup[i] {
                lastSign[i] = -lastSign[i]
            }
        }
    }

    /// A step without events: the end's values and (non-zero) signs become the next step's start.
    @inlinable
    mutating func carrySigns() {
        for i in 0..<gNew.count {
            let s = IntegrationDriver.sign(gNew[i])
            if s != 0 { lastSign[i] = s }
        }
        swap(&gPrev, &gNew)
    }
}
