import PathwayModel

/// A model compiled into a flat, indexed ODE system.
///
/// The state vector holds every species the reactions change (concentrations, or amounts for
/// amount-valued species), every variable with a rate rule, and every parameter or fixed species
/// an event assigns (with zero derivative, so that the solution records its value at each time).
/// Everything else — parameters, constant and boundary species, compartment sizes, observables and
/// intermediate results — lives in one register file. The right-hand side is
///
///     dyᵢ/dt = Σⱼ Nᵢⱼ · (V_rⱼ / V_i) · rateⱼ(t, y)
///
/// with `V_rⱼ` the size of reaction j's compartment (1 for amount-based rates) and `V_i` that of
/// species i's compartment (1 for amount-valued species), so transport between compartments of
/// different sizes conserves amounts. A stoichiometry given by an expression (``StoichiometricTerm/expression``)
/// adds its own term ±σ(t, y)·(V_rⱼ / V_i)·rateⱼ, computed in a register. `rateOf(x)` is replaced by
/// x's right-hand side before compilation (`Model.expandingRateOf()`). `delay(x, τ)` reads x at t − τ
/// from the run's history (``DelayRuntime``). The Jacobian is derived from the rate expressions (and
/// those terms) by symbolic differentiation and compiled the same way (delayed terms count as constant).
public final class CompiledModel: ODEFunction {
    public let model: Model
    /// Names of the state variables, in state-vector order.
    public let stateNames: [String]
    /// The initial state (after initial assignments).
    public private(set) var initialState: [Double]
    public let dimension: Int
    public let isAutonomous: Bool

    /// Register of every named symbol (species, parameters, compartments, observables).
    let symbolRegisters: [String: Int]
    /// Owns the register file and the hot-path tables below (one allocation, freed with it).
    private let storage: CompiledStorage
    /// The register file: time, symbols, constants, temporaries (in ``storage``).
    let registers: UnsafeMutablePointer<Double>
    let registerCount: Int
    /// Register values before any run (parameters, constants, fixed species).
    private var initialRegisters: [Double]

    // Hot-path tables: raw buffers (views into `storage`) so the inner loops do no reference counting.
    private let stateRegisters: UnsafeMutableBufferPointer<Int32>
    private let stoichRow: UnsafeMutableBufferPointer<Int32>
    private let stoichRegister: UnsafeMutableBufferPointer<Int32>
    private let stoichCoefficient: UnsafeMutableBufferPointer<Double>
    private let ruleRow: UnsafeMutableBufferPointer<Int32>
    private let ruleRegister: UnsafeMutableBufferPointer<Int32>
    /// Variable-stoichiometry terms: the register of ±stoichiometry·rate·volume factor, and its row.
    private let termRow: UnsafeMutableBufferPointer<Int32>
    private let termRegister: UnsafeMutableBufferPointer<Int32>
    private let jacobianIndex: UnsafeMutableBufferPointer<Int32>
    private let jacobianRegister: UnsafeMutableBufferPointer<Int32>
    private let jacobianCoefficient: UnsafeMutableBufferPointer<Double>
    let mainProgram: Program
    private let jacobianProgram: Program

    /// Per reaction: the register of its rate (concentration or amount per time).
    let rateRegisters: [Int]
    /// Per reaction: its rate as the Jacobian differentiates it (functions and observables inlined,
    /// simplified), an expression of species, parameters, compartments and time.
    let differentiableRates: [Expression]
    /// Compiled events (programs that compute assigned values, and where to put them).
    let events: [CompiledEvent]
    /// The model's fast subsystems as the compiler rewrote them (``Model/fastEquilibria``).
    public let fastEquilibria: [FastEquilibrium]
    /// The names the fast-reaction rewrite introduced (``FastEquilibrium/internalNames``): not reported
    /// unless asked for by name (the species they stand for are).
    public let internalNames: Set<String>
    /// The algebraic rules' state components (``algebraicComponents``), each with the register of its
    /// switch's condition (computed by the event program; −1: always on) and whether its residual is a
    /// fast flow.
    let algebraicRuleComponents: [AlgebraicComponent]
    let eventProgram: Program

    /// Components that are concentrations or amounts (checked for negativity), as opposed to parameters.
    public let nonNegativeComponents: [Int]

