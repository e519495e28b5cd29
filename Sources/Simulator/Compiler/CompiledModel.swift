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
    /// The register file: time, symbols, constants, temporaries.
    let registers: UnsafeMutablePointer<Double>
    let registerCount: Int
    /// Register values before any run (parameters, constants, fixed species).
    private var initialRegisters: [Double]

    // Hot-path tables, as raw buffers so the inner loops do no reference counting.
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
    let eventProgram: Program

    /// Components that are concentrations or amounts (checked for negativity), as opposed to parameters.
    public let nonNegativeComponents: [Int]

    /// The structural nonzeros of the Jacobian (dense indices), for sparse factorisation.
    public let jacobianSparsity: [Int]?

    /// Delayed values (`delay(x, τ)`) and the run's history; nil in models without delays.
    let delays: DelayRuntime?

    /// The most state variables a model may have: ⌊√(2³¹ − 1)⌋.
    public static let maximumDimension = 46_340

    public init(_ original: Model) throws(CompileError) {
        // Algebraic rules become observables of their solutions (see ``Model/solvingAlgebraicRules()``).
        let source = try original.solvingAlgebraicRules()
        // In a model with delays every rate of change read from the history before the run's start is 0.
        let hasDelays = source.usesDelay
        let guarded = hasDelays && source.usesRateOf ? source.guardingRateOf() : source
        // `rateOf(x)` becomes x's right-hand side before anything is compiled (see ``Model/expandingRateOf()``).
        let model = try guarded.expandingRateOf()
        self.model = model
        let functions = Dictionary(model.functions.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        let volume = Dictionary(model.compartments.map { ($0.id, $0.size) }, uniquingKeysWith: { a, _ in a })
        let speciesByID = Dictionary(model.species.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })

        // MARK: State variables
        let ruled = Set(model.rateRules.map(\.variable))
        let changedByReactions = Set(model.reactions.flatMap { r in
            r.netStoichiometry.filter { $0.coefficient != 0 }.map(\.species)
                + (r.reactants + r.products).filter { $0.expression != nil }.map(\.species)
        })
        let eventTargets = Set(model.events.flatMap { $0.assignments.map(\.target) })
        var names: [String] = []
        var nonNegative: [Int] = []
        for s in model.species where !s.constant {
            let dynamic = (changedByReactions.contains(s.id) && !s.boundary) || ruled.contains(s.id) || eventTargets.contains(s.id)
            if dynamic {
                nonNegative.append(names.count)
                names.append(s.id)
            }
        }
        for p in model.parameters where ruled.contains(p.id) || eventTargets.contains(p.id) { names.append(p.id) }
        // Jacobian entries are addressed row · n + column in 32 bits.
        if names.count > Self.maximumDimension {
            throw CompileError(message: "the model has \(names.count) state variables; at most \(Self.maximumDimension) are supported (its Jacobian is addressed in 32 bits)")
        }
        stateNames = names
        dimension = names.count
        nonNegativeComponents = nonNegative
        let stateIndex = Dictionary(uniqueKeysWithValues: names.enumerated().map { ($1, $0) })

        // MARK: Registers for symbols
        var symbols: [String: Int] = [:]
        var next = 1 // register 0 is time
        for s in model.species { symbols[s.id] = next; next += 1 }
        for p in model.parameters { symbols[p.id] = next; next += 1 }
        for c in model.compartments where symbols[c.id] == nil { symbols[c.id] = next; next += 1 }
        for o in model.observables { symbols[o.id] = next; next += 1 }
        symbolRegisters = symbols
        // Models with delays: a register that says whether values are computed at or after the start.
        let startedRegister = next
        if hasDelays { next += 1 }
        var builder = ProgramBuilder(symbols: symbols, registerCount: next, timeRegister: 0)
        if hasDelays { builder.startedRegister = startedRegister }

        // MARK: Main program: observables (in dependency order), reaction rates, rate rules
        let orderedObservables = try Self.dependencyOrder(model.observables)
        for o in orderedObservables {
            try builder.store(o.expression.inliningFunctions(functions).simplified(), into: symbols[o.id]!)
        }
        var rates: [Int] = []
        var rateExpressions: [Expression] = []
        for r in model.reactions {
            let e = r.rateExpression.inliningFunctions(functions).simplified()
            rateExpressions.append(e)
            rates.append(try builder.register(for: e))
        }
        var rules: [(row: Int, reg: Int, expression: Expression)] = []
        for rr in model.rateRules {
            guard let row = stateIndex[rr.variable] else { continue }
            let e = rr.expression.inliningFunctions(functions).simplified()
            rules.append((row, try builder.register(for: e), e))
        }
        // Variable stoichiometries: ±stoichiometry · rate · volume factor, one register per term, added
        // to the species' derivative (none in models with constant stoichiometry).
        var variableTerms: [(row: Int, reg: Int, expression: Expression)] = []
        for (j, r) in model.reactions.enumerated() {
            let reactionVolume = r.compartment.flatMap { volume[$0] } ?? 1
            let terms = r.reactants.map { ($0, -1.0) } + r.products.map { ($0, 1.0) }
            for (t, sign) in terms {
                guard let stoichiometry = t.expression, let row = stateIndex[t.species],
                      let s = speciesByID[t.species], !s.boundary else { continue }
                let factor = sign * reactionVolume / (s.amountValued ? 1 : (volume[s.compartment] ?? 1))
                let e = (Expression.number(factor) * stoichiometry.inliningFunctions(functions) * rateExpressions[j]).simplified()
                variableTerms.append((row, try builder.register(for: e), e))
            }
        }
        let mainRaw = builder.program
        rateRegisters = rates

        // Stoichiometry with volume factors.
        var sRow: [Int32] = [], sReg: [Int32] = [], sCoef: [Double] = []
        var stoichEntries: [(row: Int, reaction: Int, coefficient: Double)] = []
        for (j, r) in model.reactions.enumerated() {
            let reactionVolume = r.compartment.flatMap { volume[$0] } ?? 1
            for (name, c) in r.netStoichiometry where c != 0 {
                guard let row = stateIndex[name], let s = speciesByID[name], !s.boundary else { continue }
                let speciesVolume = s.amountValued ? 1 : (volume[s.compartment] ?? 1)
                let coefficient = c * reactionVolume / speciesVolume
                sRow.append(Int32(row))
                sReg.append(Int32(rates[j]))
                sCoef.append(coefficient)
                stoichEntries.append((row, j, coefficient))
            }
        }

        // MARK: Jacobian program: ∂rate/∂state by symbolic differentiation
        var inlinedObservables: [String: Expression] = [:]
        for o in orderedObservables {
            inlinedObservables[o.id] = o.expression.inliningFunctions(functions).substituting(inlinedObservables).simplified()
        }
        var jb = builder.continuing()
        var jIndex: [Int32] = [], jReg: [Int32] = [], jCoef: [Double] = []
        var partials: [Int: [(column: Int, register: Int)]] = [:] // reaction → nonzero partials
        let fullRates = rateExpressions.map { $0.substituting(inlinedObservables) }
        differentiableRates = fullRates
        for (j, full) in fullRates.enumerated() {
            for name in full.symbols {
                guard let column = stateIndex[name] else { continue }
                let d = full.derivative(with: name)
                if case .number(0) = d { continue }
                partials[j, default: []].append((column, try jb.register(for: d)))
            }
        }
        for entry in stoichEntries {
            for p in partials[entry.reaction] ?? [] {
                jIndex.append(Int32(entry.row * names.count + p.column))
                jReg.append(Int32(p.register))
                jCoef.append(entry.coefficient)
            }
        }
        for term in variableTerms {
            let full = term.expression.substituting(inlinedObservables)
            for name in full.symbols {
                guard let column = stateIndex[name] else { continue }
                let d = full.derivative(with: name)
                if case .number(0) = d { continue }
                jIndex.append(Int32(term.row * names.count + column))
                jReg.append(Int32(try jb.register(for: d)))
                jCoef.append(1)
            }
        }
        for rule in rules {
            let full = rule.expression.substituting(inlinedObservables)
            for name in full.symbols {
                guard let column = stateIndex[name] else { continue }
                let d = full.derivative(with: name)
                if case .number(0) = d { continue }
                jIndex.append(Int32(rule.row * names.count + column))
                jReg.append(Int32(try jb.register(for: d)))
                jCoef.append(1)
            }
        }
        let jacobianRaw = jb.program
        jacobianSparsity = Array(Set(jIndex.map(Int.init))).sorted()

        // MARK: Events: programs computing the values to assign
        var eb = jb.continuing()
        var compiledEvents: [CompiledEvent] = []
        for event in model.events {
            var targets: [CompiledEvent.Target] = []
            for a in event.assignments {
                let valueRegister = try eb.register(for: a.value.inliningFunctions(functions).simplified())
                let holding = eb.newRegister() // values are computed before any is assigned
                targets.append(.init(stateIndex: stateIndex[a.target], register: symbols[a.target] ?? -1,
                                     valueRegister: valueRegister, holdingRegister: holding, add: a.mode == .add))
            }
            var condition: Int?
            var watches: [Int] = []
            var risingOnly = false
            if case .when(let raw) = event.trigger {
                let c = raw.inliningFunctions(functions).simplified()
                condition = try eb.register(for: Self.rootFunction(c))
                // A condition made of comparisons joined by and/or/not is watched through each comparison
                // (continuous root functions, located in both directions); the condition itself is
                // evaluated at each stop. A persistent single comparison needs only its rising crossings.
                let atoms = Self.atoms(of: c)
                if atoms == [c] && event.persistent {
                    watches = [condition!]
                    risingOnly = true
                } else {
                    for a in atoms { watches.append(try eb.register(for: Self.rootFunction(a))) }
                }
            }
            var delay: Int?, priority: Int?
            if let d = event.delay { delay = try eb.register(for: d.inliningFunctions(functions).simplified()) }
            if let p = event.priority { priority = try eb.register(for: p.inliningFunctions(functions).simplified()) }
            compiledEvents.append(CompiledEvent(id: event.id, trigger: event.trigger, targets: targets, conditionRegister: condition,
                                                watchRegisters: watches, watchesRisingOnly: risingOnly,
                                                delayRegister: delay, priorityRegister: priority,
                                                useValuesFromTriggerTime: event.useValuesFromTriggerTime,
                                                persistent: event.persistent, initialValue: event.initialValue))
        }
        let eventRaw = eb.program
        events = compiledEvents

        // MARK: Initial assignments (evaluated once, below)
        var ib = eb.continuing()
        var assigns: [(target: Int, value: Int)] = []
        var assigned: [String] = []
        for ia in model.initialAssignments {
            guard let target = symbols[ia.variable] else { continue }
            assigns.append((target, try ib.register(for: ia.expression.inliningFunctions(functions).simplified())))
            assigned.append(ia.variable)
        }
        let initialRaw = ib.program

        // MARK: Delayed expressions: each one's program is the slice of everything compiled that computes
        // it (a delayed expression may contain delays in turn, compiled as they come).
        var db = ib.continuing()
        var delayedResults: [Int] = []
        var k = 0
        while k < db.delayedExpressions.count {
            delayedResults.append(try db.register(for: db.delayedExpressions[k]))
            k += 1
        }
        let delayedExpressions = db.delayedExpressions
        var delayedPrograms: [Program] = []
        var preHistory = Program()
        var preHistoryAssignments: [(target: Int, value: Int)] = []
        if !delayedExpressions.isEmpty {
            var all = Program()
            all.instructions = mainRaw.instructions + jacobianRaw.instructions + eventRaw.instructions
                + initialRaw.instructions + db.program.instructions
            delayedPrograms = delayedResults.map { all.slice(computing: [Int32($0)]) }
            // Before the start, a value with an initial assignment that depends on time has that
            // assignment's value at the earlier time (as the SBML Test Suite reads it: x = sin(time)
            // initially means x has been sin(time) until the start).
            var timeDependent = Set<String>()
            var grew = true
            while grew {
                grew = false
                for ia in model.initialAssignments where !timeDependent.contains(ia.variable) {
                    let e = ia.expression.inliningFunctions(functions).substituting(inlinedObservables)
                    if e.referencesTime || e.symbols.contains(where: timeDependent.contains) {
                        timeDependent.insert(ia.variable)
                        grew = true
                    }
                }
            }
            preHistoryAssignments = zip(assigned, assigns).filter { timeDependent.contains($0.0) }.map(\.1)
            preHistory = all.slice(computing: Set(preHistoryAssignments.map { Int32($0.value) }))
            if preHistory.instructions.contains(where: { $0.op == .delay }) {
                throw CompileError(message: "an initial assignment depends both on time and on a delayed value; values before the start cannot be computed")
            }
        }

        // MARK: Fuse instruction pairs, counting every read of every register first
        registerCount = db.registerCount
        var reads = [Int](repeating: 0, count: registerCount)
        for program in [mainRaw, jacobianRaw, eventRaw, initialRaw] { program.countReads(into: &reads) }
        for r in symbols.values { reads[r] += 2 } // read by name (outputs, events, parameters)
        for r in sReg { reads[Int(r)] += 2 }
        for r in rules { reads[r.reg] += 2 }
        for r in variableTerms { reads[r.reg] += 2 }
        for r in jReg { reads[Int(r)] += 2 }
        for r in rates { reads[r] += 2 }
        for e in compiledEvents {
            for t in e.targets { reads[t.valueRegister] += 2 }
            if let c = e.conditionRegister { reads[c] += 2 }
            if let d = e.delayRegister { reads[d] += 2 }
            for w in e.watchRegisters { reads[w] += 2 }
            if let p = e.priorityRegister { reads[p] += 2 }
        }
        for a in assigns { reads[a.value] += 2 }
        mainProgram = mainRaw.fused(useCount: reads)
        jacobianProgram = jacobianRaw.fused(useCount: reads)
        eventProgram = eventRaw.fused(useCount: reads)
        let initialProgram = initialRaw.fused(useCount: reads)
        initialAssignmentProgram = initialProgram
        initialAssignmentTargets = assigns

        // MARK: Register file
        var initial = [Double](repeating: 0, count: registerCount)
        for s in model.species { initial[symbols[s.id]!] = s.initialValue }
        for p in model.parameters { initial[symbols[p.id]!] = p.value }
        for c in model.compartments { initial[symbols[c.id]!] = c.size }
        for (r, v) in db.constants { initial[r] = v }
        if hasDelays { initial[startedRegister] = 1 }
        registers = .allocate(capacity: registerCount)
        registers.initialize(from: initial, count: registerCount)

        // Delays: how deeply delayed expressions nest (each level needs its own scratch registers).
        let delayRuntime: DelayRuntime?
        if !delayedExpressions.isEmpty {
            var depth = [Int?](repeating: nil, count: delayedExpressions.count)
            var visiting = Set<Int>()
            func depthOf(_ k: Int) throws(CompileError) -> Int {
                if let d = depth[k] { return d }
                guard visiting.insert(k).inserted else {
                    throw CompileError(message: "delayed value '\(delayedExpressions[k])' depends on its own delayed value")
                }
                var d = 1
                for ins in delayedPrograms[k].instructions where ins.op == .delay { d = max(d, 1 + (try depthOf(Int(ins.c)))) }
                visiting.remove(k)
                depth[k] = d
                return d
            }
            var deepest = 1
            for k in delayedExpressions.indices { deepest = max(deepest, try depthOf(k)) }
            var taus: [Int] = []
            for program in [mainRaw, eventRaw] {
                for ins in program.instructions where ins.op == .delay { taus.append(Int(ins.a)) }
            }
            delayRuntime = DelayRuntime(programs: delayedPrograms, results: delayedResults, depth: deepest,
                                  registerCount: registerCount, stateRegisters: names.map { Int32(symbols[$0]!) },
                                  startedRegister: startedRegister, tauRegisters: taus,
                                  preHistory: preHistory, preHistoryAssignments: preHistoryAssignments)
        } else {
            delayRuntime = nil
        }
        delays = delayRuntime

        // Initial assignments (and the observables they may read), propagated to a fixed point.
        if !assigns.isEmpty {
            for _ in 0...assigns.count {
                // The initial assignments' program shares registers with the Jacobian's (both continue the
                // main builder), so both run before it: a sub-expression only the Jacobian computes
                // would otherwise be read as 0.
                if let delayRuntime {
                    delayRuntime.run(mainProgram, registers)
                    delayRuntime.run(jacobianProgram, registers)
                    delayRuntime.run(initialProgram, registers)
                } else {
                    mainProgram.run(registers)
                    jacobianProgram.run(registers)
                    initialProgram.run(registers)
                }
                for (target, value) in assigns { registers[target] = registers[value] }
            }
            for i in 0..<registerCount { initial[i] = registers[i] }
        }
        initialRegisters = initial
        initialState = names.map { initial[symbols[$0]!] }

        func buffer<T>(_ a: [T]) -> UnsafeMutableBufferPointer<T> {
            let b = UnsafeMutableBufferPointer<T>.allocate(capacity: max(a.count, 1))
            _ = b.initialize(from: a)
            return b
        }
        stateRegisters = buffer(names.map { Int32(symbols[$0]!) })
        let byRow = sRow.indices.sorted { (sRow[$0], $0) < (sRow[$1], $1) }
        stoichRow = buffer(byRow.map { sRow[$0] })
        stoichRegister = buffer(byRow.map { sReg[$0] })
        stoichCoefficient = buffer(byRow.map { sCoef[$0] })
        ruleRow = buffer(rules.map { Int32($0.row) })
        ruleRegister = buffer(rules.map { Int32($0.reg) })
        termRow = buffer(variableTerms.map { Int32($0.row) })
        termRegister = buffer(variableTerms.map { Int32($0.reg) })
        termCount = variableTerms.count
        jacobianIndex = buffer(jIndex)
        jacobianRegister = buffer(jReg)
        jacobianCoefficient = buffer(jCoef)
        stoichCount = sRow.count
        ruleCount = rules.count
        jacobianCount = jIndex.count

        let usesTime = model.reactions.contains { $0.rateExpression.referencesTime || $0.variableStoichiometries.contains(where: \.referencesTime) }
            || model.observables.contains { $0.expression.referencesTime }
            || model.rateRules.contains { $0.expression.referencesTime }
            || model.functions.contains { $0.body.referencesTime }
        // A delayed value depends on time through the history.
        isAutonomous = !usesTime && !hasDelays
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

    deinit {
        registers.deallocate()
        for b in [stateRegisters, stoichRow, stoichRegister, ruleRow, ruleRegister, termRow, termRegister, jacobianIndex, jacobianRegister] { b.deallocate() }
        stoichCoefficient.deallocate()
        jacobianCoefficient.deallocate()
    }

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
