import Foundation

/// One operation of the compiled rate-law program: `registers[dst] = op(registers[a], registers[b], registers[c])`.
///
/// A model's expressions compile to a flat list of these over one register file (time, species,
/// parameters, compartments, constants and temporaries), so the right-hand side runs as a tight
/// loop with no look-ups by name and no allocation.
@usableFromInline
struct Instruction: Sendable {
    @usableFromInline
    enum Op: UInt8, Sendable {
        case copy, add, sub, mul, div, pow, neg
        case exp, ln, log10, log2, sqrt, abs, floor, ceil
        case sin, cos, tan, asin, acos, atan, sinh, cosh, tanh, sec, csc, cot
        case min, max
        case lt, le, gt, ge, eq, ne, and, or, xor, not
        /// `dst = a != 0 ? b : c`
        case select
        case factorial, quotient, rem
        // Fused forms of the commonest rate-law shapes (one dispatch instead of two).
        /// `a·b·c` (mass action of a bimolecular step)
        case mul3
        /// `a·b + c`
        case mulAdd
        /// `a·b − c` (forward minus reverse flux)
        case mulSub
        /// `c − a·b`
        case subMul
        /// `a / (b + c)` (Michaelis–Menten and Hill denominators)
        case divSum
        /// `dst = delayed expression c at time r[0] − r[a]` (SBML's `delay` csymbol): carried out by a
        /// ``DelayRuntime``, never by ``Program/run(_:)`` (which writes NaN).
        case delay
    }

    @usableFromInline var op: Op
    @usableFromInline var dst: Int32
    @usableFromInline var a: Int32
    @usableFromInline var b: Int32
    @usableFromInline var c: Int32

    init(_ op: Op, _ dst: Int, _ a: Int, _ b: Int = 0, _ c: Int = 0) {
        self.op = op
        self.dst = Int32(dst)
        self.a = Int32(a)
        self.b = Int32(b)
        self.c = Int32(c)
    }
}

/// A straight-line program over a register file.
///
/// After ``scheduled()``, instructions are ordered by dependency level and, within a level, by
/// operation, and runs of one operation form a group executed as one tight loop: one dispatch per
/// group instead of one per instruction. Instructions of one level never read each other's results,
/// so any order within a level is correct.
@usableFromInline
struct Program: Sendable {
    @usableFromInline var instructions: [Instruction] = []
    /// Runs of instructions sharing one operation: (operation, first index, one past the last).
    @usableFromInline var groups: [(op: Instruction.Op, start: Int, end: Int)] = []

    var count: Int { instructions.count }

    /// Runs every instruction in order on `r`.
    @inlinable
    func run(_ r: UnsafeMutablePointer<Double>) {
        instructions.withUnsafeBufferPointer { code in
            groups.withUnsafeBufferPointer { groups in
                for g in groups {
                    Program.run(g.op, code, g.start, g.end, r)
                }
            }
        }
    }

    @inlinable
    static func run(_ op: Instruction.Op, _ code: UnsafeBufferPointer<Instruction>, _ start: Int, _ end: Int,
                    _ r: UnsafeMutablePointer<Double>) {
        @inline(__always) func a(_ i: Int) -> Double { r[Int(code[i].a)] }
        @inline(__always) func b(_ i: Int) -> Double { r[Int(code[i].b)] }
        @inline(__always) func c(_ i: Int) -> Double { r[Int(code[i].c)] }
        @inline(__always) func set(_ i: Int, _ v: Double) { r[Int(code[i].dst)] = v }
        switch op {
        case .mul: for i in start..<end { set(i, a(i) * b(i)) }
        case .add: for i in start..<end { set(i, a(i) + b(i)) }
        case .sub: for i in start..<end { set(i, a(i) - b(i)) }
        case .div: for i in start..<end { set(i, a(i) / b(i)) }
        case .mul3: for i in start..<end { set(i, a(i) * b(i) * c(i)) }
        case .mulAdd: for i in start..<end { set(i, a(i) * b(i) + c(i)) }
        case .mulSub: for i in start..<end { set(i, a(i) * b(i) - c(i)) }
        case .subMul: for i in start..<end { set(i, c(i) - a(i) * b(i)) }
        case .divSum: for i in start..<end { set(i, a(i) / (b(i) + c(i))) }
        case .copy: for i in start..<end { set(i, a(i)) }
        case .neg: for i in start..<end { set(i, -a(i)) }
        case .pow:
            for i in start..<end {
                // Hill exponents are often whole numbers held in parameters.
                let x = a(i), e = b(i)
                set(i, e == 2 ? x * x : e == 1 ? x : Foundation.pow(x, e))
            }
        default:
            for i in start..<end { set(i, Program.scalar(op, a(i), b(i), c(i))) }
        }
    }

