/// One solve in progress: what SciML's integrator keeps between the stages of its loop (time and
/// state, the step size and its controller, the events' signs, the output position, the counters),
/// with each stage a method: ``plan()``, ``attempt(_:)``, ``acceptedStateIsValid(at:)``,
/// ``accept(_:)``, ``locateEvents(in:)``, ``emitOutput(before:stepEnd:)``,
/// ``advance(to:through:triggered:)``, ``applyEvents(triggered:)``, ``finish()``.
/// ``IntegrationDriver/run(problem:output:options:stepper:recordedTimes:recordedStates:)`` calls them.
///
/// Every buffer is allocated in `init`, once per solve (the state vectors in one block, which the
/// owner frees with ``deallocate()``); the stages allocate nothing.
@usableFromInline
struct IntegratorState<F: ODEFunction, S: Stepper> {
    /// A step to attempt: its size, where it ends, and whether that end is a point of the fixed grid.
    @usableFromInline
    struct Step {
        @usableFromInline var h: Double
        @usableFromInline var target: Double
        @usableFromInline var onGrid: Bool

        @inlinable
        init(h: Double, target: Double, onGrid: Bool) {
            self.h = h
            self.target = target
            self.onGrid = onGrid
        }
    }

    /// How an attempted step ended.
    @usableFromInline
    enum Attempt: Equatable {
        /// Within the tolerance (or a fixed step): go on with it.
        case accepted
        /// Outside the tolerance, or a Newton failure: retry with the smaller step chosen.
        case rejected
        /// The run cannot go on (``status`` says why).
        case failed
    }

    @usableFromInline let problem: ODEProblem<F>
    @usableFromInline let stepper: S
    @usableFromInline let options: SolverOptions
    @usableFromInline let n: Int
    @usableFromInline let t0: Double
    @usableFromInline let tEnd: Double
    @usableFromInline let fixedStep: Double?
    @usableFromInline var stats = SolverStatistics()

    // Output.
    @usableFromInline let outTimes: [Double]
    @usableFromInline let everyStep: Bool
    @usableFromInline let continuesEveryStep: Bool
    @usableFromInline var times: [Double]
    @usableFromInline var states: [Double]
    @usableFromInline var outIndex = 0

    // Events.
    @usableFromInline let timed: [TimedEvent]
    @usableFromInline let schedule: [ScheduledEvent]
    @usableFromInline var nextTimed = 0
    @usableFromInline let triggers: [TriggeredEvent]
    @usableFromInline let m: Int
    @usableFromInline let handler: EventHandler?
    @usableFromInline let recorder: StepRecorder?
    @usableFromInline var lastSign: [Double]
    @usableFromInline var gPrev: [Double]
    @usableFromInline var gNew: [Double]
    @usableFromInline var rootLeft: [Double]
    @usableFromInline var rootRight: [Double]
    @usableFromInline var candidate: [Bool]
    @usableFromInline var inGroup: [Bool]
    /// Whether a candidate's crossing is one its direction fires on (a crossing found inside a step may
    /// be one the event ignores, the step stopping there so as not to miss the crossing back).
    @usableFromInline var fires: [Bool]
    @usableFromInline var gInterior: [Double]

    // State vectors: one block of 4n, freed in deinit.
    @usableFromInline let buffer: UnsafeMutablePointer<Double>
    @usableFromInline var y: UnsafeMutablePointer<Double>
    @usableFromInline var yNew: UnsafeMutablePointer<Double>
    @usableFromInline let scratch: UnsafeMutablePointer<Double>
    /// The largest magnitude of each component so far (the negativity check's scale).
    @usableFromInline let largest: UnsafeMutablePointer<Double>

    // Stepping.
    @usableFromInline var t: Double
    @usableFromInline var status = SolverStatus.success
    @usableFromInline var controller: StepSizeController
    @usableFromInline var h = 0.0
    @usableFromInline var gridIndex = 0
    @usableFromInline var consecutiveSingular = 0
    /// Which components the negative-state check covers.
    @usableFromInline var checked: [Bool]
    @usableFromInline let noiseFactor: Double