    /// The structural nonzeros of the Jacobian (dense indices), for sparse factorisation.
    public let jacobianSparsity: [Int]?

    /// Delayed values (`delay(x, τ)`) and the run's history; nil in models without delays.
    let delays: DelayRuntime?

    /// The most state variables a model may have: ⌊√(2³¹ − 1)⌋.
    public static let maximumDimension = 46_340

    /// Compiles `original` in named stages (``CompiledModel+Stages.swift``): the model's rewrites and the
    /// state layout, the right-hand side, the stoichiometry, the Jacobian, the events, the initial
    /// assignments, the delayed expressions, instruction fusion, the register file and its storage.
    public init(_ original: Model) throws(CompileError) {
        let context = try Self.context(for: original)
        let model = context.model
        fastEquilibria = context.fastEquilibria
        internalNames = Set(fastEquilibria.flatMap(\.internalNames))
        self.model = model
        stateNames = context.stateNames
        dimension = context.stateNames.count
        nonNegativeComponents = context.nonNegative
        symbolRegisters = context.symbols

        var builder = ProgramBuilder(symbols: context.symbols, registerCount: context.symbolRegisterCount, timeRegister: 0)
        if context.hasDelays { builder.startedRegister = context.startedRegister }
        let rhs = try Self.rightHandSide(context, builder: &builder)
        let mainRaw = builder.program
        rateRegisters = rhs.rates
        let stoichiometry = Self.stoichiometry(context)
        let jacobian = try Self.jacobian(context, rhs: rhs, stoichiometry: stoichiometry, builder: &builder)
        differentiableRates = jacobian.differentiableRates
        jacobianSparsity = Array(Set(jacobian.index.map(Int.init))).sorted()
        let compiledEvents = try Self.events(context, builder: &builder)
        let switches = try Self.algebraicSwitches(context, builder: &builder)
        let eventRaw = builder.program
        algebraicRuleComponents = zip(model.algebraicRules, switches).compactMap { rule, register in
            context.stateIndex[rule.variable].map { AlgebraicComponent(component: $0, switchRegister: register, followsFlow: rule.isFastFlow) }
        }
        events = compiledEvents
        let initial = try Self.initialAssignments(context, builder: &builder)
        let delayed = try Self.delayedExpressions(
            context, builder: &builder, compiled: [mainRaw, jacobian.program, eventRaw, initial.program],
            initialAssignments: initial, inlinedObservables: jacobian.inlinedObservables)

        // Fuse instruction pairs, counting every read of every register first.
        registerCount = builder.registerCount
        let reads = Self.useCounts(
            registerCount: registerCount, programs: [mainRaw, jacobian.program, eventRaw, initial.program],
            context: context, rhs: rhs, stoichiometry: stoichiometry, jacobian: jacobian, events: compiledEvents,
            initialAssignments: initial.assignments, switches: switches)
        mainProgram = mainRaw.fused(useCount: reads)
        jacobianProgram = jacobian.program.fused(useCount: reads)
        eventProgram = eventRaw.fused(useCount: reads)
        let initialProgram = initial.program.fused(useCount: reads)
        initialAssignmentProgram = initialProgram
        initialAssignmentTargets = initial.assignments

        // The register file and the hot-path tables, in one owning storage object.
        let tables = Self.tables(context, rhs: rhs, stoichiometry: stoichiometry, jacobian: jacobian)
        let storage = CompiledStorage(
            registers: Self.registerValues(context, builder: builder, count: registerCount), tables: tables)
        self.storage = storage
        registers = storage.registers
        stateRegisters = storage.stateRegisters
        stoichRow = storage.stoichRow
        stoichRegister = storage.stoichRegister
        stoichCoefficient = storage.stoichCoefficient
        ruleRow = storage.ruleRow
        ruleRegister = storage.ruleRegister
        termRow = storage.termRow
        termRegister = storage.termRegister
        jacobianIndex = storage.jacobianIndex
        jacobianRegister = storage.jacobianRegister
        jacobianCoefficient = storage.jacobianCoefficient
        stoichCount = tables.stoichRow.count
        ruleCount = tables.ruleRow.count
        termCount = tables.termRow.count
        jacobianCount = tables.jacobianIndex.count

        let delayRuntime = try Self.delayRuntime(
            context, delayed: delayed, programs: [mainRaw, eventRaw], registerCount: registerCount)
        delays = delayRuntime
        let settled = Self.settleInitialAssignments(
            initial.assignments, main: mainProgram, jacobian: jacobianProgram, initial: initialProgram, delays: delayRuntime,
            registers: storage.registers, count: registerCount)
        initialRegisters = settled
        initialState = context.stateNames.map { settled[context.symbols[$0]!] }
        // A delayed value depends on time through the history.
        isAutonomous = !Self.usesTime(model) && !context.hasDelays
    }

