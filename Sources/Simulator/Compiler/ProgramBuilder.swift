import PathwayModel

/// Why a model could not be compiled (validation catches most of these first).
public struct CompileError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}

/// Builds one straight-line ``Program`` from expressions: registers for symbols are fixed in advance,
/// numbers become preset constant registers, and identical sub-expressions share one register
/// (common-subexpression elimination by structural hashing).
struct ProgramBuilder {
    private(set) var program = Program()
    private(set) var registerCount: Int
    /// Registers holding constants, with their values (preset once).
    private(set) var constants: [(register: Int, value: Double)] = []
    private var constantRegisters: [UInt64: Int] = [:]
    private var cache: [Expression: Int] = [:]
    let symbols: [String: Int]
    let timeRegister: Int
    /// Expressions read at earlier times (`delay(x, τ)`), by index (a delay instruction's `c`).
    private(set) var delayedExpressions: [Expression] = []
    private var delayedIndex: [Expression: Int] = [:]
    /// Register that is 1 when the values being computed are at or after the run's start, 0 before it
    /// (read by ``startedGuardFunction``); nil in models without delays.
    var startedRegister: Int?

    init(symbols: [String: Int], registerCount: Int, timeRegister: Int) {
        self.symbols = symbols
        self.registerCount = registerCount
        self.timeRegister = timeRegister
    }

    /// Continues from another builder's registers and cache, emitting into a fresh program
    /// (used for the Jacobian and event programs, which reuse the main program's results).
    func continuing() -> ProgramBuilder {
        var b = self
        b.program = Program()
        return b
    }

    mutating func newRegister() -> Int {
        registerCount += 1
        return registerCount - 1
    }

    mutating func constant(_ v: Double) -> Int {
        if let r = constantRegisters[v.bitPattern] { return r }
        let r = newRegister()
        constants.append((r, v))
        constantRegisters[v.bitPattern] = r
        return r
    }

    private mutating func emit(_ op: Instruction.Op, _ a: Int, _ b: Int = 0, _ c: Int = 0) -> Int {
        let d = newRegister()
        program.instructions.append(Instruction(op, d, a, b, c))
        return d
    }

    /// The functions of one argument that are one instruction each (``Program/scalar(_:_:_:_:)`` evaluates them).
    static let unaryFunctions: [String: Instruction.Op] = [
        "exp": .exp, "ln": .ln, "log10": .log10, "log2": .log2, "sqrt": .sqrt, "abs": .abs, "floor": .floor,
        "ceil": .ceil, "ceiling": .ceil, "factorial": .factorial, "sin": .sin, "cos": .cos, "tan": .tan,
        "asin": .asin, "arcsin": .asin, "acos": .acos, "arccos": .acos, "atan": .atan, "arctan": .atan,
        "sinh": .sinh, "cosh": .cosh, "tanh": .tanh, "sec": .sec, "csc": .csc, "cot": .cot, "not": .not,
    ]

    /// Emits code for `e` and returns the register that holds its value.
    mutating func register(for e: Expression) throws(CompileError) -> Int {
        if let r = cache[e] { return r }
        let r = try compile(e)
        cache[e] = r
        return r
    }

    /// Makes `register` hold `e`'s value (a copy when `e` is computed elsewhere).
    mutating func store(_ e: Expression, into target: Int) throws(CompileError) {
        let r = try register(for: e)
        program.instructions.append(Instruction(.copy, target, r))
        cache[e] = target
    }

    private mutating func compile(_ e: Expression) throws(CompileError) -> Int {
        switch e {
        case .number(let v): return constant(v)
        case .time: return timeRegister
        case .symbol(let s):
            guard let r = symbols[s] else { throw CompileError(message: "unknown name '\(s)'") }
            return r
        case .negate(let a): return emit(.neg, try register(for: a))
        case .binary(let op, let a, let b):
            if op == .power, case .number(let n) = b, n == n.rounded(), n >= 2, n <= 4 {
                // Small integer powers as products.
                let x = try register(for: a)
                let x2 = emit(.mul, x, x)
                if n == 2 { return x2 }
                if n == 3 { return emit(.mul, x2, x) }
                return emit(.mul, x2, x2)
            }
            let ra = try register(for: a), rb = try register(for: b)
            let code: Instruction.Op
            switch op {
            case .add: code = .add
            case .subtract: code = .sub
            case .multiply: code = .mul
            case .divide: code = .div
            case .power: code = .pow
            case .less: code = .lt
            case .lessEqual: code = .le
            case .greater: code = .gt
            case .greaterEqual: code = .ge
            case .equal: code = .eq
            case .notEqual: code = .ne
            case .and: code = .and
            case .or: code = .or
            }
            return emit(code, ra, rb)
        case .call(let f, let args):
            return try call(f, args)
        }
    }

