import PathwayModel

/// The SBML event semantics for one run of a ``CompiledModel`` (SBML Level 3 Version 2, section 4.12):
///
/// * an event *triggers* when its `when` condition goes from false to true (or at its time, for a
///   timed event); at t₀ a condition that holds triggers if the event's `initialValue` is false;
/// * triggering schedules an *execution* after the event's delay (evaluated then; none: at once), with
///   the assigned values computed then if `useValuesFromTriggerTime`, else when it executes; several
///   executions of one event may be pending;
/// * executions due at the same time run one at a time, highest priority first (priorities are
///   evaluated at each choice; events without one go last; ties — equal priorities, or none — are
///   broken at random by the run's seeded ``EventOrderGenerator``, each order equally likely);
/// * after each execution every condition is checked again: one that turned true triggers (at once,
///   if it has no delay), and a non-persistent event whose condition turned false loses its pending
///   executions — as it does whenever its condition turns false while integrating.
final class EventRuntime: EventHandler {
    struct Pending {
        var time: Double
        var event: Int
        /// Values computed when the event triggered (`useValuesFromTriggerTime`), else nil.
        var values: [Double]?
    }

    unowned let model: CompiledModel
    /// The model events with `when` conditions.
    private let conditionEvents: [Int]
    /// Per condition event: the index of its watched function among the integrator's triggered events
    /// when that is the condition itself watched only rising (its sign before an instant says whether
    /// it held), else nil (all its comparisons are watched both ways, so ``holds`` stays current).
    private let risingWatch: [Int?]
    /// Pending executions, in the order they were scheduled.
    private var pending: [Pending] = []
    private(set) var nextScheduledTime = Double.infinity
    private var started = false
    /// Each condition's value (true or false), by triggered-event index.
    private var holds: [Bool]
    /// Executions at one instant before the events are declared not to settle.
    static let executionLimit = 100_000
    /// Breaks ties between executions due at once with equal priority.
    private var generator: EventOrderGenerator
    /// How many ties were broken at random so far.
    private(set) var randomChoices = 0
    /// The due executions of the highest priority, while choosing (kept to allocate once).
    private var tied: [Int] = []

    init(model: CompiledModel, seed: UInt64 = EventOrderGenerator.defaultSeed) {
        self.model = model
        generator = EventOrderGenerator(seed: seed)
        conditionEvents = model.events.indices.filter { model.events[$0].conditionRegister != nil }
        var watch = 0
        var rising: [Int?] = []
        for e in conditionEvents {
            rising.append(model.events[e].watchesRisingOnly ? watch : nil)
            watch += model.events[e].watchRegisters.count
        }
        risingWatch = rising
        holds = [Bool](repeating: false, count: conditionEvents.count)
    }

    // MARK: EventHandler

    func start(t: Double, state: UnsafeMutableBufferPointer<Double>) -> Int? {
        if started { return 0 }
        started = true
        model.refreshEventValues(t: t, state: state.baseAddress!)
        for (k, e) in conditionEvents.enumerated() {
            holds[k] = condition(e)
            if holds[k] && !model.events[e].initialValue { trigger(e, t: t) }
        }
        return executeDue(t: t, state: state)
    }

    func settle(t: Double, state: UnsafeMutableBufferPointer<Double>, previousSigns: UnsafeBufferPointer<Double>) -> Int? {
        model.refreshEventValues(t: t, state: state.baseAddress!)
        for (k, e) in conditionEvents.enumerated() {
            let now = condition(e)
            var before = holds[k]
            if let w = risingWatch[k] { before = previousSigns[w] == 0 ? now : previousSigns[w] > 0 }
            holds[k] = now
            if now && !before {
                trigger(e, t: t)
            } else if before && !now && !model.events[e].persistent {
                cancel(e)
            }
        }
        return executeDue(t: t, state: state)
    }

    /// A timed event's time came (the driver calls its action before ``settle(t:state:previousSigns:)``).
    func timedEventCame(_ event: Int, t: Double, state: UnsafeMutableBufferPointer<Double>) {
        model.refreshEventValues(t: t, state: state.baseAddress!)
        trigger(event, t: t)
    }

    // MARK: Scheduling

    /// Whether event e's condition holds (its root function is positive), from the current registers.
    private func condition(_ e: Int) -> Bool {
        model.registers[model.events[e].conditionRegister!] > 0
    }

    /// Schedules an execution of event e triggered at t; the registers hold the values for t.
    private func trigger(_ e: Int, t: Double) {
        let event = model.events[e]
        var delay = 0.0
        if let r = event.delayRegister, model.registers[r] > 0 { delay = model.registers[r] }
        let values = event.useValuesFromTriggerTime ? event.targets.map { model.registers[$0.valueRegister] } : nil
        pending.append(Pending(time: t + delay, event: e, values: values))
        nextScheduledTime = min(nextScheduledTime, t + delay)
    }

    /// Drops event e's pending executions (its non-persistent condition turned false).
    private func cancel(_ e: Int) {
        guard pending.contains(where: { $0.event == e }) else { return }
        pending.removeAll { $0.event == e }
        nextScheduledTime = pending.map(\.time).min() ?? .infinity
    }

    /// Runs the executions due at t, one at a time by priority, checking the conditions after each;
    /// returns how many ran, or nil past ``executionLimit``.
    private func executeDue(t: Double, state: UnsafeMutableBufferPointer<Double>) -> Int? {
        let due = t + 4 * abs(t).ulp
        var executions = 0
        while nextScheduledTime <= due {
            // The registers hold the values for the current state here.
            tied.removeAll(keepingCapacity: true)
            var best = -Double.infinity
            for (j, p) in pending.enumerated() where p.time <= due {
                var priority = -Double.infinity
                if let r = model.events[p.event].priorityRegister, !model.registers[r].isNaN { priority = model.registers[r] }
                if tied.isEmpty || priority > best {
                    tied.removeAll(keepingCapacity: true)
                    best = priority
                }
                if priority == best { tied.append(j) }
            }
            var chosen = tied[0]
            if tied.count > 1 {
                chosen = tied[generator.below(tied.count)]
                randomChoices += 1
            }
            let p = pending.remove(at: chosen)
            nextScheduledTime = pending.map(\.time).min() ?? .infinity
            model.execute(p.event, captured: p.values, state: state)
            executions += 1
            if executions > Self.executionLimit { return nil }

            model.refreshEventValues(t: t, state: state.baseAddress!)
            for (k, e) in conditionEvents.enumerated() {
                let now = condition(e)
                if now && !holds[k] {
                    trigger(e, t: t)
                } else if holds[k] && !now && !model.events[e].persistent {
                    cancel(e)
                }
                holds[k] = now
            }
        }
        return executions
    }
}
