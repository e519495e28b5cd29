import Foundation
import PathwayModel

/// A math construct the simulator has no counterpart for (`rateOf` of an expression, MathML it lacks, …).
struct UnsupportedMath: Error {
    var construct: String
}

/// Value of the `avogadro` csymbol as libSBML and the SBML Level 3 specification give it.
let sbmlAvogadro = 6.02214179e23

// MARK: - SBML → Expression

extension Expression {
    /// Converts SBML math (as libSBML read it) into an expression, renaming identifiers through `rename`.
    ///
    /// Built-ins map to the infix syntax's functions; relations and logic with two operands become
    /// binary operators (so that event triggers compile to continuous root functions); hyperbolic and
    /// inverse trigonometric functions the simulator lacks are written out (`coth x = 1/tanh x`, …).
    init(sbml node: MathNode, rename: (String) -> String) throws(UnsupportedMath) {
        self = try Self.convert(node, rename)
    }

    private static func convert(_ node: MathNode, _ rename: (String) -> String) throws(UnsupportedMath) -> Expression {
        switch node {
        case .number(let v): return .number(v)
        case .name(let n): return .symbol(rename(n))
        case .time: return .time
        case .avogadro: return .number(sbmlAvogadro)
        case .lambda: throw UnsupportedMath(construct: "lambda outside a function definition")
        case .unsupported(let what): throw UnsupportedMath(construct: "MathML '\(what)'")
        case .call(let f, let args):
            var converted: [Expression] = []
            for a in args { converted.append(try convert(a, rename)) }
            return .call(rename(f), converted)
        case .apply(let f, let args):
            var a: [Expression] = []
            for x in args { a.append(try convert(x, rename)) }
            return try builtin(f, a)
        }
    }

    private static func builtin(_ f: String, _ a: [Expression]) throws(UnsupportedMath) -> Expression {
        func one() throws(UnsupportedMath) -> Expression {
            guard a.count == 1 else { throw UnsupportedMath(construct: "'\(f)' with \(a.count) arguments") }
            return a[0]
        }
        func two() throws(UnsupportedMath) -> (Expression, Expression) {
            guard a.count == 2 else { throw UnsupportedMath(construct: "'\(f)' with \(a.count) arguments") }
            return (a[0], a[1])
        }
        let one_ = Expression.number(1)
        switch f {
        case "plus":
            return a.isEmpty ? .number(0) : .sum(a)
        case "times":
            return a.isEmpty ? .number(1) : .product(a)
        case "minus":
            if a.count == 1 { return .negate(a[0]) }
            let (x, y) = try two()
            return x - y
        case "divide":
            let (x, y) = try two()
            return x / y
        case "power":
            let (x, y) = try two()
            return .binary(.power, x, y)
        case "log":
            if a.count == 1 { return .call("log10", a) }
            let (base, x) = try two()
            if case .number(10) = base { return .call("log10", [x]) }
            return .call("log", [base, x])
        case "root":
            if a.count == 1 { return .call("sqrt", a) }
            let (degree, x) = try two()
            if case .number(2) = degree { return .call("sqrt", [x]) }
            return .call("root", [degree, x])
        case "exp", "ln", "abs", "floor", "factorial", "sin", "cos", "tan", "sec", "csc", "cot", "sinh", "cosh", "tanh":
            return .call(f, [try one()])
        case "ceiling": return .call("ceil", [try one()])
        case "arcsin": return .call("asin", [try one()])
        case "arccos": return .call("acos", [try one()])
        case "arctan": return .call("atan", [try one()])
        case "coth": return one_ / .call("tanh", [try one()])
        case "sech": return one_ / .call("cosh", [try one()])
        case "csch": return one_ / .call("sinh", [try one()])
        case "arcsec": return .call("acos", [one_ / (try one())])
        case "arccsc": return .call("asin", [one_ / (try one())])
        case "arccot": return .call("atan", [one_ / (try one())])
        case "arcsinh":
            let x = try one()
            return .call("ln", [x + .call("sqrt", [.binary(.power, x, .number(2)) + one_])])
        case "arccosh":
            let x = try one()
            return .call("ln", [x + .call("sqrt", [.binary(.power, x, .number(2)) - one_])])
        case "arctanh":
            let x = try one()
            return .number(0.5) * .call("ln", [(one_ + x) / (one_ - x)])
        case "arccoth":
            let x = try one()
            return .number(0.5) * .call("ln", [(x + one_) / (x - one_)])
        case "arcsech":
            let x = try one()
            return .call("ln", [(one_ + .call("sqrt", [one_ - .binary(.power, x, .number(2))])) / x])
        case "arccsch":
            let x = try one()
            return .call("ln", [one_ / x + .call("sqrt", [one_ / .binary(.power, x, .number(2)) + one_])])
        case "piecewise":
            return .call("piecewise", a)
        case "and", "or":
            if a.count == 2 { return .binary(f == "and" ? .and : .or, a[0], a[1]) }
            return .call(f, a)
        case "xor", "max", "min", "quotient", "rem", "implies":
            return .call(f, a)
        case "not":
            return .call("not", [try one()])
        case "lt", "leq", "gt", "geq", "eq", "neq":
            if a.count == 2 {
                let op: BinaryOperator = ["lt": .less, "leq": .lessEqual, "gt": .greater, "geq": .greaterEqual,
                                          "eq": .equal, "neq": .notEqual][f]!
                return .binary(op, a[0], a[1])
            }
            if a.count < 2 { return .number(1) } // a relation of fewer than two operands holds vacuously
            return .call(f, a)
        case "delay":
            // Kept as a call: the compiler looks x up in the run's history at t − τ.
            let (x, tau) = try two()
            return .call("delay", [x, tau])
        case "rateOf":
            // Kept as a call: the compiler replaces `rateOf(x)` by x's right-hand side.
            guard a.count == 1, case .symbol = a[0] else { throw UnsupportedMath(construct: "csymbol rateOf of an expression") }
            return .call("rateOf", a)
        default: throw UnsupportedMath(construct: "MathML '\(f)'")
        }
    }
}

