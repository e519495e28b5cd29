import Foundation
import PathwayModel

/// How species values become molecule counts for a stochastic simulation.
public enum CountConversion: String, Sendable, CaseIterable {
    /// Avogadro's number when the model's units are molar (nM, µM, …), else the values as they stand.
    case auto
    /// Amounts (concentration × compartment size, in the model's units) times Avogadro's number.
    case avogadro
    /// Amounts as they stand are counts (SBML stochastic models in `item`s, or dimensionless ones).
    case asIs = "as-is"
}

/// A model compiled for Gillespie's stochastic simulation: reaction channels with their propensities,
/// the change each makes to the molecule counts, and which channels each firing touches.
///
/// Counts: a species' count is its amount in molecules, `value · M` for an amount-valued species and
/// `value · M · V` for a concentration in a compartment of size V, with M the molecules in one of the
/// model's amount units (Avogadro's number × the unit, or 1 when values are counts as they stand).
///
/// Propensities: a reaction whose rate v is in concentration per time in a compartment of size V_r (in
/// amount per time when it has no compartment) fires with propensity `a = v · V_r · M` per unit time,
/// species read as concentrations `x / (M · V)`. Mass action `k·Π[Xᵢ]^νᵢ` uses the falling factorials
/// `x(x − 1)…(x − ν + 1)` in place of powers: the stochastic rate constant of 2A → … is c = 2k/(M·V)
/// with `h = x(x − 1)/2` combinations, so a = k·x(x − 1)/(M·V) (Gillespie 1977, J. Phys. Chem. 81:2340).
/// A reversible mass-action reaction, or a reversible reaction whose rate is written `F − R`, becomes two
/// channels (F forward, R backward). Any other rate law is used as the propensity as it stands, as the
/// SBML stochastic test cases expect (they write `P·(P − 1)/2` out).
final class StochasticModel {
    let compiled: CompiledModel
    /// Channels: a reaction, or one direction of a reversible one.
    let channelCount: Int
    /// Per channel: the reaction's id, and whether this is its backward direction.
    let channelNames: [String]
    /// Per channel: where its reaction is written.
    let channelLocations: [SourceLocation]
    /// Per state component: molecules per unit of the model's value (1 for parameters).
    let scale: [Double]
    /// Per state component: whether it is a species count (rounded after events, checked for overflow).
    let isCount: [Bool]
    /// Per state component: its register.
    let stateRegister: UnsafeMutableBufferPointer<Int32>
    /// Register file of the propensity programs (the compiled model's layout, then ours).
    let registers: UnsafeMutablePointer<Double>
    let registerCount: Int
    private var initialOwnRegisters: [(Int, Double)]
    /// Owns the register file and the tables below (views into it).
    private let storage: StochasticStorage

    // Mass-action channels, computed natively: a = multiplier · r[constantRegister] · Π ff(x_k, order).
    /// 0: mass action (native), 1: a program's result.
    let kind: UnsafeMutableBufferPointer<UInt8>
    let multiplier: UnsafeMutableBufferPointer<Double>
    let valueRegister: UnsafeMutableBufferPointer<Int32>
    /// Up to three (state index, order) factors per channel; index −1 for none.
    let factorIndex: UnsafeMutableBufferPointer<Int32>
    let factorOrder: UnsafeMutableBufferPointer<Int32>
    /// Per general channel: its program (a slice computing `valueRegister`).
    let programs: [Program?]
    /// Rate constants of the mass-action channels (parameters only): rerun after events.
    let constantsProgram: Program

    // Changes: CSR over channels.
    let changeStart: UnsafeMutableBufferPointer<Int32>
    let changeIndex: UnsafeMutableBufferPointer<Int32>
    let changeDelta: UnsafeMutableBufferPointer<Double>
    // Dependency graph: channels whose propensity a firing changes (itself included), CSR.
    let dependentStart: UnsafeMutableBufferPointer<Int32>
    let dependent: UnsafeMutableBufferPointer<Int32>

    /// Whether an event condition changes with time between reaction events (then crossings are located).
    let triggersUseTime: Bool
    /// Lines stating how values became counts (for the output's header).
    let conversionNotes: [String]
    /// Molecules in one of the model's amount units (Avogadro's number × the unit, or 1).
    let moleculesPerAmount: Double

    /// Counts of more than 2⁵³ molecules cannot be held exactly.
    static let maximumCount = 9_007_199_254_740_992.0

