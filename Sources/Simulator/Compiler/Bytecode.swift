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
@usableFromInline
struct Program: Sendable {
    @usableFromInline var instructions: [Instruction] = []

    var count: Int { instructions.count }

    /// Runs every instruction in order on `r`.
    @inlinable
    func run(_ r: UnsafeMutablePointer<Double>) {
        instructions.withUnsafeBufferPointer { code in
            for ins in code {
                let a = r[Int(ins.a)]
                let value: Double
                switch ins.op {
                case .copy: value = a
                case .add: value = a + r[Int(ins.b)]
                case .sub: value = a - r[Int(ins.b)]
                case .mul: value = a * r[Int(ins.b)]
                case .div: value = a / r[Int(ins.b)]
                case .pow: value = Foundation.pow(a, r[Int(ins.b)])
                case .neg: value = -a
                case .exp: value = Foundation.exp(a)
                case .ln: value = Foundation.log(a)
                case .log10: value = Foundation.log10(a)
                case .log2: value = Foundation.log2(a)
                case .sqrt: value = a.squareRoot()
                case .abs: value = Swift.abs(a)
                case .floor: value = a.rounded(.down)
                case .ceil: value = a.rounded(.up)
                case .sin: value = Foundation.sin(a)
                case .cos: value = Foundation.cos(a)
                case .tan: value = Foundation.tan(a)
                case .asin: value = Foundation.asin(a)
                case .acos: value = Foundation.acos(a)
                case .atan: value = Foundation.atan(a)
                case .sinh: value = Foundation.sinh(a)
                case .cosh: value = Foundation.cosh(a)
                case .tanh: value = Foundation.tanh(a)
                case .sec: value = 1 / Foundation.cos(a)
                case .csc: value = 1 / Foundation.sin(a)
                case .cot: value = 1 / Foundation.tan(a)
                case .min: value = Swift.min(a, r[Int(ins.b)])
                case .max: value = Swift.max(a, r[Int(ins.b)])
                case .lt: value = a < r[Int(ins.b)] ? 1 : 0
                case .le: value = a <= r[Int(ins.b)] ? 1 : 0
                case .gt: value = a > r[Int(ins.b)] ? 1 : 0
                case .ge: value = a >= r[Int(ins.b)] ? 1 : 0
                case .eq: value = a == r[Int(ins.b)] ? 1 : 0
                case .ne: value = a != r[Int(ins.b)] ? 1 : 0
                case .and: value = (a != 0 && r[Int(ins.b)] != 0) ? 1 : 0
                case .or: value = (a != 0 || r[Int(ins.b)] != 0) ? 1 : 0
                case .xor: value = ((a != 0) != (r[Int(ins.b)] != 0)) ? 1 : 0
                case .not: value = a == 0 ? 1 : 0
                case .select: value = a != 0 ? r[Int(ins.b)] : r[Int(ins.c)]
                case .factorial: value = Foundation.tgamma(a + 1)
                case .quotient: value = (a / r[Int(ins.b)]).rounded(.towardZero)
                case .rem: value = Foundation.fmod(a, r[Int(ins.b)])
                }
                r[Int(ins.dst)] = value
            }
        }
    }
}