    /// Runs a compiled program on the register file (looking delayed values up when the model has any).
    @inline(__always)
    func run(_ program: Program) {
        if let delays {
            delays.run(program, registers)
        } else {
            program.run(registers)
        }
    }

    /// Instruction counts of the compiled programs (right-hand side, Jacobian) and an opcode histogram.
    public var programStatistics: (rhs: Int, jacobian: Int, histogram: [String: Int]) {
        var h: [String: Int] = [:]
        for i in mainProgram.instructions { h["\(i.op)", default: 0] += 1 }
        return (mainProgram.count, jacobianProgram.count, h)
    }

    /// The initial assignments' program and (target, value) registers, kept for
    /// ``recomputeInitialAssignments()``.
    private let initialAssignmentProgram: Program
    private let initialAssignmentTargets: [(target: Int, value: Int)]

    private let stoichCount: Int
    private let ruleCount: Int
    private let termCount: Int
    private let jacobianCount: Int

    // MARK: ODEFunction

    @inline(__always)
    func load(t: Double, y: UnsafePointer<Double>) {
        registers[0] = t
        for k in 0..<dimension { registers[Int(stateRegisters[k])] = y[k] }
    }

    public func evaluate(t: Double, y: UnsafePointer<Double>, dydt: UnsafeMutablePointer<Double>) {
        load(t: t, y: y)
        run(mainProgram)
        dydt.update(repeating: 0, count: dimension)
        // Entries are sorted by row: accumulate each row in a register, write it once.
        var e = 0
        while e < stoichCount {
            let row = stoichRow[e]
            var sum = 0.0
            while e < stoichCount && stoichRow[e] == row {
                sum += stoichCoefficient[e] * registers[Int(stoichRegister[e])]
                e += 1
            }
            dydt[Int(row)] = sum
        }
        for e in 0..<termCount {
            dydt[Int(termRow[e])] += registers[Int(termRegister[e])]
        }
        for e in 0..<ruleCount {
            dydt[Int(ruleRow[e])] = registers[Int(ruleRegister[e])]
        }
    }

    public func jacobian(t: Double, y: UnsafePointer<Double>, into J: UnsafeMutablePointer<Double>) -> Bool {
        load(t: t, y: y)
        run(mainProgram)
        run(jacobianProgram)
        J.update(repeating: 0, count: dimension * dimension)
        for e in 0..<jacobianCount {
            J[Int(jacobianIndex[e])] += jacobianCoefficient[e] * registers[Int(jacobianRegister[e])]
        }
        return true
    }

    // MARK: Values by name

    /// Restores parameters and fixed species to their initial values (before a new run).
    public func reset() {
        initialRegisters.withUnsafeBufferPointer { registers.update(from: $0.baseAddress!, count: registerCount) }
        delays?.clear() // delayed values outside a run read the current state
    }

    /// Changes a parameter (or a fixed species, or an initial state value) without recompiling.
    /// Returns false when the name is not a parameter or species of the model.
    @discardableResult
    public func setValue(_ name: String, _ value: Double) -> Bool {
        guard let r = symbolRegisters[name] else { return false }
        if let k = stateNames.firstIndex(of: name) { initialState[k] = value }
        initialRegisters[r] = value
        registers[r] = value
        return true
    }