// MARK: - Expression → SBML

extension MathNode {
    /// Writes an expression as SBML math. `log(x)` is base 10 (as the simulator reads it), `ln` natural.
    init(_ e: Expression) {
        self = Self.convert(e)
    }

    private static func convert(_ e: Expression) -> MathNode {
        switch e {
        case .number(let v):
            if v.isNaN { return .apply("divide", [.number(0), .number(0)]) }
            return .number(v)
        case .symbol(let s): return .name(s)
        case .time: return .time
        case .negate(let a): return .apply("minus", [convert(a)])
        case .binary(let op, let a, let b):
            let name: String
            switch op {
            case .add: name = "plus"
            case .subtract: name = "minus"
            case .multiply: name = "times"
            case .divide: name = "divide"
            case .power: name = "power"
            case .less: name = "lt"
            case .lessEqual: name = "leq"
            case .greater: name = "gt"
            case .greaterEqual: name = "geq"
            case .equal: name = "eq"
            case .notEqual: name = "neq"
            case .and: name = "and"
            case .or: name = "or"
            }
            return .apply(name, [convert(a), convert(b)])
        case .call(let f, let args):
            let a = args.map(convert)
            switch f {
            case "log10": return .apply("log", [.number(10)] + a)
            case "log2": return .apply("log", [.number(2)] + a)
            case "log": return a.count == 1 ? .apply("log", [.number(10)] + a) : .apply("log", a)
            case "sqrt": return .apply("root", [.number(2)] + a)
            case "root": return a.count == 1 ? .apply("root", [.number(2)] + a) : .apply("root", a)
            case "pow", "power": return .apply("power", a)
            case "ceil", "ceiling": return .apply("ceiling", a)
            case "asin", "arcsin": return .apply("arcsin", a)
            case "acos", "arccos": return .apply("arccos", a)
            case "atan", "arctan": return .apply("arctan", a)
            case "exp", "ln", "abs", "floor", "factorial", "sin", "cos", "tan", "sec", "csc", "cot", "sinh", "cosh", "tanh",
                 "piecewise", "rateOf", "delay", "and", "or", "xor", "not", "lt", "leq", "gt", "geq", "eq", "neq", "plus", "times", "minus",
                 "divide", "max", "min", "quotient", "rem", "implies":
                return .apply(f, a)
            default:
                return .call(f, a)
            }
        }
    }
}

