import Foundation
import PathwayModel

/// An expression resolved against a list of named slots, evaluated by walking the tree: PEtab's
/// observable and noise formulas and their derivatives, evaluated once per measurement (not a hot loop).
indirect enum Formula: Sendable {
    case constant(Double)
    case slot(Int)
    case negate(Formula)
    case binary(Expression.BinaryOperator, Formula, Formula)
    case call(String, [Formula])

    /// Resolves `e` against `slots` (a symbol's index); unknown symbols are an error naming them.
    init(_ e: Expression, slots: [String: Int]) throws(CalibrationError) {
        switch e {
        case .number(let v): self = .constant(v)
        case .time: throw CalibrationError(at: .synthetic("observable table"), "formulas of observables may not read time directly")
        case .symbol(let s):
            if let k = slots[s] { self = .slot(k) }
            else if let c = BuiltinFunction.constants[s] { self = .constant(c) }
            else { throw CalibrationError(at: .synthetic("observable table"), "unknown symbol '\(s)' in a formula") }
        case .negate(let a): self = .negate(try Formula(a, slots: slots))
        case .binary(let op, let a, let b): self = .binary(op, try Formula(a, slots: slots), try Formula(b, slots: slots))
        case .call(let f, let args):
            var out: [Formula] = []
            for a in args { out.append(try Formula(a, slots: slots)) }
            let known = ["exp", "ln", "log", "log10", "log2", "pow", "power", "sqrt", "abs", "piecewise", "min", "max",
                         "sin", "cos", "tan", "tanh", "sinh", "cosh", "floor", "ceil", "ceiling"]
            guard known.contains(f) else {
                throw CalibrationError(at: .synthetic("observable table"), "function '\(f)' is not supported in observable and noise formulas")
            }
            self = .call(f, out)
        }
    }

    func value(_ x: [Double]) -> Double {
        switch self {
        case .constant(let v): return v
        case .slot(let k): return x[k]
        case .negate(let a): return -a.value(x)
        case .binary(let op, let a, let b):
            let u = a.value(x), v = b.value(x)
            switch op {
            case .add: return u + v
            case .subtract: return u - v
            case .multiply: return u * v
            case .divide: return u / v
            case .power: return Foundation.pow(u, v)
            case .less: return u < v ? 1 : 0
            case .lessEqual: return u <= v ? 1 : 0
            case .greater: return u > v ? 1 : 0
            case .greaterEqual: return u >= v ? 1 : 0
            case .equal: return u == v ? 1 : 0
            case .notEqual: return u != v ? 1 : 0
            case .and: return u != 0 && v != 0 ? 1 : 0
            case .or: return u != 0 || v != 0 ? 1 : 0
            }
        case .call(let f, let args):
            let v = args.map { $0.value(x) }
            switch f {
            case "exp": return Foundation.exp(v[0])
            case "ln": return Foundation.log(v[0])
            case "log": return v.count == 1 ? Foundation.log10(v[0]) : Foundation.log(v[1]) / Foundation.log(v[0])
            case "log10": return Foundation.log10(v[0])
            case "log2": return Foundation.log2(v[0])
            case "pow", "power": return Foundation.pow(v[0], v[1])
            case "sqrt": return v[0].squareRoot()
            case "abs": return Swift.abs(v[0])
            case "min": return v.min() ?? .nan
            case "max": return v.max() ?? .nan
            case "sin": return Foundation.sin(v[0])
            case "cos": return Foundation.cos(v[0])
            case "tan": return Foundation.tan(v[0])
            case "tanh": return Foundation.tanh(v[0])
            case "sinh": return Foundation.sinh(v[0])
            case "cosh": return Foundation.cosh(v[0])
            case "floor": return Foundation.floor(v[0])
            case "ceil", "ceiling": return Foundation.ceil(v[0])
            case "piecewise":
                var i = 0
                while i + 1 < v.count {
                    if v[i + 1] != 0 { return v[i] }
                    i += 2
                }
                return v.count % 2 == 1 ? v[v.count - 1] : .nan
            default: return .nan
            }
        }
    }
}
