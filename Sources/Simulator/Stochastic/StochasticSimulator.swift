import Foundation
import PathwayModel

/// Which exact stochastic simulation algorithm runs.
public enum SSAAlgorithm: String, Sendable, CaseIterable {
    /// The direct method below ``StochasticSimulator/autoThreshold`` channels, next-reaction above.
    case auto
    /// Gillespie's direct method (J. Phys. Chem. 81:2340, 1977): the sum of all propensities and a
    /// linear search per event, O(channels).
    case direct
    /// Gibson & Bruck's next-reaction method (J. Phys. Chem. A 104:1876, 2000): each channel's putative
    /// time in an indexed binary heap, a dependency graph so that each event recomputes only the
    /// propensities it touches and reuses their random numbers, O(log channels) per event.
    case nextReaction = "next-reaction"
}

/// Options of a stochastic run.
public struct StochasticOptions: Sendable {
    public var algorithm: SSAAlgorithm
    public var counts: CountConversion
    /// Reaction events in one run before it stops with an error (a runaway model).
    public var maxReactionEvents: Int

    public init(algorithm: SSAAlgorithm = .auto, counts: CountConversion = .auto, maxReactionEvents: Int = 2_000_000_000) {
        self.algorithm = algorithm
        self.counts = counts
        self.maxReactionEvents = maxReactionEvents
    }
}

/// What one trajectory did.
public struct StochasticRunStatistics: Sendable, Equatable {
    /// Reaction events (firings).
    public var reactionEvents = 0
    /// Model events executed (timed doses, triggered events).
    public var eventExecutions = 0
    public init() {}
}

/// Runs single trajectories of a model by Gillespie's exact stochastic simulation algorithm.
///
/// Between reaction events the counts are constant; model events (timed doses, parameter changes,
/// triggered events, with their SBML semantics: delays, priorities, persistence) are carried out at
/// their instants by the same ``EventHandler`` the integrators use. A condition that changes with time
/// alone (`time > 25`) is located by bisection between reaction events; one that depends on counts is
/// checked after every reaction event. After an event's execution every propensity is recomputed and
/// the next reaction time drawn again, which is exact because waiting times are memoryless.
/// Assignment rules (observables) read by rate laws are inlined into the propensities; they are reported
/// from the counts at each output time.
///
/// Output: species (state variables and fixed species) as molecule counts, observables and parameters
/// in the model's units, at the output times (the state holds between events, so a value at time t is
/// the state after every event before t).
public final class StochasticSimulator {
    let model: StochasticModel
    public let names: [String]
    public let times: [Double]
    /// How values became counts, and other facts for the output's header.
    public let notes: [String]
    public let algorithm: SSAAlgorithm
    let settings: SimulationSettings
    let options: StochasticOptions
    private let reader: CompiledModel.ValueReader
    /// Per column: ≥ 0 the state index of a count, −1 a value read by ``reader``, −2 a fixed count.
    private let columnState: [Int]
    private let fixedCounts: [Double]
    private var row: [Double]

    // Work buffers of a run (allocated once, views into `storage`; see ``StochasticStorage/WorkBuffers``).
    private let storage: StochasticStorage
    private let x: UnsafeMutableBufferPointer<Double>
    private let y: UnsafeMutableBufferPointer<Double>
    private let a: UnsafeMutableBufferPointer<Double>
    private let tau: UnsafeMutableBufferPointer<Double>
    private let heap: UnsafeMutableBufferPointer<Int32>
    private let position: UnsafeMutableBufferPointer<Int32>
    private let signs: UnsafeMutableBufferPointer<Double>
    private let trial: UnsafeMutableBufferPointer<Double>

    /// Channels up to which ``SSAAlgorithm/auto`` runs the direct method.
    public static let autoThreshold = 64

