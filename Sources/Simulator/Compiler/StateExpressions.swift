import PathwayModel

/// Extra expressions of a compiled model's symbols (species, parameters, compartments, observables,
/// time), compiled the way its rates are, into their own program and register file, and evaluated at
/// given states without touching the model's programs.
///
/// A delayed value (`delay(x, τ)`) in one of the expressions evaluates to NaN: the history it needs
/// belongs to a run, not to a single state.
final class StateExpressions {
    private let model: CompiledModel
    private let program: Program
    private let results: [Int]
    private let registers: UnsafeMutablePointer<Double>

    init(_ model: CompiledModel, expressions: [Expression]) throws(CompileError) {
        var builder = ProgramBuilder(symbols: model.symbolRegisters, registerCount: model.registerCount, timeRegister: 0)
        var results: [Int] = []
        results.reserveCapacity(expressions.count)
        for e in expressions { results.append(try builder.register(for: e)) }
        self.model = model
        self.results = results
        program = builder.program.scheduled()
        registers = .allocate(capacity: builder.registerCount)
        registers.initialize(repeating: 0, count: builder.registerCount)
        for (r, v) in builder.constants { registers[r] = v }
    }

    deinit { registers.deallocate() }

    /// The expressions' values at time `t` and `state` (``CompiledModel/dimension`` values, in
    /// ``CompiledModel/stateNames`` order); parameters not in the state have their current values.
    func values(t: Double, state: [Double]) -> [Double] {
        precondition(state.count == model.dimension, "a state of \(model.dimension) values is needed")
        if state.isEmpty {
            model.registers[0] = t
        } else {
            state.withUnsafeBufferPointer { model.load(t: t, y: $0.baseAddress!) }
        }
        model.run(model.mainProgram)
        registers.update(from: model.registers, count: model.registerCount)
        program.run(registers)
        return results.map { registers[$0] }
    }
}
