import PathwayModel

/// The name of the delay function (SBML's `delay` csymbol): `delay(x, τ)` is x's value at t − τ.
public let delayFunction = "delay"

/// An internal function the compiler wraps around `rateOf(x)` in models with delays:
/// `started·(v)` is v at or after the run's start and 0 before it (the history before t₀ is constant,
/// so every rate of change is 0 there). The name cannot be written in a model.
let startedGuardFunction = "started·"

extension Model {
    /// Every expression of the model (rates, stoichiometries, observables, rules, initial assignments,
    /// function bodies, event conditions, assignments, delays and priorities).
    var allExpressions: [Expression] {
        var out: [Expression] = []
        for r in reactions { out.append(r.rateExpression); out += r.variableStoichiometries }
        out += observables.map(\.expression) + rateRules.map(\.expression) + initialAssignments.map(\.expression)
        out += functions.map(\.body)
        for e in events {
            if case .when(let c) = e.trigger { out.append(c) }
            out += e.assignments.map(\.value) + [e.delay, e.priority].compactMap { $0 }
        }
        return out
    }

    /// Whether any expression of the model reads a value at an earlier time (``delayFunction``).
    var usesDelay: Bool {
        allExpressions.contains { $0.calledFunctions.contains(delayFunction) }
    }

    /// The model with every expression rewritten by `f`.
    func mappingExpressions(_ f: (Expression) -> Expression) -> Model {
        var m = self
        for i in m.reactions.indices {
            if case .expression(let e) = m.reactions[i].rateLaw { m.reactions[i].rateLaw = .expression(f(e)) }
            for k in m.reactions[i].reactants.indices { m.reactions[i].reactants[k].expression = m.reactions[i].reactants[k].expression.map(f) }
            for k in m.reactions[i].products.indices { m.reactions[i].products[k].expression = m.reactions[i].products[k].expression.map(f) }
        }
        for i in m.observables.indices { m.observables[i].expression = f(m.observables[i].expression) }
        for i in m.rateRules.indices { m.rateRules[i].expression = f(m.rateRules[i].expression) }
        for i in m.initialAssignments.indices { m.initialAssignments[i].expression = f(m.initialAssignments[i].expression) }
        for i in m.functions.indices { m.functions[i].body = f(m.functions[i].body) }
        for i in m.events.indices {
            if case .when(let c) = m.events[i].trigger { m.events[i].trigger = .when(f(c)) }
            for k in m.events[i].assignments.indices { m.events[i].assignments[k].value = f(m.events[i].assignments[k].value) }
            m.events[i].delay = m.events[i].delay.map(f)
            m.events[i].priority = m.events[i].priority.map(f)
        }
        return m
    }

    /// The model with every `rateOf(x)` wrapped in ``startedGuardFunction``, so that a rate read from
    /// the history before the run's start is 0.
    func guardingRateOf() -> Model {
        mappingExpressions { e in
            e.rewritten { x in
                if case .call(rateOfFunction, _) = x { return .call(startedGuardFunction, [x]) }
                return x
            }
        }
    }
}

/// Delayed values for one compiled model: the history of the current run and the programs that
/// compute each delayed expression from a past state.
///
/// `delay(x, τ)` at time t is x evaluated at s = t − τ: the state at s is read from the history
/// (cubic Hermite interpolation between recorded points, from their states and derivatives), time is
/// s, parameters have their current values, and x's program (the slice of the compiled programs that
/// computes it) runs on a scratch copy of the register file. Before the run's first recorded time the
/// state is the initial state (SBML: values before the start are the initial values; an expression of
/// time, such as an assignment rule `sin(time)` or an initial assignment `x = sin(time)`, is still
/// evaluated at s) and every `rateOf` is 0. Past
/// the last recorded time (a delay shorter than the current step) the last point is extrapolated
/// linearly. With no history (outside a run: initial assignments, steady states) the state is the
/// current one. A delayed expression may itself contain delays: each nesting level has its own scratch
/// registers.
///
/// The Jacobian ignores the delayed terms (∂ delay(x, τ)/∂y = 0), the usual approximation for implicit
/// methods on delay equations: it slows Newton's convergence at worst, it does not change the solution.
final class DelayRuntime {
    /// Per delayed expression: the program computing it (on a scratch register file) and its register.
    let programs: [Program]
    let results: [Int]
    let registerCount: Int
    let dimension: Int
    let stateRegisters: UnsafeMutableBufferPointer<Int32>
    let startedRegister: Int
    /// One scratch register file per nesting level.
    let scratch: [UnsafeMutablePointer<Double>]
    /// Interpolated state (before it is written into a scratch file).
    let interpolated: UnsafeMutablePointer<Double>
    /// Registers of the delays' τ (for the step limit).
    let tauRegisters: [Int]
    /// Before the start: the initial assignments that depend on time, evaluated at the earlier time
    /// (the program computes their values; each is then copied to its target).
    let preHistory: Program
    let preHistoryAssignments: [(target: Int, value: Int)]