    public init(_ compiled: CompiledModel, settings: SimulationSettings, observe: [String] = [],
                options: StochasticOptions = StochasticOptions()) throws(SimulationError) {
        guard settings.end > settings.start, settings.end.isFinite, settings.start.isFinite else {
            throw SimulationError(message: "the time span must be positive: end \(settings.end) is not after start \(settings.start)")
        }
        if case .points(let n) = settings.output, n < 2 || n > CompiledModel.maximumOutputPoints {
            throw SimulationError(message: "between 2 and \(CompiledModel.maximumOutputPoints) output points are needed, not \(n)")
        }
        if case .step(let h) = settings.output, !(h > 0) || (settings.end - settings.start) / h > Double(CompiledModel.maximumOutputPoints) {
            throw SimulationError(message: "the output step must be positive and give at most \(CompiledModel.maximumOutputPoints) points, not \(h)")
        }
        let model = try StochasticModel(compiled, counts: options.counts)
        self.model = model
        self.settings = settings
        self.options = options
        let m = compiled.model
        let names = observe.isEmpty ? m.species.map(\.id) + m.observables.map(\.id) : observe
        self.names = names
        times = settings.outputTimes
        do { reader = try compiled.values(of: names) } catch { throw SimulationError(message: error.message) }
        let stateIndex = Dictionary(uniqueKeysWithValues: compiled.stateNames.enumerated().map { ($1, $0) })
        let speciesByID = Dictionary(m.species.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        let volumes = Dictionary(m.compartments.map { ($0.id, $0.size) }, uniquingKeysWith: { a, _ in a })
        var columns: [Int] = [], fixed: [Double] = []
        let molecules = model.moleculesPerAmount
        for name in names {
            if let k = stateIndex[name], model.isCount[k] {
                columns.append(k)
                fixed.append(0)
            } else if let s = speciesByID[name] {
                columns.append(-2)
                fixed.append(s.initialValue * (s.amountValued ? molecules : molecules * (volumes[s.compartment] ?? 1)))
            } else {
                columns.append(-1)
                fixed.append(0)
            }
        }
        columnState = columns
        fixedCounts = fixed
        row = [Double](repeating: 0, count: names.count)
        var notes = model.conversionNotes
        let rounded = compiled.stateNames.indices.filter { k in
            guard model.isCount[k] else { return false }
            let v = compiled.initialState[k] * model.scale[k]
            return abs(v - v.rounded()) > 1e-9 * max(1, abs(v))
        }
        if !rounded.isEmpty {
            let list = rounded.prefix(5).map { k in
                "\(compiled.stateNames[k]) \(String(format: "%.10g", compiled.initialState[k] * model.scale[k])) → \(shortNumber((compiled.initialState[k] * model.scale[k]).rounded()))"
            }
            notes.append("counts: initial amounts rounded to whole molecules: " + list.joined(separator: ", ") + (rounded.count > 5 ? ", …" : ""))
        }
        switch options.algorithm {
        case .auto: algorithm = model.channelCount <= Self.autoThreshold ? .direct : .nextReaction
        default: algorithm = options.algorithm
        }
        notes.append("method: exact SSA, \(algorithm == .direct ? "direct method" : "next-reaction method"), \(model.channelCount) reaction channels")
        self.notes = notes
        let work = StochasticStorage.work(
            dimension: compiled.dimension, channels: model.channelCount,
            conditions: compiled.integratorEvents().triggered.count)
        (storage, x, y, a, tau) = (work.storage, work.x, work.y, work.a, work.tau)
        (heap, position, signs, trial) = (work.heap, work.position, work.signs, work.trial)
    }

    /// Species names in the order of the state vector that are counts (for messages).
    private func stateName(_ k: Int) -> String { model.compiled.stateNames[k] }

    private func describeState(for channel: Int) -> String {
        // The counts the channel reads and changes.
        var ks: [Int] = []
        let base = channel * 3
        for i in 0..<3 where model.factorIndex[base + i] >= 0 { ks.append(Int(model.factorIndex[base + i])) }
        for e in Int(model.changeStart[channel])..<Int(model.changeStart[channel + 1]) { ks.append(Int(model.changeIndex[e])) }
        var seen = Set<Int>()
        let parts = ks.filter { seen.insert($0).inserted }.prefix(8).map { "\(stateName($0)) = \(shortNumber(x[$0]))" }
        return parts.isEmpty ? "" : " (\(parts.joined(separator: ", ")))"
    }

    private func timeText(_ t: Double) -> String { "t = \(shortNumber(t)) \(model.compiled.model.units.time.rawValue)" }

    // MARK: Propensities

    @inline(__always)
    private func checked(_ j: Int, _ t: Double) throws(SimulationError) -> Double {
        let v = model.propensity(j, x.baseAddress!)
        if v >= 0 && v < .infinity { return v }
        let what = v.isNaN ? "is NaN" : v < 0 ? "is negative (\(shortNumber(v)))" : "is infinite"
        throw SimulationError(message: "the propensity of reaction '\(model.channelNames[j])' \(what) at \(timeText(t))\(describeState(for: j)); a propensity must be a non-negative number (split a reversible rate law into two reactions)",
                              location: model.channelLocations[j])
    }

    private func computeAll(_ t: Double) throws(SimulationError) {
        model.constantsProgram.run(model.registers)
        for j in 0..<model.channelCount { a[j] = try checked(j, t) }
    }

    /// Counts from the model's values after events (rounded to whole molecules), and the registers.
    private func syncFromValues(_ t: Double) throws(SimulationError) {
        for k in 0..<model.compiled.dimension {
            var v = y[k]
            if model.isCount[k] {
                let c = (v * model.scale[k]).rounded()
                if !(c >= 0) || c > StochasticModel.maximumCount {
                    throw SimulationError(message: "an event set '\(stateName(k))' to \(shortNumber(v * model.scale[k])) molecules at \(timeText(t)); counts must be between 0 and 2^53")
                }
                x[k] = c
                v = c / model.scale[k]
                y[k] = v
            } else {
                x[k] = v
            }
            model.registers[Int(model.stateRegister[k])] = v
        }
    }

    // MARK: Indexed priority queue (binary min-heap on tau)

    @inline(__always)
    private func swapHeap(_ i: Int, _ j: Int) {
        let a = heap[i], b = heap[j]
        heap[i] = b; heap[j] = a
        position[Int(b)] = Int32(i); position[Int(a)] = Int32(j)
    }

    @inline(__always)
    private func update(_ channel: Int) {
        var i = Int(position[channel])
        let v = tau[channel]
        while i > 0 {
            let parent = (i - 1) >> 1
            if tau[Int(heap[parent])] <= v { break }
            swapHeap(i, parent)
            i = parent
        }
        let count = model.channelCount
        while true {
            let l = 2 * i + 1
            if l >= count { break }
            var c = l
            if l + 1 < count && tau[Int(heap[l + 1])] < tau[Int(heap[l])] { c = l + 1 }
            if tau[Int(heap[c])] >= v { break }
            swapHeap(i, c)
            i = c
        }
    }

    private func drawAll(_ t: Double, _ rng: inout Xoshiro256) {
        let count = model.channelCount
        for j in 0..<count {
            tau[j] = a[j] > 0 ? t + rng.exponential() / a[j] : .infinity
            heap[j] = Int32(j)
            position[j] = Int32(j)
        }
        // Heapify bottom-up.
        var i = count / 2 - 1
        while i >= 0 {
            var p = i
            while true {
                let l = 2 * p + 1
                if l >= count { break }
                var c = l
                if l + 1 < count && tau[Int(heap[l + 1])] < tau[Int(heap[l])] { c = l + 1 }
                if tau[Int(heap[c])] >= tau[Int(heap[p])] { break }
                swapHeap(p, c)
                p = c
            }
            i -= 1
        }
    }

    // MARK: A run

    /// The timed events of a run and how many of each one's occurrences are done.
    struct TimedOccurrences {
        let events: [TimedEvent]
        var done: [Int]

        init(_ events: [TimedEvent]) {
            self.events = events
            done = [Int](repeating: 0, count: events.count)
        }

        /// Event i's next occurrence (infinity when it has none left).
        func occurrence(_ i: Int) -> Double {
            let e = events[i]
            let k = done[i]
            if let c = e.count, k >= c { return .infinity }
            if k > 0 && e.interval == nil { return .infinity }
            return e.time + Double(k) * (e.interval ?? 0)
        }

        /// The earliest next occurrence.
        var next: Double {
            var m = Double.infinity
            for i in events.indices { m = min(m, occurrence(i)) }
            return m
        }

        /// Carries out every occurrence due by t on `state`, in the events' order.
        mutating func act(at t: Double, state: UnsafeMutableBufferPointer<Double>) {
            for i in events.indices where occurrence(i) <= t {
                events[i].action(t, state)
                done[i] += 1
            }
        }
    }

    /// Runs one trajectory with `rng`, writing `times.count × names.count` values (row by row) to `out`.
    ///
    /// The loop's state (t, the counters, the next output row) is in this function's locals; set-up,
    /// output, event instants and the check of conditions after a reaction are the functions below.
    public func run(_ rng: inout Xoshiro256, into out: UnsafeMutableBufferPointer<Double>) throws(SimulationError) -> StochasticRunStatistics {
        precondition(out.count >= times.count * names.count)
        // Events: the integrators' events, with the same handler.
        let (timedEvents, triggered, handler) = model.compiled.integratorEvents()
        var timed = TimedOccurrences(timedEvents)
        let start = settings.start, end = settings.end
        let direct = algorithm == .direct
        var stats = StochasticRunStatistics()
        stats.eventExecutions = try begin(timed: &timed, triggered: triggered, handler: handler, nextReaction: !direct, &rng)

        var t = start
        var nextOut = 0
        let channels = model.channelCount
        let useSigns = !triggered.isEmpty
        let locateCrossings = useSigns && model.triggersUseTime
        while true {
            // The next reaction, if nothing else comes first.
            var tReact = Double.infinity
            var mu = -1
            var a0 = 0.0
            if direct {
                for j in 0..<channels { a0 += a[j] }
                if a0 > 0 { tReact = t + rng.exponential() / a0 }
            } else if channels > 0 {
                mu = Int(heap[0])
                tReact = tau[mu]
            }
            var barrier = min(end, timed.next, handler.nextScheduledTime)
            var crossing = false
            if locateCrossings, let tCross = firstCrossing(triggered, from: t, to: min(tReact, barrier)) {
                barrier = tCross
                crossing = true
            }
            if tReact < barrier {
                record(before: tReact, inclusive: false, next: &nextOut, into: out)
                t = tReact
                if direct { mu = pickChannel(total: a0, &rng) }
                try fire(mu, at: t)
                stats.reactionEvents += 1
                if stats.reactionEvents > options.maxReactionEvents {
                    throw SimulationError(message: "more than \(options.maxReactionEvents) reaction events by \(timeText(t)); shorten the time span or use fewer molecules")
                }
                try updatePropensities(after: mu, at: t, nextReaction: !direct, &rng)
                if useSigns {
                    stats.eventExecutions += try checkConditions(
                        triggered, handler: handler, at: t, nextReaction: !direct, &rng)
                }
                continue
            }
            // An instant of the events (or the end).
            if !(timed.next <= barrier) && !(handler.nextScheduledTime <= barrier) && !crossing {
                // The end: the state holds to it.
                record(before: end, inclusive: true, next: &nextOut, into: out)
                break
            }
            record(before: barrier, inclusive: false, next: &nextOut, into: out)
            t = barrier
            timed.act(at: t, state: y)
            stats.eventExecutions += try settle(handler, at: t)
            try restart(triggered, at: t, nextReaction: !direct, &rng)
            if t >= end && timed.next > end && handler.nextScheduledTime > end {
                record(before: end, inclusive: true, next: &nextOut, into: out)
                break
            }
        }
        return stats
    }

    /// The start of a run: the compiled model reset, the initial counts, timed events at the start (they act
    /// before the handler starts the run), the handler's start, then propensities, signs and (next-reaction)
    /// putative times. Returns the event executions at the start.
    private func begin(timed: inout TimedOccurrences, triggered: [TriggeredEvent], handler: any EventHandler,
                       nextReaction: Bool, _ rng: inout Xoshiro256) throws(SimulationError) -> Int {
        let compiled = model.compiled
        compiled.reset()
        model.resetRegisters()
        let start = settings.start
        for k in 0..<compiled.dimension { y[k] = compiled.initialState[k] }
        try syncFromValues(start)
        timed.act(at: start, state: y)
        guard let started = handler.start(t: start, state: y) else {
            throw SimulationError(message: "events at the start did not settle: they kept triggering each other")
        }
        try restart(triggered, at: start, nextReaction: nextReaction, &rng)
        return started
    }

    /// After events changed the model's values at t: counts and registers from them, every propensity,
    /// (next-reaction) every putative time, and the conditions' signs.
    private func restart(_ triggered: [TriggeredEvent], at t: Double, nextReaction: Bool, _ rng: inout Xoshiro256) throws(SimulationError) {
        try syncFromValues(t)
        try computeAll(t)
        if nextReaction { drawAll(t, &rng) }
        evaluateSigns(triggered, at: t, into: signs)
    }

    /// Lets the handler carry out what is due at t (executions, and what they trigger); returns how many
    /// executions it made.
    private func settle(_ handler: any EventHandler, at t: Double) throws(SimulationError) -> Int {
        guard let done = handler.settle(t: t, state: y, previousSigns: UnsafeBufferPointer(signs)) else {
            throw SimulationError(message: "events at \(timeText(t)) did not settle: they kept triggering each other")
        }
        return done
    }

    /// After a reaction event at t: if a condition changed sign, the handler settles the instant, and when
    /// events were executed the run restarts from the values they left. Returns the executions.
    private func checkConditions(_ triggered: [TriggeredEvent], handler: any EventHandler, at t: Double,
                                 nextReaction: Bool, _ rng: inout Xoshiro256) throws(SimulationError) -> Int {
        evaluateSigns(triggered, at: t, into: trial)
        guard signsChanged(triggered) else { return 0 }
        let done = try settle(handler, at: t)
        if done > 0 {
            try restart(triggered, at: t, nextReaction: nextReaction, &rng)
        } else {
            evaluateSigns(triggered, at: t, into: signs)
        }
        return done
    }

    private func evaluateSigns(_ triggered: [TriggeredEvent], at t: Double, into s: UnsafeMutableBufferPointer<Double>) {
        let state = UnsafeBufferPointer(y)
        for i in triggered.indices { s[i] = triggered[i].condition(t, state) }
    }

    /// Whether a condition's sign in `trial` differs from `signs`.
    private func signsChanged(_ triggered: [TriggeredEvent]) -> Bool {
        for i in triggered.indices where (trial[i] > 0) != (signs[i] > 0) { return true }
        return false
    }

    /// A condition of time may change before the next reaction: the time it first does in (t, check], by
    /// bisection, or nil if none has changed by `check`.
    private func firstCrossing(_ triggered: [TriggeredEvent], from t: Double, to check: Double) -> Double? {
        evaluateSigns(triggered, at: check, into: trial)
        guard signsChanged(triggered) else { return nil }
        return bisect(from: t, to: check) { mid in
            evaluateSigns(triggered, at: mid, into: trial)
            return signsChanged(triggered)
        }
    }

    /// Writes the rows of the output times before `limit` (or at it, if `inclusive`) from the current state,
    /// from row `next` on.
    @inline(__always)
    private func record(before limit: Double, inclusive: Bool, next: inout Int, into out: UnsafeMutableBufferPointer<Double>) {
        let columns = names.count
        while next < times.count && (times[next] < limit || (inclusive && times[next] <= limit)) {
            reader.read(t: times[next], y: UnsafePointer(y.baseAddress!), into: &row)
            let base = next * columns
            for c in 0..<columns {
                let k = columnState[c]
                out[base + c] = k >= 0 ? x[k] : (k == -2 ? fixedCounts[c] : row[c])
            }
            next += 1
        }
    }

    /// The time a condition first changes in (lo, hi], by bisection (at most 200 halvings, down to adjacent
    /// doubles): `changedAt(τ)` says whether it has changed by τ; hi is known to be past the change.
    private func bisect(from lo: Double, to hi: Double, changedAt: (Double) -> Bool) -> Double {
        var lo = lo, hi = hi
        for _ in 0..<200 {
            let mid = lo + (hi - lo) / 2
            if mid <= lo || mid >= hi { break }
            if changedAt(mid) { hi = mid } else { lo = mid }
        }
        return hi
    }

    /// The direct method's choice of the channel that fires: the first j with Σ_{i≤j} aᵢ > u·a₀, u uniform
    /// on [0, 1) (stepping back over channels of zero propensity that rounding at the end of the sum lands on).
    @inline(__always)
    private func pickChannel(total a0: Double, _ rng: inout Xoshiro256) -> Int {
        let channels = model.channelCount
        let target = rng.uniform() * a0
        var sum = 0.0
        var mu = channels - 1
        for j in 0..<channels {
            sum += a[j]
            if target < sum { mu = j; break }
        }
        while a[mu] == 0 && mu > 0 { mu -= 1 } // rounding at the end of the sum
        return mu
    }

    /// Fires channel μ at t: its changes to the counts, the model's values and the registers. A count that
    /// would turn negative or pass 2⁵³ is an error.
    @inline(__always)
    private func fire(_ mu: Int, at t: Double) throws(SimulationError) {
        for e in Int(model.changeStart[mu])..<Int(model.changeStart[mu + 1]) {
            let k = Int(model.changeIndex[e])
            let v = x[k] + model.changeDelta[e]
            if v < 0 {
                throw SimulationError(message: "reaction '\(model.channelNames[mu])' fired at \(timeText(t)) with '\(stateName(k))' at \(shortNumber(x[k])) molecules, making it negative\(describeState(for: mu)); its propensity must vanish when a reactant runs out",
                                      location: model.channelLocations[mu])
            }
            if v > StochasticModel.maximumCount {
                throw SimulationError(message: "the count of '\(stateName(k))' would exceed 2^53 molecules at \(timeText(t)) (reaction '\(model.channelNames[mu])'); the model grows without bound")
            }
            x[k] = v
            let value = v / model.scale[k]
            y[k] = value
            model.registers[Int(model.stateRegister[k])] = value
        }
    }

    /// The propensities firing μ touched (its dependency graph). With the next-reaction method, each one's
    /// putative time too (Gibson & Bruck 2000): μ draws a new one, τ = t + E/a; another channel whose
    /// propensity changed from a to a′ rescales its own, τ′ = t + (a/a′)(τ − t), reusing its random number
    /// (or draws one if it had none); the heap follows.
    @inline(__always)
    private func updatePropensities(after mu: Int, at t: Double, nextReaction: Bool, _ rng: inout Xoshiro256) throws(SimulationError) {
        if !nextReaction {
            for d in Int(model.dependentStart[mu])..<Int(model.dependentStart[mu + 1]) {
                let j = Int(model.dependent[d])
                a[j] = try checked(j, t)
            }
            return
        }
        for d in Int(model.dependentStart[mu])..<Int(model.dependentStart[mu + 1]) {
            let j = Int(model.dependent[d])
            let old = a[j]
            let new = try checked(j, t)
            a[j] = new
            if j == mu {
                tau[j] = new > 0 ? t + rng.exponential() / new : .infinity
            } else if new != old {
                if new > 0 {
                    tau[j] = old > 0 && tau[j] < .infinity ? t + (old / new) * (tau[j] - t) : t + rng.exponential() / new
                } else {
                    tau[j] = .infinity
                }
            } else {
                continue
            }
            update(j)
        }
    }

    /// One trajectory as a ``SimulationResult`` (run `index` of the ensemble seeded with `seed`).
    public func trajectory(seed: UInt64, run index: UInt64 = 0) throws(SimulationError) -> (SimulationResult, StochasticRunStatistics) {
        var rng = Xoshiro256(seed: seed, stream: index)
        var values = [Double](repeating: 0, count: times.count * names.count)
        let clock = ContinuousClock()
        let started = clock.now
        var stats = StochasticRunStatistics()
        var failure: SimulationError?
        values.withUnsafeMutableBufferPointer { buffer in
            do throws(SimulationError) { stats = try run(&rng, into: buffer) } catch { failure = error }
        }
        if let failure { throw failure }
        let elapsed = clock.now - started
        let columns = names.count
        let rows = times.indices.map { i in Array(values[(i * columns)..<((i + 1) * columns)]) }
        var solver = SolverStatistics()
        solver.eventsFired = stats.eventExecutions
        solver.steps = stats.reactionEvents
        solver.acceptedSteps = stats.reactionEvents
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        return (SimulationResult(names: names, times: times, values: rows, status: .success, statistics: solver, solveSeconds: seconds), stats)
    }
}