// MARK: - Evaluation of constant expressions

/// Evaluates an expression whose symbols all have known values (`value(name)` non-nil); nil otherwise.
/// Used for what SBML computes once and the simulator holds fixed: compartment sizes and stoichiometries
/// set by initial assignments.
func evaluateConstant(_ e: Expression, functions: [String: FunctionDefinition], value: (String) -> Double?) -> Double? {
    // Function calls nested deeper than this are taken as recursion (libSBML refuses recursive
    // functions, but its check is skipped for very large models): not constant, and no stack overflow.
    var depth = 0
    func ev(_ e: Expression) -> Double? {
        switch e {
        case .number(let v): return v
        case .symbol(let s): return value(s)
        case .time: return 0
        case .negate(let a): return ev(a).map { -$0 }
        case .binary(let op, let a, let b):
            guard let x = ev(a), let y = ev(b) else { return nil }
            switch op {
            case .add: return x + y
            case .subtract: return x - y
            case .multiply: return x * y
            case .divide: return x / y
            case .power: return pow(x, y)
            case .less: return x < y ? 1 : 0
            case .lessEqual: return x <= y ? 1 : 0
            case .greater: return x > y ? 1 : 0
            case .greaterEqual: return x >= y ? 1 : 0
            case .equal: return x == y ? 1 : 0
            case .notEqual: return x != y ? 1 : 0
            case .and: return x != 0 && y != 0 ? 1 : 0
            case .or: return x != 0 || y != 0 ? 1 : 0
            }
        case .call(let f, let args):
            if let fd = functions[f], fd.arguments.count == args.count {
                guard depth < 1_000 else { return nil }
                depth += 1
                defer { depth -= 1 }
                return ev(fd.body.substituting(Dictionary(zip(fd.arguments, args), uniquingKeysWith: { a, _ in a })))
            }
            if f == "piecewise" {
                var i = 0
                while i + 1 < args.count {
                    guard let c = ev(args[i + 1]) else { return nil }
                    if c != 0 { return ev(args[i]) }
                    i += 2
                }
                return args.count % 2 == 1 ? ev(args[args.count - 1]) : nil
            }
            var v: [Double] = []
            for a in args {
                guard let x = ev(a) else { return nil }
                v.append(x)
            }
            switch (f, v.count) {
            case ("exp", 1): return exp(v[0])
            case ("ln", 1): return log(v[0])
            case ("log10", 1), ("log", 1): return log10(v[0])
            case ("log", 2): return log(v[1]) / log(v[0])
            case ("log2", 1): return log2(v[0])
            case ("sqrt", 1): return v[0].squareRoot()
            case ("root", 2): return pow(v[1], 1 / v[0])
            case ("pow", 2), ("power", 2): return pow(v[0], v[1])
            case ("abs", 1): return abs(v[0])
            case ("floor", 1): return v[0].rounded(.down)
            case ("ceil", 1), ("ceiling", 1): return v[0].rounded(.up)
            case ("factorial", 1): return tgamma(v[0] + 1)
            case ("sin", 1): return sin(v[0])
            case ("cos", 1): return cos(v[0])
            case ("tan", 1): return tan(v[0])
            case ("sinh", 1): return sinh(v[0])
            case ("cosh", 1): return cosh(v[0])
            case ("tanh", 1): return tanh(v[0])
            case ("asin", 1): return asin(v[0])
            case ("acos", 1): return acos(v[0])
            case ("atan", 1): return atan(v[0])
            case ("min", _) where !v.isEmpty: return v.min()
            case ("max", _) where !v.isEmpty: return v.max()
            case ("not", 1): return v[0] == 0 ? 1 : 0
            case ("and", _): return v.allSatisfy { $0 != 0 } ? 1 : 0
            case ("or", _): return v.contains { $0 != 0 } ? 1 : 0
            default: return nil
            }
        }
    }
    return ev(e)
}