    init(_ compiled: CompiledModel, counts conversion: CountConversion) throws(SimulationError) {
        self.compiled = compiled
        let model = compiled.model
        try Self.checkSupported(compiled)
        let inliner = try ExpressionInliner(model)
        let counts = try CountScale(compiled, conversion: conversion)
        scale = counts.scale
        isCount = counts.isCount
        moleculesPerAmount = counts.molecules

        var channels = ChannelBuilder(compiled, counts: counts, inliner: inliner)
        for r in model.reactions { try channels.add(r) }
        if channels.usesTime {
            throw Self.refuse("propensities that depend on time (exact SSA needs them constant between reaction events)")
        }
        channelCount = channels.names.count
        channelNames = channels.names
        channelLocations = channels.locations

        // Event conditions that change with time alone.
        triggersUseTime = model.events.contains { e in
            if case .when(let c) = e.trigger { return inliner.full(c).referencesTime }
            return false
        }

        // MARK: Programs and registers
        let all = channels.builder.program
        constantsProgram = all.slice(computing: Set(channels.constantRegisters))
        programs = channels.generalRegisters.map { r in r.map { all.slice(computing: [$0]) } }
        registerCount = channels.builder.registerCount
        initialOwnRegisters = channels.builder.constants.map { ($0.register, $0.value) }
        let graph = Self.dependencyGraph(changes: channels.changes, reads: channels.reads)
        let tables = StochasticStorage.channels(StochasticStorage.ChannelTables(
            registerCount: registerCount,
            stateRegister: compiled.stateNames.map { Int32(compiled.symbolRegisters[$0]!) },
            kind: channels.kinds, multiplier: channels.multipliers, valueRegister: channels.valueRegisters,
            factorIndex: channels.factorIndex, factorOrder: channels.factorOrder,
            changeStart: graph.changeStart, changeIndex: graph.changeIndex, changeDelta: graph.changeDelta,
            dependentStart: graph.dependentStart, dependent: graph.dependent))
        storage = tables.storage
        registers = tables.registers
        stateRegister = tables.stateRegister
        kind = tables.kind
        multiplier = tables.multiplier
        valueRegister = tables.valueRegister
        factorIndex = tables.factorIndex
        factorOrder = tables.factorOrder
        changeStart = tables.changeStart
        changeIndex = tables.changeIndex
        changeDelta = tables.changeDelta
        dependentStart = tables.dependentStart
        dependent = tables.dependent
        conversionNotes = counts.notes
    }

    static func refuse(_ what: String, at location: SourceLocation? = nil) -> SimulationError {
        SimulationError(message: "the stochastic simulation cannot honour \(what)", location: location)
    }

    /// What exact SSA cannot honour: fast reactions (an equilibrium at all times), algebraic rules
    /// solved as constraints, rate rules (continuous change), delays, variable or fractional
    /// stoichiometries.
    static func checkSupported(_ compiled: CompiledModel) throws(SimulationError) {
        let model = compiled.model
        if let e = compiled.fastEquilibria.first {
            let location = model.rateRules.first { compiled.internalNames.contains($0.variable) }?.location
                ?? model.algebraicRules.first { compiled.internalNames.contains($0.variable) }?.location
            throw refuse("the \(e.label) (held at equilibrium at all times, a deterministic limit that reactions firing one at a time do not have; drop 'fast: true' to simulate \(e.reactions.count == 1 ? "it" : "them") as ordinary reactions)", at: location)
        }
        if let rule = model.algebraicRules.first {
            throw refuse("the algebraic rule 0 = \(rule.expression) for '\(rule.variable)' (a constraint at all times, solved as a differential–algebraic system; SSA changes counts only by reactions and events)", at: rule.location)
        }
        if let rule = model.rateRules.first {
            let what = model.species.contains { $0.id == rule.variable } ? "species '\(rule.variable)'" : "'\(rule.variable)'"
            throw refuse("the rate rule on \(what) (a continuous change; SSA changes counts only by reactions and events)", at: rule.location)
        }
        if compiled.delays != nil {
            throw refuse("delay(): the model reads values at earlier times")
        }
        for r in model.reactions {
            for t in r.reactants + r.products {
                if t.expression != nil { throw refuse("the variable stoichiometry of '\(t.species)' in reaction '\(r.id)'", at: r.location) }
                if t.coefficient != t.coefficient.rounded() || t.coefficient < 0 {
                    throw refuse("the stoichiometry \(t.coefficient) of '\(t.species)' in reaction '\(r.id)' (molecules react in whole numbers)", at: r.location)
                }
            }
        }
    }