    @inlinable
    init(problem: ODEProblem<F>, output: OutputSchedule, options: SolverOptions, stepper: S,
         recordedTimes: consuming [Double], recordedStates: consuming [Double]) {
        self.problem = problem
        self.stepper = stepper
        self.options = options
        n = problem.function.dimension
        t0 = problem.timeSpan.lowerBound
        tEnd = problem.timeSpan.upperBound
        fixedStep = options.stepSize
        t = t0

        switch output {
        case let .times(ts):
            outTimes = ts
            everyStep = false
        case .everyStep:
            outTimes = []
            everyStep = true
        }
        times = recordedTimes
        states = recordedStates
        continuesEveryStep = everyStep && times.last == t0
        let expected = everyStep ? 256 : outTimes.count
        times.reserveCapacity(times.count + expected)
        states.reserveCapacity(states.count + expected * n)

        timed = problem.timedEvents
        schedule = ScheduledEvent.schedule(timed, from: t0, to: tEnd)
        triggers = problem.triggeredEvents
        m = triggers.count
        handler = problem.eventHandler
        recorder = problem.stepRecorder
        lastSign = [Double](repeating: 0, count: m)
        gPrev = [Double](repeating: 0, count: m)
        gNew = [Double](repeating: 0, count: m)
        rootLeft = [Double](repeating: 0, count: m)
        rootRight = [Double](repeating: 0, count: m)
        candidate = [Bool](repeating: false, count: m)
        inGroup = [Bool](repeating: false, count: m)
        fires = [Bool](repeating: false, count: m)
        gInterior = [Double](repeating: 0, count: max(1, m * IntegrationDriver.interiorSamples))

        let bufferSize = max(1, 4 * n)
        buffer = UnsafeMutablePointer<Double>.allocate(capacity: bufferSize)
        buffer.initialize(repeating: 0, count: bufferSize)
        y = buffer
        yNew = buffer + n
        scratch = buffer + 2 * n
        largest = buffer + 3 * n
        for i in 0..<n { y[i] = problem.initialState[i] }

        checked = [Bool](repeating: options.nonNegativeComponents == nil, count: n)
        for i in options.nonNegativeComponents ?? [] where i < n { checked[i] = true }
        noiseFactor = options.negativeNoiseFactor(dimension: n)
        controller = StepSizeController(kind: stepper.controllerKind)
    }

    /// Frees the state vectors (once, when the solve is over).
    @inlinable
    func deallocate() { buffer.deallocate() }

    @inlinable @inline(__always) var stateBuffer: UnsafeMutableBufferPointer<Double> { UnsafeMutableBufferPointer(start: y, count: n) }

    @inlinable @inline(__always)
    mutating func record(_ time: Double, _ v: UnsafePointer<Double>) {
        times.append(time)
        states.append(contentsOf: UnsafeBufferPointer(start: v, count: n))
    }

    /// Events at t₀ (timed ones, then the handler's start), the conditions' first signs, the first
    /// output and the first step size.
    @inlinable
    mutating func start() {
        // Timed events at t₀ act before the first step (the recorder sees the state before and after).
        recorder?.record(t: t, state: y)
        while nextTimed < schedule.count && schedule[nextTimed].time <= t {
            timed[schedule[nextTimed].index].action(t, stateBuffer)
            if handler == nil { stats.eventsFired += 1 }
            nextTimed += 1
        }
        if let handler {
            if let executed = handler.start(t: t, state: stateBuffer) {
                stats.eventsFired += executed
            } else {
                status = .eventsDidNotSettle(time: t)
            }
        }
        recorder?.record(t: t, state: y)
        for i in 0..<m {
            let g = triggers[i].condition(t, UnsafeBufferPointer(start: y, count: n))
            gPrev[i] = g
            lastSign[i] = IntegrationDriver.sign(g)
        }
        for i in 0..<n { largest[i] = abs(y[i]) }
        if let carried = options.initialMagnitudes, carried.count == n {
            for i in 0..<n { largest[i] = max(largest[i], carried[i]) }
        }
        if everyStep && !continuesEveryStep { record(t, y) }

        stepper.restart(t: t, y: y, statistics: &stats)
        if let hf = fixedStep {
            h = hf
        } else if let h0 = options.initialStep {
            h = h0
        } else if tEnd > t {
            h = stepper.initialStepSize(t: t, y: y, maxStep: min(options.maxStep, tEnd - t), statistics: &stats)
        }
    }