    /// The less common operations, one at a time.
    @inlinable
    static func scalar(_ op: Instruction.Op, _ a: Double, _ b: Double, _ c: Double) -> Double {
        switch op {
        case .copy: return a
        case .add: return a + b
        case .sub: return a - b
        case .mul: return a * b
        case .div: return a / b
        case .pow: return Foundation.pow(a, b)
        case .neg: return -a
        case .exp: return Foundation.exp(a)
        case .ln: return Foundation.log(a)
        case .log10: return Foundation.log10(a)
        case .log2: return Foundation.log2(a)
        case .sqrt: return a.squareRoot()
        case .abs: return Swift.abs(a)
        case .floor: return a.rounded(.down)
        case .ceil: return a.rounded(.up)
        case .sin: return Foundation.sin(a)
        case .cos: return Foundation.cos(a)
        case .tan: return Foundation.tan(a)
        case .asin: return Foundation.asin(a)
        case .acos: return Foundation.acos(a)
        case .atan: return Foundation.atan(a)
        case .sinh: return Foundation.sinh(a)
        case .cosh: return Foundation.cosh(a)
        case .tanh: return Foundation.tanh(a)
        case .sec: return 1 / Foundation.cos(a)
        case .csc: return 1 / Foundation.sin(a)
        case .cot: return 1 / Foundation.tan(a)
        case .min: return Swift.min(a, b)
        case .max: return Swift.max(a, b)
        case .lt: return a < b ? 1 : 0
        case .le: return a <= b ? 1 : 0
        case .gt: return a > b ? 1 : 0
        case .ge: return a >= b ? 1 : 0
        case .eq: return a == b ? 1 : 0
        case .ne: return a != b ? 1 : 0
        case .and: return (a != 0 && b != 0) ? 1 : 0
        case .or: return (a != 0 || b != 0) ? 1 : 0
        case .xor: return ((a != 0) != (b != 0)) ? 1 : 0
        case .not: return a == 0 ? 1 : 0
        case .select: return a != 0 ? b : c
        case .factorial: return Foundation.tgamma(a + 1)
        case .quotient: return (a / b).rounded(.towardZero)
        case .rem: return Foundation.fmod(a, b)
        case .mul3: return a * b * c
        case .mulAdd: return a * b + c
        case .mulSub: return a * b - c
        case .subMul: return c - a * b
        case .divSum: return a / (b + c)
        case .delay: return .nan // only a DelayRuntime can look values up in the history
        }
    }

    /// The instructions needed to compute `registers` (a backward slice), still scheduled and grouped.
    func slice(computing registers: Set<Int32>) -> Program {
        var needed = registers
        var keep = [Bool](repeating: false, count: instructions.count)
        for i in instructions.indices.reversed() where needed.contains(instructions[i].dst) {
            keep[i] = true
            for r in instructions[i].operands { needed.insert(r) }
        }
        var p = Program()
        p.instructions = instructions.indices.filter { keep[$0] }.map { instructions[$0] }
        return p.scheduled()
    }