    /// The changes each channel makes (CSR: `changeStart[j]..<changeStart[j + 1]` into `changeIndex`,
    /// `changeDelta`) and the dependency graph: the channels whose propensity reads a count channel j
    /// changes, j itself included, sorted (Gibson & Bruck 2000).
    static func dependencyGraph(changes: [[(Int, Double)]], reads: [Set<Int>]) -> (
        changeStart: [Int32], changeIndex: [Int32], changeDelta: [Double], dependentStart: [Int32], dependent: [Int32]
    ) {
        var cStart: [Int32] = [0], cIndex: [Int32] = [], cDelta: [Double] = []
        for c in changes {
            for (k, d) in c { cIndex.append(Int32(k)); cDelta.append(d) }
            cStart.append(Int32(cIndex.count))
        }
        var readers: [Int: [Int]] = [:]
        for (j, set) in reads.enumerated() { for k in set { readers[k, default: []].append(j) } }
        var dStart: [Int32] = [0], deps: [Int32] = []
        for (j, c) in changes.enumerated() {
            var set = Set<Int>([j])
            for (k, _) in c { for i in readers[k] ?? [] { set.insert(i) } }
            deps += set.sorted().map(Int32.init)
            dStart.append(Int32(deps.count))
        }
        return (cStart, cIndex, cDelta, dStart, deps)
    }

    /// Loads the compiled model's registers (after its reset) and our constants.
    func resetRegisters() {
        registers.update(from: compiled.registers, count: compiled.registerCount)
        for (r, v) in initialOwnRegisters { registers[r] = v }
    }

    /// Channel j's propensity for the counts `x` (registers hold the model's values).
    @inline(__always)
    func propensity(_ j: Int, _ x: UnsafeMutablePointer<Double>) -> Double {
        if kind[j] == 0 {
            var a = multiplier[j] * registers[Int(valueRegister[j])]
            let base = j * 3
            for i in 0..<3 {
                let k = factorIndex[base + i]
                if k < 0 { break }
                let n = x[Int(k)]
                switch factorOrder[base + i] {
                case 1: a *= n
                case 2: a *= n * (n - 1)
                default: a *= n * (n - 1) * (n - 2)
                }
            }
            return a // falling factorials of whole counts are never negative
        }
        programs[j].unsafelyUnwrapped.run(registers)
        return registers[Int(valueRegister[j])]
    }
}

/// Expressions with the model's functions and observables inlined (what propensities and trigger
/// conditions are made of).
struct ExpressionInliner {
    let functions: [String: FunctionDefinition]
    let inlinedObservables: [String: Expression]

    init(_ model: Model) throws(SimulationError) {
        let functions = Dictionary(model.functions.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        var inlinedObservables: [String: Expression] = [:]
        do {
            for o in try CompiledModel.dependencyOrder(model.observables) {
                inlinedObservables[o.id] = o.expression.inliningFunctions(functions).substituting(inlinedObservables).simplified()
            }
        } catch { throw SimulationError(message: error.message) }
        self.functions = functions
        self.inlinedObservables = inlinedObservables
    }

    func full(_ e: Expression) -> Expression {
        e.inliningFunctions(functions).substituting(inlinedObservables).simplified()
    }
}

/// How values become counts: M molecules per amount unit (Avogadro's number × the unit when it is molar
/// and asked for, else 1), and each state variable's factor (M for an amount, M·V for a concentration in
/// a compartment of size V; 1 for what is not a species).
struct CountScale {
    let molecules: Double
    let notes: [String]
    let scale: [Double]
    let isCount: [Bool]
    let volumes: [String: Double]
    let stateIndex: [String: Int]
    let speciesByID: [String: Species]