    /// The next step: on the fixed grid, or the controller's size, shortened to land on the next timed
    /// event or t₁ (or stretched to it when within 1 %). Nil when the run must stop (``status`` says why).
    @inlinable @inline(__always)
    mutating func plan() -> Step? {
        var stop = nextTimed < schedule.count ? min(schedule[nextTimed].time, tEnd) : tEnd
        if let handler { stop = min(stop, max(handler.nextScheduledTime, t)) }
        let step: Step
        if let hf = fixedStep {
            let gridNext = t0 + Double(gridIndex + 1) * hf
            if gridNext >= stop - 1e-9 * hf {
                step = Step(h: stop - t, target: stop, onGrid: gridNext <= stop + 1e-9 * hf)
            } else {
                step = Step(h: gridNext - t, target: gridNext, onGrid: true)
            }
        } else {
            let hStep = min(h, options.maxStep)
            if t + 1.01 * hStep >= stop {
                step = Step(h: stop - t, target: stop, onGrid: false)
            } else {
                if !(hStep >= IntegrationDriver.minimumStep(at: t)) {  // NaN-safe
                    status = .stepSizeUnderflow(time: t, stepSize: hStep)
                    return nil
                }
                step = Step(h: hStep, target: t + hStep, onGrid: false)
            }
        }
        if stats.steps >= options.maxSteps {
            status = .maxStepsReached(time: t, steps: stats.steps)
            return nil
        }
        return step
    }

    /// Takes the step into `yNew` and applies error control: the next step size on acceptance or
    /// rejection, a failure when the step size underflows or the iteration matrix stays singular.
    @inlinable @inline(__always)
    mutating func attempt(_ step: Step) -> Attempt {
        stats.steps += 1
        let hStep = step.h
        switch stepper.attempt(t: t, h: hStep, y: y, yNew: yNew, statistics: &stats) {
        case .singularMatrix:
            stats.rejectedSteps += 1
            consecutiveSingular += 1
            if fixedStep != nil || consecutiveSingular >= 6 {
                status = .singularMatrix(time: t)
                return .failed
            }
            controller.noteFailure()
            h = 0.5 * hStep
            return .rejected
        case .convergenceFailure:
            stats.rejectedSteps += 1
            controller.noteFailure()
            h = stepper.selectsStepSize ? stepper.proposedStepSize : 0.25 * hStep
            if fixedStep != nil || !(h >= IntegrationDriver.minimumStep(at: t)) {
                status = .stepSizeUnderflow(time: t, stepSize: fixedStep == nil ? h : hStep)
                return .failed
            }
            return .rejected
        case let .completed(err):
            consecutiveSingular = 0
            guard fixedStep == nil else { return .accepted }
            if !(err <= 1) {
                stats.rejectedSteps += 1
                if stepper.selectsStepSize {
                    h = stepper.proposedStepSize
                } else if err.isFinite {
                    h = controller.rejected(h: hStep, error: err)
                } else {
                    controller.noteFailure()
                    h = 0.25 * hStep
                }
                if !(h >= IntegrationDriver.minimumStep(at: t)) {
                    status = err.isFinite
                        ? .stepSizeUnderflow(time: t, stepSize: h)
                        : .nonFinite(component: IntegrationDriver.firstNonFinite(yNew, count: n) ?? 0, time: t)
                    return .failed
                }
                return .rejected
            }
            if !stepper.selectsStepSize { h = controller.accepted(h: hStep, error: err) }
            return .accepted
        }
    }

    /// Failure checks on the accepted state: every component finite, none below its negative noise
    /// band (−k·(atol + rtol·|largest so far|), see ``SolverOptions/negativeNoiseFactor(dimension:)``).
    @inlinable @inline(__always)
    mutating func acceptedStateIsValid(at target: Double) -> Bool {
        if let bad = IntegrationDriver.firstNonFinite(yNew, count: n) {
            status = .nonFinite(component: bad, time: target)
            return false
        }
        if options.checkNegative {
            let rtol = options.rtol, atol = options.atol
            for i in 0..<n where checked[i] {
                let threshold = noiseFactor * (atol + rtol * largest[i])
                if yNew[i] < -threshold {
                    status = .negativeState(component: i, time: target, value: yNew[i])
                    return false
                }
            }
        }
        stats.acceptedSteps += 1
        return true
    }

    /// Hands the accepted step to the method (its history, its next step size) and the recorder.
    @inlinable @inline(__always)
    mutating func accept(_ step: Step) {
        stepper.accept(t: t, h: step.h, y: y, yNew: yNew, statistics: &stats)
        if fixedStep == nil && stepper.selectsStepSize { h = stepper.proposedStepSize }
        recorder?.record(t: step.target, state: yNew)
    }