    /// Evaluates the initial assignments again from the current values (after ``setValue(_:_:)`` changed
    /// the parameters they read), so that the next run starts from the state they give; `keeping` names
    /// values set since that no assignment may overwrite. A model without initial assignments is left
    /// alone. Not for models with delays.
    public func recomputeInitialAssignments(keeping: Set<String> = []) {
        guard !initialAssignmentTargets.isEmpty else { return }
        initialRegisters.withUnsafeBufferPointer { registers.update(from: $0.baseAddress!, count: registerCount) }
        let kept = Set(keeping.compactMap { symbolRegisters[$0] })
        for _ in 0...initialAssignmentTargets.count {
            run(mainProgram)
            run(jacobianProgram)
            run(initialAssignmentProgram)
            for (target, value) in initialAssignmentTargets where !kept.contains(target) { registers[target] = registers[value] }
        }
        for (target, _) in initialAssignmentTargets { initialRegisters[target] = registers[target] }
        for (k, name) in stateNames.enumerated() { initialState[k] = initialRegisters[symbolRegisters[name]!] }
    }

    /// The current value of a named symbol for a state at time t (species, parameter, observable…).
    public func values(of names: [String]) throws(CompileError) -> ValueReader {
        var regs: [Int] = []
        for n in names {
            guard let r = symbolRegisters[n] else {
                let pool = model.species.map(\.id) + model.observables.map(\.id) + model.parameters.map(\.id)
                let hint = closestMatch(to: n, in: pool).map { " (did you mean '\($0)'?)" } ?? ""
                throw CompileError(message: "unknown species or observable '\(n)'\(hint)")
            }
            regs.append(r)
        }
        return ValueReader(model: self, registers: regs, program: mainProgram.slice(computing: Set(regs.map(Int32.init))))
    }

    /// Reads chosen symbols' values for given states, running only the instructions they need.
    public struct ValueReader {
        let model: CompiledModel
        let registers: [Int]
        let program: Program

        /// Fills `out` with the values at (t, y).
        public func read(t: Double, y: UnsafePointer<Double>, into out: inout [Double]) {
            model.load(t: t, y: y)
            model.run(program)
            for (i, r) in registers.enumerated() { out[i] = model.registers[r] }
        }

        /// Fills `out` with the values at (t, state); `state` has ``CompiledModel/dimension`` entries
        /// (none for a model with nothing to integrate).
        public func read(t: Double, state: [Double], into out: inout [Double]) {
            precondition(state.count == model.dimension, "a state of \(model.dimension) values is needed")
            if state.isEmpty {
                model.registers[0] = t
                model.run(program)
                for (i, r) in registers.enumerated() { out[i] = model.registers[r] }
                return
            }
            state.withUnsafeBufferPointer { read(t: t, y: $0.baseAddress!, into: &out) }
        }
    }

    // MARK: Events

    /// Makes the integrator's events for one run: timed events and the root functions of `when`
    /// triggers, with an ``EventHandler`` that carries out the SBML semantics (delays, priorities,
    /// persistence, events triggered by other events); `seed` starts the generator that breaks ties
    /// between events due at once with equal priority.
    public func integratorEvents(seed: UInt64 = EventOrderGenerator.defaultSeed) -> (timed: [TimedEvent], triggered: [TriggeredEvent], handler: any EventHandler) {
        let runtime = EventRuntime(model: self, seed: seed)
        var timed: [TimedEvent] = [], triggered: [TriggeredEvent] = []
        for (index, e) in events.enumerated() {
            switch e.trigger {
            case .at(let time, let every, let count):
                let action: EventAction = { [unowned runtime] t, state in runtime.timedEventCame(index, t: t, state: state) }
                if let every, every > 0 {
                    timed.append(TimedEvent(start: time, every: every, count: count, action: action))
                } else {
                    timed.append(TimedEvent(time: time, action: action))
                }
            case .when:
                for reg in e.watchRegisters {
                    triggered.append(TriggeredEvent(direction: e.watchesRisingOnly ? .rising : .either, condition: { [unowned self] t, state in
                        self.refreshEventValues(t: t, state: state.baseAddress!)
                        return self.registers[reg]
                    }, action: { _, _ in }))
                }
            }
        }
        return (timed, triggered, runtime)
    }

    /// Computes every event's values (conditions, delays, priorities, assigned values) for (t, y).
    @inline(__always)
    func refreshEventValues(t: Double, state: UnsafePointer<Double>) {
        load(t: t, y: state)
        run(mainProgram)
        run(eventProgram)
    }