    // History: times, states and derivatives of the recorded points, growable.
    private(set) var count = 0
    private var capacity = 0
    private var times: UnsafeMutablePointer<Double>
    private var states: UnsafeMutablePointer<Double>
    private var rates: UnsafeMutablePointer<Double>
    /// The last interval found (lookups mostly come close together).
    private var hint = 0

    init(programs: [Program], results: [Int], depth: Int, registerCount: Int, stateRegisters: [Int32],
         startedRegister: Int, tauRegisters: [Int], preHistory: Program, preHistoryAssignments: [(target: Int, value: Int)]) {
        self.preHistory = preHistory
        self.preHistoryAssignments = preHistoryAssignments
        self.programs = programs
        self.results = results
        self.registerCount = registerCount
        self.dimension = stateRegisters.count
        self.stateRegisters = .allocate(capacity: max(1, stateRegisters.count))
        _ = self.stateRegisters.initialize(from: stateRegisters)
        self.startedRegister = startedRegister
        self.tauRegisters = tauRegisters
        scratch = (0..<max(1, depth)).map { _ in
            let p = UnsafeMutablePointer<Double>.allocate(capacity: registerCount)
            p.initialize(repeating: 0, count: registerCount)
            return p
        }
        interpolated = .allocate(capacity: max(1, stateRegisters.count))
        interpolated.initialize(repeating: 0, count: max(1, stateRegisters.count))
        times = .allocate(capacity: 1)
        states = .allocate(capacity: 1)
        rates = .allocate(capacity: 1)
    }

    deinit {
        stateRegisters.deallocate()
        for p in scratch { p.deallocate() }
        interpolated.deallocate()
        times.deallocate()
        states.deallocate()
        rates.deallocate()
    }

    // MARK: Running programs

    /// Runs `program` on `r`, looking delayed values up (at nesting `level`; 0 for the model's own
    /// register file).
    func run(_ program: Program, _ r: UnsafeMutablePointer<Double>, level: Int = 0) {
        program.instructions.withUnsafeBufferPointer { code in
            for g in program.groups {
                if g.op == .delay {
                    for i in g.start..<g.end {
                        let ins = code[i]
                        let tau = r[Int(ins.a)]
                        // A negative (or NaN) delay would read the future: NaN, so the run fails, not guesses.
                        r[Int(ins.dst)] = tau >= 0 ? value(Int(ins.c), at: r[0] - tau, from: r, level: level) : .nan
                    }
                } else {
                    Program.run(g.op, code, g.start, g.end, r)
                }
            }
        }
    }

    /// Delayed expression k at time s, computed on the scratch file of `level` (a copy of `caller`,
    /// the register file asking, with the state and time of s).
    private func value(_ k: Int, at s: Double, from caller: UnsafeMutablePointer<Double>, level: Int) -> Double {
        guard level < scratch.count else { return .nan } // deeper than compiled: cannot happen
        let r = scratch[level]
        r.update(from: caller, count: registerCount)
        r[0] = s
        // Without a history the state is the caller's (already copied); outside a run the start is the
        // caller's time.
        let started = s >= (count > 0 ? times[0] : startTime ?? caller[0])
        r[startedRegister] = started ? 1 : 0
        if count > 0 {
            state(at: s, into: interpolated)
            for i in 0..<dimension { r[Int(stateRegisters[i])] = interpolated[i] }
        }
        if !started {
            // Initial assignments of time hold before the start (applied in turn, as chains need).
            for _ in preHistoryAssignments.indices {
                preHistory.run(r)
                for a in preHistoryAssignments { r[a.target] = r[a.value] }
            }
        }
        run(programs[k], r, level: level + 1)
        return r[results[k]]
    }

