import PathwayModel

/// What the compiler's stages share: the model after its rewrites, lookups by id, the state vector's
/// layout and the symbols' registers.
struct CompileContext {
    /// The model as compiled: algebraic rules solved, `rateOf` expanded (guarded in models with delays).
    let model: Model
    /// Whether the model reads values at earlier times (`delay(x, τ)`).
    let hasDelays: Bool
    let functions: [String: FunctionDefinition]
    /// Each compartment's size.
    let volume: [String: Double]
    let speciesByID: [String: Species]
    /// Each reaction's net stoichiometry (``Reaction/netStoichiometry``, computed once).
    let netStoichiometries: [[(species: String, coefficient: Double)]]
    /// The state variables in state-vector order, which of them are concentrations or amounts, and
    /// each one's index.
    let stateNames: [String]
    let nonNegative: [Int]
    let stateIndex: [String: Int]
    /// Register of every named symbol (register 0 is time).
    let symbols: [String: Int]
    /// In models with delays, the register that says whether values are computed at or after the start.
    let startedRegister: Int
    /// Registers taken by time, the symbols and (with delays) the started flag.
    let symbolRegisterCount: Int
    /// The fast subsystems as the rewrite made them (``Model/fastEquilibria``).
    let fastEquilibria: [FastEquilibrium]

    /// `e` with the model's functions inlined, simplified.
    func inlined(_ e: Expression) -> Expression { e.inliningFunctions(functions).simplified() }

    /// The volume factor V_r / V_i of a reaction in compartment `reactionCompartment` (1 when its rate is
    /// an amount per time) acting on `species` (V_i = 1 for an amount-valued species).
    func volumeFactor(reaction reactionCompartment: String?, species s: Species) -> Double {
        let reactionVolume = reactionCompartment.flatMap { volume[$0] } ?? 1
        return reactionVolume / (s.amountValued ? 1 : (volume[s.compartment] ?? 1))
    }
}

/// The right-hand side's parts: observables in dependency order, each reaction's rate (register and
/// expression), the rate rules and the variable-stoichiometry terms (row, register, expression).
struct RightHandSideParts {
    var observables: [Observable]
    var rates: [Int]
    var rateExpressions: [Expression]
    var rules: [(row: Int, reg: Int, expression: Expression)]
    var variableTerms: [(row: Int, reg: Int, expression: Expression)]
}

/// One constant stoichiometric entry Nᵢⱼ · V_rⱼ / V_i: state row i, reaction j.
struct StoichiometricEntry {
    var row: Int
    var reaction: Int
    var coefficient: Double
}

/// The Jacobian's program and its entries: J[index] += coefficient · register.
struct JacobianParts {
    var program: Program
    var index: [Int32] = []
    var register: [Int32] = []
    var coefficient: [Double] = []
    /// Each rate with observables and functions inlined (what is differentiated).
    var differentiableRates: [Expression]
    /// Each observable as an expression of species, parameters, compartments and time.
    var inlinedObservables: [String: Expression]
}

/// The initial assignments' program, their (target, value) registers and the variables they assign.
struct InitialAssignmentParts {
    var program: Program
    var assignments: [(target: Int, value: Int)]
    var assigned: [String]
}

/// The delayed expressions (`delay(x, τ)`'s x), the register of each one's result and the slice of the
/// compiled programs that computes it; the program and assignments that give values before the start.
struct DelayedParts {
    var expressions: [Expression] = []
    var results: [Int] = []
    var programs: [Program] = []
    var preHistory = Program()
    var preHistoryAssignments: [(target: Int, value: Int)] = []
}

/// The hot-path tables as arrays, before they move into ``CompiledStorage``.
struct CompiledTables {
    var stateRegisters: [Int32]
    /// Constant stoichiometry, sorted by row.
    var stoichRow: [Int32], stoichRegister: [Int32], stoichCoefficient: [Double]
    var ruleRow: [Int32], ruleRegister: [Int32]
    var termRow: [Int32], termRegister: [Int32]
    var jacobianIndex: [Int32], jacobianRegister: [Int32], jacobianCoefficient: [Double]
}