    /// Triggered events inside the step: sign changes at its end, and changes and changes back
    /// sampled inside it, each located on the dense output; events whose roots coincide form one group.
    /// Returns the time the step reaches: the group's root, or the step's end.
    @inlinable @inline(__always)
    mutating func locateEvents(in step: Step) -> (reached: Double, triggered: Bool) {
        guard m > 0 else { return (step.target, false) }
        let hStep = step.h, tTarget = step.target
        var earliest = Double.infinity
        var unchanged = false
        for i in 0..<m {
            candidate[i] = false
            let g = triggers[i].condition(tTarget, UnsafeBufferPointer(start: yNew, count: n))
            gNew[i] = g
            let s = IntegrationDriver.sign(g), old = lastSign[i]
            if s != 0 && s == old { unchanged = true }
            guard s != 0, old != 0, s != old, triggers[i].direction.fires(newSign: s) else { continue }
            let bracket = IntegrationDriver.locateRoot(
                stepper: stepper, condition: triggers[i].condition, dimension: n, scratch: scratch,
                left: t, gLeft: gPrev[i], right: tTarget, gRight: g, oldSign: old,
                statistics: &stats)
            rootLeft[i] = bracket.left
            rootRight[i] = bracket.right
            candidate[i] = true
            fires[i] = true
            earliest = min(earliest, bracket.right)
        }
        if unchanged { earliest = min(earliest, locateInteriorCrossings(in: step, hStep: hStep)) }
        guard earliest < .infinity else { return (tTarget, false) }
        // Events whose roots coincide (brackets overlap) fire together.
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
        return (tEvent, true)
    }

    /// A condition with the same sign at both ends may have crossed and crossed back inside the step
    /// (a trigger periodic in time, or one on a quantity the error control hardly sees): sample it on
    /// the dense output; the first sign change found is located like any other, and a condition far
    /// from linear over the step limits the next one. Returns the earliest root found (∞ if none).
    @inlinable
    mutating func locateInteriorCrossings(in step: Step, hStep: Double) -> Double {
        let samples = IntegrationDriver.interiorSamples
        var earliest = Double.infinity
        for k in 1...samples {
            let tk = t + hStep * Double(k) / Double(samples + 1)
            stepper.interpolate(at: tk, into: scratch, statistics: &stats)
            for i in 0..<m {
                let old = lastSign[i]
                guard old != 0, IntegrationDriver.sign(gNew[i]) == old else { continue }
                gInterior[i * samples + k - 1] = triggers[i].condition(tk, UnsafeBufferPointer(start: scratch, count: n))
            }
        }
        for i in 0..<m {
            let old = lastSign[i]
            guard old != 0, IntegrationDriver.sign(gNew[i]) == old else { continue }
            var left = t, gLeft = gPrev[i]
            var deviation = 0.0, scale = max(abs(gPrev[i]), abs(gNew[i]))
            var found = false
            for k in 1...samples {
                let fraction = Double(k) / Double(samples + 1)
                let tk = t + hStep * fraction
                let gk = gInterior[i * samples + k - 1]
                deviation = max(deviation, abs(gk - (gPrev[i] + (gNew[i] - gPrev[i]) * fraction)))
                scale = max(scale, abs(gk))
                if !found && IntegrationDriver.sign(gk) != old && IntegrationDriver.sign(gk) != 0 {
                    found = true
                    let bracket = IntegrationDriver.locateRoot(
                        stepper: stepper, condition: triggers[i].condition, dimension: n, scratch: scratch,
                        left: left, gLeft: gLeft, right: tk, gRight: gk, oldSign: old, statistics: &stats)
                    rootLeft[i] = bracket.left
                    rootRight[i] = bracket.right
                    candidate[i] = true
                    fires[i] = triggers[i].direction.fires(newSign: -old)
                    earliest = min(earliest, bracket.right)
                }
                left = tk
                gLeft = gk
            }
            // The deviation from the chord grows as h²: keep the next step where it stays within
            // a tenth of the condition's size (never below 10⁻⁴ of the time span).
            if fixedStep == nil && deviation > 0 {
                let limit = hStep * max(0.2, (0.1 * scale / deviation).squareRoot())
                h = min(h, max(limit, 1e-4 * (tEnd - t0)))
            }
        }
        return earliest
    }

    /// Writes the output times in [t, `reached`) from dense output (the step's end from `yNew` itself).
    @inlinable @inline(__always)
    mutating func emitOutput(before reached: Double, stepEnd: Double) {
        while outIndex < outTimes.count && outTimes[outIndex] < reached {
            let time = outTimes[outIndex]
            if time == stepEnd {
                record(time, yNew)
            } else {
                stepper.interpolate(at: time, into: scratch, statistics: &stats)
                record(time, scratch)
            }
            outIndex += 1
        }
    }