    /// Assigns event `index`'s values: `captured` ones, or those in the registers (computed for the
    /// current state by ``refreshEventValues(t:state:)``).
    func execute(_ index: Int, captured: [Double]?, state: UnsafeMutableBufferPointer<Double>) {
        let e = events[index]
        if captured == nil {
            for target in e.targets { registers[target.holdingRegister] = registers[target.valueRegister] }
        }
        for (i, target) in e.targets.enumerated() {
            var v = captured?[i] ?? registers[target.holdingRegister]
            if let k = target.stateIndex {
                if target.add { v += state[k] }
                state[k] = v
            } else if target.register >= 0 {
                if target.add { v += registers[target.register] }
                registers[target.register] = v
            }
        }
    }

    /// A continuous function that crosses zero upwards when the condition becomes true:
    /// `a − b` for `a > b`, `b − a` for `a < b`, else ±1.
    ///
    /// Where the difference is exactly zero its sign follows the condition (negative for a strict
    /// inequality, positive otherwise), so `time > 0` starts false at t = 0 and fires just after.
    static func rootFunction(_ c: Expression) -> Expression {
        func difference(_ a: Expression, _ b: Expression, strict: Bool) -> Expression {
            let d = (a - b).simplified()
            return .call("piecewise", [d, .binary(.notEqual, d, .number(0)), .number(strict ? -1e-300 : 1e-300)])
        }
        switch c {
        case .binary(.greater, let a, let b): return difference(a, b, strict: true)
        case .binary(.greaterEqual, let a, let b): return difference(a, b, strict: false)
        case .binary(.less, let a, let b): return difference(b, a, strict: true)
        case .binary(.lessEqual, let a, let b): return difference(b, a, strict: false)
        case .call("gt", let args) where args.count == 2: return difference(args[0], args[1], strict: true)
        case .call("geq", let args) where args.count == 2: return difference(args[0], args[1], strict: false)
        case .call("lt", let args) where args.count == 2: return difference(args[1], args[0], strict: true)
        case .call("leq", let args) where args.count == 2: return difference(args[1], args[0], strict: false)
        default: return .call("piecewise", [.number(1), c, .number(-1)])
        }
    }

    /// The comparisons (and other non-logical parts) a condition combines with and, or, xor, not and
    /// implies, without repeats.
    static func atoms(of c: Expression) -> [Expression] {
        var out: [Expression] = []
        func visit(_ e: Expression) {
            switch e {
            case .binary(.and, let a, let b), .binary(.or, let a, let b):
                visit(a)
                visit(b)
            case .call(let f, let args) where ["and", "or", "xor", "not", "implies"].contains(f):
                args.forEach(visit)
            default:
                if !out.contains(e) { out.append(e) }
            }
        }
        visit(c)
        return out
    }

    /// Observables sorted so that each comes after those it reads.
    static func dependencyOrder(_ observables: [Observable]) throws(CompileError) -> [Observable] {
        let byID = Dictionary(observables.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        var done = Set<String>(), visiting = Set<String>(), out: [Observable] = []
        func visit(_ o: Observable) -> Bool {
            if done.contains(o.id) { return true }
            if visiting.contains(o.id) { return false }
            visiting.insert(o.id)
            for d in o.expression.symbols { if let dep = byID[d], !visit(dep) { return false } }
            visiting.remove(o.id)
            done.insert(o.id)
            out.append(o)
            return true
        }
        for o in observables where !visit(o) {
            throw CompileError(message: "observables depend on each other in a cycle (at '\(o.id)')")
        }
        return out
    }
}

/// An event ready to fire.
struct CompiledEvent {
    struct Target {
        var stateIndex: Int?
        var register: Int
        var valueRegister: Int
        var holdingRegister: Int
        var add: Bool
    }

    var id: String
    var trigger: EventTrigger
    var targets: [Target]
    var conditionRegister: Int?
    /// Registers of the root functions the integrator locates (see ``CompiledModel/atoms(of:)``).
    var watchRegisters: [Int]
    /// Whether the one watched function is the condition itself, located only when it becomes true.
    var watchesRisingOnly: Bool
    var delayRegister: Int?
    var priorityRegister: Int?
    var useValuesFromTriggerTime: Bool
    var persistent: Bool
    var initialValue: Bool
}