/// Owns a compiled model's raw memory in one allocation, freed in `deinit` (as swift-crypto's owning
/// classes free their C objects): the register file, then the hot-path tables, which the inner loops
/// read through raw buffers without reference counting. The buffers are views into it, valid while it lives.
final class CompiledStorage {
    let registers: UnsafeMutablePointer<Double>
    let stoichCoefficient: UnsafeMutableBufferPointer<Double>
    let jacobianCoefficient: UnsafeMutableBufferPointer<Double>
    let stateRegisters: UnsafeMutableBufferPointer<Int32>
    let stoichRow: UnsafeMutableBufferPointer<Int32>
    let stoichRegister: UnsafeMutableBufferPointer<Int32>
    let ruleRow: UnsafeMutableBufferPointer<Int32>
    let ruleRegister: UnsafeMutableBufferPointer<Int32>
    let termRow: UnsafeMutableBufferPointer<Int32>
    let termRegister: UnsafeMutableBufferPointer<Int32>
    let jacobianIndex: UnsafeMutableBufferPointer<Int32>
    let jacobianRegister: UnsafeMutableBufferPointer<Int32>
    private let memory: UnsafeMutableRawPointer

    /// Copies `registers` and `tables` into one allocation (the `Double`s first, so every part is aligned).
    init(registers values: [Double], tables t: CompiledTables) {
        let doubles = values.count + t.stoichCoefficient.count + t.jacobianCoefficient.count
        let ints = [t.stateRegisters, t.stoichRow, t.stoichRegister, t.ruleRow, t.ruleRegister, t.termRow,
                    t.termRegister, t.jacobianIndex, t.jacobianRegister].reduce(0) { $0 + $1.count }
        let byteCount = doubles * MemoryLayout<Double>.stride + ints * MemoryLayout<Int32>.stride
        let memory = UnsafeMutableRawPointer.allocate(
            byteCount: max(1, byteCount), alignment: MemoryLayout<Double>.alignment)
        var offset = 0
        func place<T>(_ array: [T]) -> UnsafeMutableBufferPointer<T> {
            let start = (memory + offset).bindMemory(to: T.self, capacity: array.count)
            let buffer = UnsafeMutableBufferPointer(start: start, count: array.count)
            _ = buffer.initialize(from: array)
            offset += array.count * MemoryLayout<T>.stride
            return buffer
        }
        registers = place(values).baseAddress!
        stoichCoefficient = place(t.stoichCoefficient)
        jacobianCoefficient = place(t.jacobianCoefficient)
        stateRegisters = place(t.stateRegisters)
        stoichRow = place(t.stoichRow)
        stoichRegister = place(t.stoichRegister)
        ruleRow = place(t.ruleRow)
        ruleRegister = place(t.ruleRegister)
        termRow = place(t.termRow)
        termRegister = place(t.termRegister)
        jacobianIndex = place(t.jacobianIndex)
        jacobianRegister = place(t.jacobianRegister)
        self.memory = memory
    }

    deinit { memory.deallocate() }
}

extension CompiledModel {
    // MARK: Stages of the compiler