    private mutating func call(_ f: String, _ args: [Expression]) throws(CompileError) -> Int {
        if f == delayFunction {
            // delay(x, τ): x is not computed here but at t − τ, from the history (see ``DelayRuntime``).
            guard args.count == 2 else { throw CompileError(message: "'delay' takes 2 arguments, not \(args.count)") }
            let tau = try register(for: args[1])
            let k: Int
            if let i = delayedIndex[args[0]] {
                k = i
            } else {
                k = delayedExpressions.count
                delayedExpressions.append(args[0])
                delayedIndex[args[0]] = k
            }
            return emit(.delay, tau, 0, k)
        }
        if f == startedGuardFunction {
            guard args.count == 1, let started = startedRegister else { throw CompileError(message: "unknown function '\(f)'") }
            return emit(.select, started, try register(for: args[0]), constant(0))
        }
        var regs: [Int] = []
        if f != "piecewise" {
            for a in args { regs.append(try register(for: a)) }
        }
        func unary(_ op: Instruction.Op) throws(CompileError) -> Int {
            guard regs.count == 1 else { throw CompileError(message: "'\(f)' takes 1 argument, not \(regs.count)") }
            return emit(op, regs[0])
        }
        func fold(_ op: Instruction.Op, empty: Double) -> Int {
            guard var acc = regs.first else { return constant(empty) }
            for r in regs.dropFirst() { acc = emit(op, acc, r) }
            return acc
        }
        func chain(_ op: Instruction.Op) -> Int {
            // lt(a, b, c) means a < b && b < c.
            var acc = emit(op, regs[0], regs[1])
            for i in 1..<(regs.count - 1) { acc = emit(.and, acc, emit(op, regs[i], regs[i + 1])) }
            return acc
        }
        if let op = Self.unaryFunctions[f] { return try unary(op) }
        switch f {
        case "log":
            // SBML Level 3 infix: log(x) is the base-10 logarithm; log(b, x) the base-b one.
            if regs.count == 1 { return emit(.log10, regs[0]) }
            return emit(.div, emit(.ln, regs[1]), emit(.ln, regs[0]))
        case "root":
            if regs.count == 1 { return emit(.sqrt, regs[0]) }
            return emit(.pow, regs[1], emit(.div, constant(1), regs[0]))
        case "pow", "power": return emit(.pow, regs[0], regs[1])
        case "min": return fold(.min, empty: .nan)
        case "max": return fold(.max, empty: .nan)
        case "plus": return fold(.add, empty: 0)
        case "times": return fold(.mul, empty: 1)
        case "minus": return regs.count == 1 ? emit(.neg, regs[0]) : emit(.sub, regs[0], regs[1])
        case "divide": return emit(.div, regs[0], regs[1])
        case "quotient": return emit(.quotient, regs[0], regs[1])
        case "rem": return emit(.rem, regs[0], regs[1])
        case "and": return fold(.and, empty: 1)
        case "or": return fold(.or, empty: 0)
        case "xor": return fold(.xor, empty: 0)
        case "implies": return emit(.or, emit(.not, regs[0]), regs[1])
        case "lt": return chain(.lt)
        case "leq": return chain(.le)
        case "gt": return chain(.gt)
        case "geq": return chain(.ge)
        case "eq": return chain(.eq)
        case "neq": return emit(.ne, regs[0], regs[1])
        case "piecewise":
            // piecewise(v1, c1, v2, c2, …, otherwise): the first value whose condition holds.
            var result = args.count % 2 == 1 ? try register(for: args[args.count - 1]) : constant(.nan)
            var i = (args.count / 2) * 2 - 2
            while i >= 0 {
                let v = try register(for: args[i]), c = try register(for: args[i + 1])
                result = emit(.select, c, v, result)
                i -= 2
            }
            return result
        default:
            throw CompileError(message: "unknown function '\(f)'")
        }
    }
}