    /// Orders instructions by dependency level, then by operation, and groups equal operations.
    func scheduled() -> Program {
        var level: [Int32: Int] = [:] // register written here → its level
        var leveled: [(level: Int, index: Int, ins: Instruction)] = []
        for (i, ins) in instructions.enumerated() {
            var l = 0
            for operand in ins.operands { if let k = level[operand] { l = Swift.max(l, k + 1) } }
            level[ins.dst] = l
            leveled.append((l, i, ins))
        }
        leveled.sort { x, y in
            if x.level != y.level { return x.level < y.level }
            if x.ins.op.rawValue != y.ins.op.rawValue { return x.ins.op.rawValue < y.ins.op.rawValue }
            return x.index < y.index
        }
        var p = Program()
        p.instructions = leveled.map(\.ins)
        guard !p.instructions.isEmpty else { return p }
        var start = 0
        for i in 1...p.instructions.count where i == p.instructions.count || p.instructions[i].op != p.instructions[start].op
            || leveled[i].level != leveled[start].level {
            p.groups.append((p.instructions[start].op, start, i))
            start = i
        }
        return p
    }
}

extension Instruction {
    /// The registers this instruction reads.
    var operands: [Int32] {
        switch op {
        case .copy, .neg, .exp, .ln, .log10, .log2, .sqrt, .abs, .floor, .ceil, .sin, .cos, .tan, .asin, .acos,
             .atan, .sinh, .cosh, .tanh, .sec, .csc, .cot, .not, .factorial, .delay:
            return [a] // a delay's c is the index of its delayed expression, not a register
        case .select, .mul3, .mulAdd, .mulSub, .subMul, .divSum:
            return [a, b, c]
        default:
            return [a, b]
        }
    }
}

extension Program {
    /// Fuses pairs of instructions whose intermediate result is read only by the second one:
    /// `mul(mul(x, y), z)` → `mul3`, `add(mul(x, y), z)` → `mulAdd`, `sub(mul(x, y), z)` → `mulSub`,
    /// `sub(z, mul(x, y))` → `subMul`, `div(x, add(y, z))` → `divSum`. `useCount[r]` counts every read
    /// of register r anywhere (all programs and tables); fused-away registers are never written.
    func fused(useCount: [Int]) -> Program {
        var producer: [Int32: Int] = [:] // register → index of the instruction writing it
        for (i, ins) in instructions.enumerated() { producer[ins.dst] = i }
        var removed = Set<Int>()
        var out = instructions
        func single(_ r: Int32, before i: Int, op: Instruction.Op) -> Instruction? {
            guard let p = producer[r], p < i, !removed.contains(p), out[p].op == op,
                  Int(r) < useCount.count, useCount[Int(r)] == 1 else { return nil }
            return out[p]
        }
        // Instruction i with the single-use product m that is one of its operands: `first`(m.a, m.b, other)
        // when m is its first operand, else `second`(m.a, m.b, other) when m is its second.
        func fuseProduct(_ i: Int, first: Instruction.Op, second: Instruction.Op) {
            let ins = out[i]
            if let m = single(ins.a, before: i, op: .mul) {
                out[i] = Instruction(first, Int(ins.dst), Int(m.a), Int(m.b), Int(ins.b))
                removed.insert(producer[ins.a]!)
            } else if let m = single(ins.b, before: i, op: .mul) {
                out[i] = Instruction(second, Int(ins.dst), Int(m.a), Int(m.b), Int(ins.a))
                removed.insert(producer[ins.b]!)
            }
        }
        for i in out.indices {
            let ins = out[i]
            switch ins.op {
            case .mul: fuseProduct(i, first: .mul3, second: .mul3)
            case .add: fuseProduct(i, first: .mulAdd, second: .mulAdd)
            case .sub: fuseProduct(i, first: .mulSub, second: .subMul)
            case .div:
                if let s = single(ins.b, before: i, op: .add) {
                    out[i] = Instruction(.divSum, Int(ins.dst), Int(ins.a), Int(s.a), Int(s.b))
                    removed.insert(producer[ins.b]!)
                }
            default: break
            }
        }
        var p = Program()
        p.instructions = out.enumerated().filter { !removed.contains($0.offset) }.map(\.element)
        return p.scheduled()
    }

    /// Adds one to `counts[r]` for every register this program reads.
    func countReads(into counts: inout [Int]) {
        for ins in instructions {
            for r in ins.operands { counts[Int(r)] += 1 }
        }
    }
}