    /// The model's rewrites, then the state layout and the symbols' registers.
    ///
    /// Fast reactions become conserved totals and algebraic rules (``Model/resolvingFastReactions()``);
    /// algebraic rules become observables of their solutions (``Model/solvingAlgebraicRules()``); in a model
    /// with delays every rate of change read from the history before the run's start is 0; `rateOf(x)` becomes
    /// x's right-hand side (``Model/expandingRateOf()``). The state vector holds every non-constant species
    /// that reactions change (and is not a boundary species), has a rate rule or is an event's target, then
    /// every parameter with a rate rule or assigned by an event.
    static func context(for original: Model) throws(CompileError) -> CompileContext {
        var fast = FastReactionRewrite(original)
        let resolved = original.reactions.contains(where: \.fast) ? try fast.run() : original
        let source = try resolved.solvingAlgebraicRules()
        let hasDelays = source.usesDelay
        let guarded = hasDelays && source.usesRateOf ? source.guardingRateOf() : source
        let model = try guarded.expandingRateOf()

        let ruled = Set(model.rateRules.map(\.variable))
        let net = model.reactions.map(\.netStoichiometry)
        var changedByReactions = Set<String>()
        for (j, r) in model.reactions.enumerated() {
            for (species, coefficient) in net[j] where coefficient != 0 { changedByReactions.insert(species) }
            for t in r.reactants + r.products where t.expression != nil { changedByReactions.insert(t.species) }
        }
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
        if names.count > maximumDimension {
            throw CompileError(message: "the model has \(names.count) state variables; at most \(maximumDimension) are supported (its Jacobian is addressed in 32 bits)")
        }

        var symbols: [String: Int] = [:]
        var next = 1 // register 0 is time
        for s in model.species { symbols[s.id] = next; next += 1 }
        for p in model.parameters { symbols[p.id] = next; next += 1 }
        for c in model.compartments where symbols[c.id] == nil { symbols[c.id] = next; next += 1 }
        for o in model.observables { symbols[o.id] = next; next += 1 }
        let startedRegister = next
        if hasDelays { next += 1 }

        return CompileContext(
            model: model, hasDelays: hasDelays,
            functions: Dictionary(model.functions.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a }),
            volume: Dictionary(model.compartments.map { ($0.id, $0.size) }, uniquingKeysWith: { a, _ in a }),
            speciesByID: Dictionary(model.species.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a }),
            netStoichiometries: net, stateNames: names, nonNegative: nonNegative,
            stateIndex: Dictionary(uniqueKeysWithValues: names.enumerated().map { ($1, $0) }),
            symbols: symbols, startedRegister: startedRegister, symbolRegisterCount: next, fastEquilibria: fast.equilibria)
    }

    /// The main program: observables (in dependency order), reaction rates, rate rules, and each variable
    /// stoichiometry's term ±σⱼ(t, y) · (V_rⱼ / V_i) · rateⱼ, one register per term, added to species i's
    /// derivative (none in models with constant stoichiometry).
    static func rightHandSide(
        _ context: CompileContext, builder: inout ProgramBuilder
    ) throws(CompileError) -> RightHandSideParts {
        let model = context.model
        let orderedObservables = try dependencyOrder(model.observables)
        for o in orderedObservables {
            try builder.store(context.inlined(o.expression), into: context.symbols[o.id]!)
        }
        var rates: [Int] = []
        var rateExpressions: [Expression] = []
        for r in model.reactions {
            let e = context.inlined(r.rateExpression)
            rateExpressions.append(e)
            rates.append(try builder.register(for: e))
        }
        var rules: [(row: Int, reg: Int, expression: Expression)] = []
        for rr in model.rateRules {
            guard let row = context.stateIndex[rr.variable] else { continue }
            let e = context.inlined(rr.expression)
            rules.append((row, try builder.register(for: e), e))
        }
        var variableTerms: [(row: Int, reg: Int, expression: Expression)] = []
        for (j, r) in model.reactions.enumerated() {
            let terms = r.reactants.map { ($0, -1.0) } + r.products.map { ($0, 1.0) }
            for (t, sign) in terms {
                guard let stoichiometry = t.expression, let row = context.stateIndex[t.species],
                      let s = context.speciesByID[t.species], !s.boundary else { continue }
                let factor = sign * context.volumeFactor(reaction: r.compartment, species: s)
                let e = (Expression.number(factor) * stoichiometry.inliningFunctions(context.functions) * rateExpressions[j]).simplified()
                variableTerms.append((row, try builder.register(for: e), e))
            }
        }
        return RightHandSideParts(
            observables: orderedObservables, rates: rates, rateExpressions: rateExpressions, rules: rules,
            variableTerms: variableTerms)
    }

    /// The constant stoichiometry with volume factors: Nᵢⱼ · V_rⱼ / V_i for every species i a reaction j
    /// changes (neither fixed nor a boundary species).
    static func stoichiometry(_ context: CompileContext) -> [StoichiometricEntry] {
        var entries: [StoichiometricEntry] = []
        for (j, r) in context.model.reactions.enumerated() {
            for (name, c) in context.netStoichiometries[j] where c != 0 {
                guard let row = context.stateIndex[name], let s = context.speciesByID[name], !s.boundary else { continue }
                // (c · V_r) / V_i, in that order, as the entries have always been computed.
                let reactionVolume = r.compartment.flatMap { context.volume[$0] } ?? 1
                let speciesVolume = s.amountValued ? 1 : (context.volume[s.compartment] ?? 1)
                entries.append(StoichiometricEntry(row: row, reaction: j, coefficient: c * reactionVolume / speciesVolume))
            }
        }
        return entries
    }

    /// The Jacobian program, by symbolic differentiation: Jᵢₖ = Σⱼ Nᵢⱼ (V_rⱼ / V_i) ∂rateⱼ/∂yₖ
    /// + Σ ∂termᵢ/∂yₖ (variable stoichiometries) + ∂ruleᵢ/∂yₖ (rate rules), with observables and functions
    /// inlined so that every dependence on the state is seen; zero partials are dropped.
    static func jacobian(
        _ context: CompileContext, rhs: RightHandSideParts, stoichiometry: [StoichiometricEntry],
        builder: inout ProgramBuilder
    ) throws(CompileError) -> JacobianParts {
        var inlinedObservables: [String: Expression] = [:]
        for o in rhs.observables {
            inlinedObservables[o.id] = o.expression.inliningFunctions(context.functions).substituting(inlinedObservables).simplified()
        }
        builder = builder.continuing()
        let n = context.stateNames.count
        let fullRates = rhs.rateExpressions.map { $0.substituting(inlinedObservables) }
        var parts = JacobianParts(program: Program(), differentiableRates: fullRates, inlinedObservables: inlinedObservables)
        var partials: [Int: [(column: Int, register: Int)]] = [:] // reaction → nonzero partials
        for (j, full) in fullRates.enumerated() {
            for name in full.symbols {
                guard let column = context.stateIndex[name] else { continue }
                let d = full.derivative(with: name)
                if case .number(0) = d { continue }
                partials[j, default: []].append((column, try builder.register(for: d)))
            }
        }
        for entry in stoichiometry {
            for p in partials[entry.reaction] ?? [] {
                parts.index.append(Int32(entry.row * n + p.column))
                parts.register.append(Int32(p.register))
                parts.coefficient.append(entry.coefficient)
            }
        }
        for term in rhs.variableTerms + rhs.rules {
            let full = term.expression.substituting(inlinedObservables)
            for name in full.symbols {
                guard let column = context.stateIndex[name] else { continue }
                let d = full.derivative(with: name)
                if case .number(0) = d { continue }
                parts.index.append(Int32(term.row * n + column))
                parts.register.append(Int32(try builder.register(for: d)))
                parts.coefficient.append(1)
            }
        }
        parts.program = builder.program
        return parts
    }

    /// The event program: for every event, the values its assignments compute (each with a holding
    /// register, since all are computed before any is assigned), its trigger's root functions, delay and
    /// priority.
    ///
    /// A condition made of comparisons joined by and/or/not is watched through each comparison
    /// (continuous root functions, located in both directions); the condition itself is evaluated at each
    /// stop. A persistent single comparison needs only its rising crossings.
    static func events(_ context: CompileContext, builder: inout ProgramBuilder) throws(CompileError) -> [CompiledEvent] {
        builder = builder.continuing()
        var compiled: [CompiledEvent] = []
        for event in context.model.events {
            var targets: [CompiledEvent.Target] = []
            for a in event.assignments {
                let valueRegister = try builder.register(for: context.inlined(a.value))
                let holding = builder.newRegister()
                targets.append(.init(stateIndex: context.stateIndex[a.target], register: context.symbols[a.target] ?? -1,
                                     valueRegister: valueRegister, holdingRegister: holding, add: a.mode == .add))
            }
            var condition: Int?
            var watches: [Int] = []
            var risingOnly = false
            if case .when(let raw) = event.trigger {
                let c = context.inlined(raw)
                condition = try builder.register(for: rootFunction(c))
                let atoms = Self.atoms(of: c)
                if atoms == [c] && event.persistent {
                    watches = [condition!]
                    risingOnly = true
                } else {
                    for a in atoms { watches.append(try builder.register(for: rootFunction(a))) }
                }
            }
            var delay: Int?, priority: Int?
            if let d = event.delay { delay = try builder.register(for: context.inlined(d)) }
            if let p = event.priority { priority = try builder.register(for: context.inlined(p)) }
            compiled.append(CompiledEvent(id: event.id, trigger: event.trigger, targets: targets, conditionRegister: condition,
                                          watchRegisters: watches, watchesRisingOnly: risingOnly,
                                          delayRegister: delay, priorityRegister: priority,
                                          useValuesFromTriggerTime: event.useValuesFromTriggerTime,
                                          persistent: event.persistent, initialValue: event.initialValue))
        }
        return compiled
    }

    /// The conditions of switched algebraic rules (``AlgebraicRule/Switch``), one register per rule of
    /// the model's algebraic rules (−1: always on), appended to the event program.
    static func algebraicSwitches(_ context: CompileContext, builder: inout ProgramBuilder) throws(CompileError) -> [Int] {
        var registers: [Int] = []
        for rule in context.model.algebraicRules {
            guard let s = rule.switch else { registers.append(-1); continue }
            registers.append(try builder.register(for: context.inlined(s.condition)))
        }
        return registers
    }

    /// The initial assignments' program (evaluated once, in ``settleInitialAssignments``).
    static func initialAssignments(
        _ context: CompileContext, builder: inout ProgramBuilder
    ) throws(CompileError) -> InitialAssignmentParts {
        builder = builder.continuing()
        var assignments: [(target: Int, value: Int)] = []
        var assigned: [String] = []
        for ia in context.model.initialAssignments {
            guard let target = context.symbols[ia.variable] else { continue }
            assignments.append((target, try builder.register(for: context.inlined(ia.expression))))
            assigned.append(ia.variable)
        }
        return InitialAssignmentParts(program: builder.program, assignments: assignments, assigned: assigned)
    }

    /// The delayed expressions: each one's program is the slice of everything compiled that computes it
    /// (a delayed expression may contain delays in turn, compiled as they come).
    ///
    /// Before the start, a value with an initial assignment that depends on time has that assignment's
    /// value at the earlier time (as the SBML Test Suite reads it: x = sin(time) initially means x has been
    /// sin(time) until the start); such an assignment may not also read a delayed value.
    static func delayedExpressions(
        _ context: CompileContext, builder: inout ProgramBuilder, compiled: [Program],
        initialAssignments initial: InitialAssignmentParts, inlinedObservables: [String: Expression]
    ) throws(CompileError) -> DelayedParts {
        builder = builder.continuing()
        var parts = DelayedParts()
        var k = 0
        while k < builder.delayedExpressions.count {
            parts.results.append(try builder.register(for: builder.delayedExpressions[k]))
            k += 1
        }
        parts.expressions = builder.delayedExpressions
        guard !parts.expressions.isEmpty else { return parts }
        var all = Program()
        all.instructions = compiled.flatMap(\.instructions) + builder.program.instructions
        parts.programs = parts.results.map { all.slice(computing: [Int32($0)]) }
        var timeDependent = Set<String>()
        var grew = true
        while grew {
            grew = false
            for ia in context.model.initialAssignments where !timeDependent.contains(ia.variable) {
                let e = ia.expression.inliningFunctions(context.functions).substituting(inlinedObservables)
                if e.referencesTime || e.symbols.contains(where: timeDependent.contains) {
                    timeDependent.insert(ia.variable)
                    grew = true
                }
            }
        }
        parts.preHistoryAssignments = zip(initial.assigned, initial.assignments).filter { timeDependent.contains($0.0) }.map(\.1)
        parts.preHistory = all.slice(computing: Set(parts.preHistoryAssignments.map { Int32($0.value) }))
        if parts.preHistory.instructions.contains(where: { $0.op == .delay }) {
            throw CompileError(message: "an initial assignment depends both on time and on a delayed value; values before the start cannot be computed")
        }
        return parts
    }

    /// How often each register is read, by the programs and (counted twice, so that it is never fused
    /// away) by name or from a table: symbols, stoichiometry, rules, terms, Jacobian entries, rates, events'
    /// registers and initial assignments' values.
    static func useCounts(
        registerCount: Int, programs: [Program], context: CompileContext, rhs: RightHandSideParts,
        stoichiometry: [StoichiometricEntry], jacobian: JacobianParts, events: [CompiledEvent],
        initialAssignments: [(target: Int, value: Int)], switches: [Int]
    ) -> [Int] {
        var reads = [Int](repeating: 0, count: registerCount)
        for program in programs { program.countReads(into: &reads) }
        for r in context.symbols.values { reads[r] += 2 }
        for entry in stoichiometry { reads[rhs.rates[entry.reaction]] += 2 }
        for r in rhs.rules { reads[r.reg] += 2 }
        for r in rhs.variableTerms { reads[r.reg] += 2 }
        for r in jacobian.register { reads[Int(r)] += 2 }
        for r in rhs.rates { reads[r] += 2 }
        for e in events {
            for t in e.targets { reads[t.valueRegister] += 2 }
            if let c = e.conditionRegister { reads[c] += 2 }
            if let d = e.delayRegister { reads[d] += 2 }
            for w in e.watchRegisters { reads[w] += 2 }
            if let p = e.priorityRegister { reads[p] += 2 }
        }
        for a in initialAssignments { reads[a.value] += 2 }
        for r in switches where r >= 0 { reads[r] += 2 }
        return reads
    }

    /// The hot-path tables: the state's registers; the constant stoichiometry sorted by row (stable, so
    /// that ``evaluate(t:y:dydt:)`` sums each row in the order the entries were made); rules; terms; the
    /// Jacobian's entries.
    static func tables(
        _ context: CompileContext, rhs: RightHandSideParts, stoichiometry: [StoichiometricEntry],
        jacobian: JacobianParts
    ) -> CompiledTables {
        let byRow = stoichiometry.indices.sorted { (stoichiometry[$0].row, $0) < (stoichiometry[$1].row, $1) }
        return CompiledTables(
            stateRegisters: context.stateNames.map { Int32(context.symbols[$0]!) },
            stoichRow: byRow.map { Int32(stoichiometry[$0].row) },
            stoichRegister: byRow.map { Int32(rhs.rates[stoichiometry[$0].reaction]) },
            stoichCoefficient: byRow.map { stoichiometry[$0].coefficient },
            ruleRow: rhs.rules.map { Int32($0.row) }, ruleRegister: rhs.rules.map { Int32($0.reg) },
            termRow: rhs.variableTerms.map { Int32($0.row) }, termRegister: rhs.variableTerms.map { Int32($0.reg) },
            jacobianIndex: jacobian.index, jacobianRegister: jacobian.register,
            jacobianCoefficient: jacobian.coefficient)
    }

    /// The register file before any run: species' initial values, parameters, compartment sizes, the
    /// builder's constants and (with delays) the started flag set.
    static func registerValues(_ context: CompileContext, builder: ProgramBuilder, count: Int) -> [Double] {
        var initial = [Double](repeating: 0, count: count)
        let model = context.model
        for s in model.species { initial[context.symbols[s.id]!] = s.initialValue }
        for p in model.parameters { initial[context.symbols[p.id]!] = p.value }
        for c in model.compartments { initial[context.symbols[c.id]!] = c.size }
        for (r, v) in builder.constants { initial[r] = v }
        if context.hasDelays { initial[context.startedRegister] = 1 }
        return initial
    }

    /// The delays' runtime (nil in models without delays), with how deeply delayed expressions nest (each
    /// level needs its own scratch registers) and the τ registers `programs` read.
    static func delayRuntime(
        _ context: CompileContext, delayed: DelayedParts, programs: [Program], registerCount: Int
    ) throws(CompileError) -> DelayRuntime? {
        guard !delayed.expressions.isEmpty else { return nil }
        var depth = [Int?](repeating: nil, count: delayed.expressions.count)
        var visiting = Set<Int>()
        func depthOf(_ k: Int) throws(CompileError) -> Int {
            if let d = depth[k] { return d }
            guard visiting.insert(k).inserted else {
                throw CompileError(message: "delayed value '\(delayed.expressions[k])' depends on its own delayed value")
            }
            var d = 1
            for ins in delayed.programs[k].instructions where ins.op == .delay { d = max(d, 1 + (try depthOf(Int(ins.c)))) }
            visiting.remove(k)
            depth[k] = d
            return d
        }
        var deepest = 1
        for k in delayed.expressions.indices { deepest = max(deepest, try depthOf(k)) }
        var taus: [Int] = []
        for program in programs {
            for ins in program.instructions where ins.op == .delay { taus.append(Int(ins.a)) }
        }
        return DelayRuntime(programs: delayed.programs, results: delayed.results, depth: deepest,
                            registerCount: registerCount,
                            stateRegisters: context.stateNames.map { Int32(context.symbols[$0]!) },
                            startedRegister: context.startedRegister, tauRegisters: taus,
                            preHistory: delayed.preHistory, preHistoryAssignments: delayed.preHistoryAssignments)
    }

    /// Initial assignments (and the observables they may read), propagated to a fixed point: k + 1 rounds
    /// for k assignments, enough for any chain of assignments reading one another. Returns the register
    /// file afterwards (the values before any run).
    static func settleInitialAssignments(
        _ assignments: [(target: Int, value: Int)], main: Program, jacobian: Program, initial: Program, delays: DelayRuntime?,
        registers: UnsafeMutablePointer<Double>, count: Int
    ) -> [Double] {
        if !assignments.isEmpty {
            for _ in 0...assignments.count {
                // The initial assignments' program shares registers with the Jacobian's (both continue the
                // main builder), so both run before it: a sub-expression only the Jacobian computes
                // would otherwise be read as 0.
                if let delays {
                    delays.run(main, registers)
                    delays.run(jacobian, registers)
                    delays.run(initial, registers)
                } else {
                    main.run(registers)
                    jacobian.run(registers)
                    initial.run(registers)
                }
                for (target, value) in assignments { registers[target] = registers[value] }
            }
        }
        return Array(UnsafeBufferPointer(start: registers, count: count))
    }

    /// Whether any rate, stoichiometry, observable, rate rule or function reads time.
    static func usesTime(_ model: Model) -> Bool {
        model.reactions.contains { $0.rateExpression.referencesTime || $0.variableStoichiometries.contains(where: \.referencesTime) }
            || model.observables.contains { $0.expression.referencesTime }
            || model.rateRules.contains { $0.expression.referencesTime }
            || model.functions.contains { $0.body.referencesTime }
    }
}