    init(_ compiled: CompiledModel, conversion: CountConversion) throws(SimulationError) {
        let model = compiled.model
        let units = model.units
        let avogadro = 6.022_140_76e23
        var molecules = 1.0
        var notes: [String] = []
        let molar = units.concentration.molar
        let useAvogadro: Bool
        switch conversion {
        case .auto: useAvogadro = molar != nil
        case .avogadro:
            guard molar != nil else {
                throw SimulationError(message: "--counts avogadro needs molar units; the model's concentrations are in '\(units.concentration.rawValue)'")
            }
            useAvogadro = true
        case .asIs: useAvogadro = false
        }
        volumes = Dictionary(model.compartments.map { ($0.id, $0.size) }, uniquingKeysWith: { a, _ in a })
        let stateIndex = Dictionary(uniqueKeysWithValues: compiled.stateNames.enumerated().map { ($1, $0) })
        for c in model.compartments where stateIndex[c.id] != nil {
            throw StochasticModel.refuse("the changing size of compartment '\(c.id)'")
        }
        if useAvogadro, let molar {
            molecules = avogadro * molar * units.volume.litres
            let amount = "\(units.concentration.rawValue)·\(units.volume.rawValue)"
            notes.append("counts: amounts × Avogadro's number (6.02214076e23/mol): 1 \(amount) = \(shortNumber(molecules)) molecules")
            for c in model.compartments where model.species.contains(where: { $0.compartment == c.id && !$0.amountValued }) {
                notes.append("counts: 1 \(units.concentration.rawValue) in '\(c.id)' (\(shortNumber(c.size)) \(units.volume.rawValue)) = \(shortNumber(molecules * c.size)) molecules")
            }
        } else {
            notes.append("counts: amounts as they stand (in '\(units.concentration.rawValue)' × compartment size) are molecule counts")
        }
        self.molecules = molecules
        self.notes = notes
        self.stateIndex = stateIndex
        speciesByID = Dictionary(model.species.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        var scale: [Double] = [], isCount: [Bool] = []
        for name in compiled.stateNames {
            if let s = speciesByID[name] {
                scale.append(s.amountValued ? molecules : molecules * (volumes[s.compartment] ?? 1))
                isCount.append(true)
            } else {
                scale.append(1)
                isCount.append(false)
            }
        }
        self.scale = scale
        self.isCount = isCount
    }

    /// A species' factor: M for an amount, M·V for a concentration.
    func speciesScale(_ s: Species) -> Double { s.amountValued ? molecules : molecules * (volumes[s.compartment] ?? 1) }
}

/// The reaction channels as they are compiled: each one's name, location, kind (0 native product of
/// counts, 1 a compiled program), multiplier, value register, up to three count factors and their orders,
/// the counts it reads and the changes it makes.
struct ChannelBuilder {
    let counts: CountScale
    let inliner: ExpressionInliner
    var builder: ProgramBuilder
    var names: [String] = []
    var locations: [SourceLocation] = []
    var kinds: [UInt8] = [], multipliers: [Double] = [], valueRegisters: [Int32] = []
    var factorIndex: [Int32] = [], factorOrder: [Int32] = []
    var reads: [Set<Int>] = []
    var changes: [[(Int, Double)]] = []
    var constantRegisters: [Int32] = [], generalRegisters: [Int32?] = []
    var usesTime = false

    init(_ compiled: CompiledModel, counts: CountScale, inliner: ExpressionInliner) {
        self.counts = counts
        self.inliner = inliner
        builder = ProgramBuilder(symbols: compiled.symbolRegisters, registerCount: compiled.registerCount, timeRegister: 0)
    }

    /// Reaction r's channels: mass action natively (forward, and backward when reversible), a reversible
    /// `F − R` as two channels, any other rate as one.
    mutating func add(_ r: Reaction) throws(SimulationError) {
        defer { while locations.count < names.count { locations.append(r.location) } }
        var law = r.rateLaw
        var factor: Expression = .number(1)
        while case .scaled(let inner, let f) = law {
            factor = factor * f
            law = inner
        }
        let reactionScale = Expression.number(counts.molecules * (r.compartment.flatMap { counts.volumes[$0] } ?? 1))
        if case .massAction(let kf, let kr) = law {
            try massAction(r, factor * kf, r.reactants, name: r.id, sign: 1)
            if let kr { try massAction(r, factor * kr, r.products, name: r.id + " (backward)", sign: -1) }
            return
        }
        let e = inliner.full(r.rateExpression)
        if r.reversible, case .binary(.subtract, let f, let b) = e {
            try general((reactionScale * f).simplified(), name: r.id, changes: net(r, sign: 1))
            try general((reactionScale * b).simplified(), name: r.id + " (backward)", changes: net(r, sign: -1))
        } else {
            try general((reactionScale * e).simplified(), name: r.id, changes: net(r, sign: 1))
        }
    }

    /// The changes reaction r makes to the counts (sign −1 for its backward channel), boundary species aside.
    func net(_ r: Reaction, sign: Double) -> [(Int, Double)] {
        r.netStoichiometry.compactMap { name, c -> (Int, Double)? in
            guard c != 0, let k = counts.stateIndex[name], let s = counts.speciesByID[name], !s.boundary else { return nil }
            return (k, sign * c)
        }
    }

    mutating func compile(_ e: Expression) throws(SimulationError) -> Int {
        do { return try builder.register(for: e) } catch { throw SimulationError(message: error.message) }
    }