    // MARK: History

    /// The start of the current run (nil outside a run).
    var startTime: Double?

    /// Forgets the history (a new run starts, or values are wanted outside a run).
    func clear() {
        count = 0
        hint = 0
        startTime = nil
    }

    /// Appends a point; its derivative is filled in by the caller (``derivativeSlot``).
    func append(t: Double, state y: UnsafePointer<Double>) {
        if count == capacity {
            let newCapacity = max(64, 2 * capacity)
            func grow(_ p: UnsafeMutablePointer<Double>, _ width: Int) -> UnsafeMutablePointer<Double> {
                let q = UnsafeMutablePointer<Double>.allocate(capacity: max(1, newCapacity * width))
                if count > 0 { q.update(from: p, count: count * width) }
                p.deallocate()
                return q
            }
            times = grow(times, 1)
            states = grow(states, dimension)
            rates = grow(rates, dimension)
            capacity = newCapacity
        }
        times[count] = t
        (states + count * dimension).update(from: y, count: dimension)
        (rates + count * dimension).update(repeating: 0, count: dimension)
        count += 1
    }

    /// Removes the last point.
    func removeLast() {
        if count > 0 { count -= 1 }
        hint = min(hint, max(0, count - 1))
    }

    /// Where the derivative of the last point goes.
    var derivativeSlot: UnsafeMutablePointer<Double> { rates + (count - 1) * dimension }

    /// The recorded solution at s (count > 0): the first state before the first time; Hermite
    /// interpolation inside; linear extrapolation past the last time.
    func state(at s: Double, into out: UnsafeMutablePointer<Double>) {
        let n = dimension
        if !(s >= times[0]) {
            out.update(from: states, count: n)
            return
        }
        // i: the last point with times[i] <= s (of equal times, the later: the state after events).
        var i: Int
        if hint < count - 1 && times[hint] <= s && times[hint + 1] > s {
            i = hint
        } else if times[count - 1] <= s {
            i = count - 1
        } else {
            var lo = 0, hi = count - 1 // times[lo] <= s < times[hi]
            while hi - lo > 1 {
                let mid = (lo + hi) / 2
                if times[mid] <= s { lo = mid } else { hi = mid }
            }
            i = lo
        }
        hint = i
        let y0 = states + i * n, f0 = rates + i * n
        if i == count - 1 {
            let dt = s - times[i]
            for j in 0..<n { out[j] = y0[j] + dt * f0[j] }
            return
        }
        let y1 = states + (i + 1) * n, f1 = rates + (i + 1) * n
        let h = times[i + 1] - times[i]
        let theta = (s - times[i]) / h
        let u = 1 - theta
        let h00 = (1 + 2 * theta) * u * u, h10 = theta * u * u * h
        let h01 = theta * theta * (3 - 2 * theta), h11 = -theta * theta * u * h
        for j in 0..<n { out[j] = h00 * y0[j] + h10 * f0[j] + h01 * y1[j] + h11 * f1[j] }
    }
}

/// Records a run of a compiled model with delays into its history: each point's state and derivative.
final class HistoryRecorder: StepRecorder {
    unowned let model: CompiledModel
    let history: DelayRuntime

    init(model: CompiledModel, history: DelayRuntime) {
        self.model = model
        self.history = history
    }

    func record(t: Double, state: UnsafePointer<Double>) {
        history.append(t: t, state: state)
        // The derivative at the point (its delayed values come from the history, this point included).
        model.evaluate(t: t, y: state, dydt: history.derivativeSlot)
    }

    func replaceLast(t: Double, state: UnsafePointer<Double>) {
        history.removeLast()
        record(t: t, state: state)
    }
}