    /// Moves to `reached`: the step's end, or an event's root inside it (the state interpolated there).
    @inlinable @inline(__always)
    mutating func advance(to reached: Double, through step: Step, triggered: Bool) {
        if triggered && reached != step.target {
            stepper.interpolate(at: reached, into: y, statistics: &stats)
            recorder?.replaceLast(t: reached, state: y)
        } else {
            swap(&y, &yNew)
        }
        t = reached
        if fixedStep != nil && step.onGrid && reached == step.target { gridIndex += 1 }
        if everyStep { record(t, y) }
    }

    /// Event actions at t: the triggered group (at its root) first, then the timed events due, then the
    /// handler's settling (delays, priorities, persistence, cascades). After any, the conditions'
    /// signs are taken again and the method restarts. False when events did not settle.
    @inlinable @inline(__always)
    mutating func applyEvents(triggered: Bool) -> Bool {
        var acted = false
        if triggered {
            if handler == nil {
                for i in 0..<m where inGroup[i] && fires[i] {
                    triggers[i].action(t, stateBuffer)
                    stats.eventsFired += 1
                }
            }
            acted = true
        }
        while nextTimed < schedule.count && schedule[nextTimed].time <= t + 4 * abs(t).ulp {
            timed[schedule[nextTimed].index].action(t, stateBuffer)
            if handler == nil { stats.eventsFired += 1 }
            nextTimed += 1
            acted = true
        }
        if let handler {
            if handler.nextScheduledTime <= t + 4 * abs(t).ulp { acted = true }
            if acted {
                let state = stateBuffer
                let executed = lastSign.withUnsafeBufferPointer { signs in
                    handler.settle(t: t, state: state, previousSigns: signs)
                }
                guard let executed else {
                    status = .eventsDidNotSettle(time: t)
                    return false
                }
                stats.eventsFired += executed
            }
        }
        if acted {
            restartAfterEvents(triggered: triggered)
        } else {
            for i in 0..<m {
                let s = IntegrationDriver.sign(gNew[i])
                if s != 0 { lastSign[i] = s }
            }
            swap(&gPrev, &gNew)
        }
        for i in 0..<n { largest[i] = max(largest[i], abs(y[i])) }
        return true
    }

    /// After events acted at t: the conditions' new signs (a group's condition exactly at zero takes
    /// the sign it crossed to), the output of every step, and a restart of the method.
    @inlinable
    mutating func restartAfterEvents(triggered: Bool) {
        recorder?.record(t: t, state: y)
        for i in 0..<m {
            let g = triggers[i].condition(t, UnsafeBufferPointer(start: y, count: n))
            gPrev[i] = g
            let s = IntegrationDriver.sign(g)
            if s != 0 {
                lastSign[i] = s
            } else if triggered && inGroup[i] {
                lastSign[i] = -lastSign[i]
            }
        }
        if everyStep { record(t, y) }
        if t < tEnd {
            stepper.restart(t: t, y: y, statistics: &stats)
            controller.reset()
            if fixedStep == nil {
                h = stepper.initialStepSize(t: t, y: y, maxStep: min(options.maxStep, tEnd - t), statistics: &stats)
            }
        }
    }

    /// Whether the run stops because the method detected stiffness (``SolverOptions/stopWhenStiff``,
    /// for ``AutoIntegrator`` to switch); sets ``status``.
    @inlinable @inline(__always)
    mutating func stopsForStiffness() -> Bool {
        guard options.stopWhenStiff && stepper.detectedStiffness && t < tEnd else { return false }
        status = .stiffnessDetected(time: t)
        return true
    }

    /// The solution: the output so far, the remaining output times (all equal t₁) when the run
    /// succeeded, the final state and the magnitudes the negativity check used.
    @inlinable
    mutating func finish() -> Solution {
        if status.isSuccess {
            while outIndex < outTimes.count {
                record(outTimes[outIndex], y)
                outIndex += 1
            }
        }
        var solution = Solution(dimension: n, times: times, states: states, statistics: stats, status: status)
        solution.finalState = Array(UnsafeBufferPointer(start: y, count: n))
        solution.finalTime = t
        solution.largestMagnitudes = Array(UnsafeBufferPointer(start: largest, count: n))
        return solution
    }
}