    /// A native channel: `multiplier · register · Π falling factorials of the counted factors`.
    mutating func appendNative(multiplier: Double, register reg: Int, factors: [(Int, Int)]) {
        kinds.append(0)
        multipliers.append(multiplier)
        valueRegisters.append(Int32(reg))
        constantRegisters.append(Int32(reg))
        generalRegisters.append(nil)
        for i in 0..<3 {
            factorIndex.append(i < factors.count ? Int32(factors[i].0) : -1)
            factorOrder.append(i < factors.count ? Int32(factors[i].1) : 0)
        }
        reads.append(Set(factors.map(\.0)))
    }

    /// A mass-action direction: `k · Π [X]^ν` over `terms`, natively when it can be (at most three species,
    /// each of order ≤ 3, a constant k), as `k·M·V_r / Π (M·V)^ν · Π x(x − 1)…(x − ν + 1)`.
    mutating func massAction(_ r: Reaction, _ k: Expression, _ terms: [StoichiometricTerm], name: String, sign: Double) throws(SimulationError) {
        let stateIndex = counts.stateIndex, speciesByID = counts.speciesByID
        let reactionScale = counts.molecules * (r.compartment.flatMap { counts.volumes[$0] } ?? 1)
        var constant = inliner.full(k)
        var factors: [(Int, Int)] = []
        var numeric = reactionScale
        var native = !constant.symbols.contains { speciesByID[$0] != nil || stateIndex[$0] != nil } && !constant.referencesTime
        var orders: [String: Int] = [:]
        var order: [String] = []
        for t in terms {
            if orders[t.species] == nil { order.append(t.species) }
            orders[t.species, default: 0] += Int(t.coefficient)
        }
        for name in order {
            let n = orders[name]!
            guard n > 0 else { continue }
            if let k = stateIndex[name], let s = speciesByID[name] {
                factors.append((k, n))
                numeric /= pow(counts.speciesScale(s), Double(n))
            } else {
                constant = constant * .binary(.power, .symbol(name), .number(Double(n)))
            }
        }
        if factors.count > 3 || factors.contains(where: { $0.1 > 3 }) { native = false }
        names.append(name)
        changes.append(net(r, sign: sign))
        if native {
            appendNative(multiplier: numeric, register: try compile(constant.simplified()), factors: factors)
        } else {
            // Powers as they stand, in concentrations (the same propensity for large counts).
            var e = Expression.number(reactionScale) * k
            for t in terms { e = e * .binary(.power, .symbol(t.species), .number(t.coefficient)) }
            try general(inliner.full(e), name: name, changes: nil)
        }
    }

    /// The factors of a product (`a·b·c`, `times(a, b)`).
    static func factorsOf(_ e: Expression) -> [Expression] {
        switch e {
        case .binary(.multiply, let a, let b): return factorsOf(a) + factorsOf(b)
        case .call("times", let args): return args.flatMap(factorsOf)
        default: return [e]
        }
    }

    /// A channel with any propensity e. A product of distinct counted species (each to the first power)
    /// and of things that events alone change runs natively, as mass action does: the same value, without
    /// the interpreter; anything else is a compiled program.
    mutating func general(_ e: Expression, name: String, changes change: [(Int, Double)]?) throws(SimulationError) {
        let stateIndex = counts.stateIndex
        if e.referencesTime { usesTime = true }
        if let change {
            names.append(name)
            changes.append(change)
        }
        var counted: [Int] = []
        var rest: [Expression] = []
        var numeric = 1.0
        var native = !e.referencesTime
        for f in Self.factorsOf(e) {
            if case .symbol(let s) = f, let k = stateIndex[s], counts.isCount[k] {
                if counted.contains(k) { native = false }
                counted.append(k)
                numeric /= counts.scale[k]
            } else if f.symbols.contains(where: { stateIndex[$0] != nil && counts.speciesByID[$0] != nil }) {
                native = false
            } else {
                rest.append(f)
            }
        }
        if native && counted.count <= 3 && change != nil {
            let reg = try compile(Expression.product(rest.isEmpty ? [.number(1)] : rest).simplified())
            appendNative(multiplier: numeric, register: reg, factors: counted.map { ($0, 1) })
            return
        }
        kinds.append(1)
        multipliers.append(1)
        let reg = try compile(e)
        valueRegisters.append(Int32(reg))
        generalRegisters.append(Int32(reg))
        for _ in 0..<3 { factorIndex.append(-1); factorOrder.append(0) }
        reads.append(Set(e.symbols.compactMap { stateIndex[$0] }))
    }
}

/// A number as Swift prints it, without a trailing `.0`.
func shortNumber(_ v: Double) -> String {
    if v == v.rounded() && abs(v) < 1e15 { return String(Int64(v)) }
    return String(format: "%.10g", v)
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
