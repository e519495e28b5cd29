import Foundation
import PathwayModel

extension Expression {
    /// Constant folding and the algebraic identities that keep derivatives small:
    /// `0·x = 0`, `1·x = x`, `x + 0 = x`, `x^1 = x`, `x^0 = 1`, `--x = x`, `x/1 = x`, numeric sub-expressions evaluated.
    public func simplified() -> PathwayModel.Expression {
        rewritten { e in
            switch e {
            case .negate(.number(let v)): return .number(-v)
            case .negate(.negate(let a)): return a
            case .binary(let op, .number(let a), .number(let b)) where !op.isComparison && !op.isLogical:
                switch op {
                case .add: return .number(a + b)
                case .subtract: return .number(a - b)
                case .multiply: return .number(a * b)
                case .divide: return b == 0 ? e : .number(a / b)
                case .power: return .number(Foundation.pow(a, b))
                default: return e
                }
            case .binary(.add, .number(0), let x), .binary(.add, let x, .number(0)): return x
            case .binary(.subtract, let x, .number(0)): return x
            case .binary(.subtract, .number(0), let x): return .negate(x)
            case .binary(.multiply, .number(0), _), .binary(.multiply, _, .number(0)): return .number(0)
            case .binary(.multiply, .number(1), let x), .binary(.multiply, let x, .number(1)): return x
            case .binary(.multiply, .number(-1), let x), .binary(.multiply, let x, .number(-1)): return .negate(x)
            case .binary(.divide, .number(0), _): return .number(0)
            case .binary(.divide, let x, .number(1)): return x
            case .binary(.power, _, .number(0)): return .number(1)
            case .binary(.power, let x, .number(1)): return x
            case .binary(.add, let x, .negate(let y)): return .binary(.subtract, x, y)
            case .binary(.subtract, let x, .negate(let y)): return .binary(.add, x, y)
            default: return e
            }
        }
    }

    /// Replaces calls of the model's own functions by their bodies, with arguments substituted.
    public func inliningFunctions(_ functions: [String: FunctionDefinition]) -> PathwayModel.Expression {
        guard !functions.isEmpty else { return self }
        return rewritten { e in
            guard case .call(let name, let args) = e, let f = functions[name], f.arguments.count == args.count else { return e }
            let body = f.body.substituting(Dictionary(zip(f.arguments, args), uniquingKeysWith: { a, _ in a }))
            return body.inliningFunctions(functions)
        }
    }

    /// ∂self/∂x, simplified. Conditions (comparisons, piecewise conditions) are treated as locally
    /// constant, so a piecewise derivative is the piecewise of the branch derivatives.
    public func derivative(with x: String) -> PathwayModel.Expression {
        guard symbols.contains(x) else { return .number(0) }
        return rawDerivative(x).simplified()
    }

    private func rawDerivative(_ x: String) -> Expression {
        func d(_ e: Expression) -> Expression { e.symbols.contains(x) ? e.rawDerivative(x) : .number(0) }
        switch self {
        case .number, .time: return .number(0)
        case .symbol(let s): return .number(s == x ? 1 : 0)
        case .negate(let a): return .negate(d(a))
        case .binary(let op, let a, let b):
            switch op {
            case .add: return d(a) + d(b)
            case .subtract: return d(a) - d(b)
            case .multiply: return (d(a) * b + a * d(b))
            case .divide:
                // (a/b)' = a'/b − a·b'/b²
                return d(a) / b - a * d(b) / .binary(.power, b, .number(2))
            case .power:
                if !b.symbols.contains(x) {
                    // (a^n)' = n·a^(n−1)·a'
                    return b * .binary(.power, a, (b - .number(1)).simplified()) * d(a)
                }
                // (a^b)' = a^b·(b'·ln a + b·a'/a)
                return self * (d(b) * .call("ln", [a]) + b * d(a) / a)
            default:
                return .number(0) // comparisons and logic: piecewise constant
            }
        case .call(let f, let args):
            let a = args.first ?? .number(0)
            switch (f, args.count) {
            case ("exp", 1): return self * d(a)
            case ("ln", 1): return d(a) / a
            case ("log10", 1), ("log", 1): return d(a) / (a * .number(M_LN10))
            case ("log2", 1): return d(a) / (a * .number(M_LN2))
            case ("log", 2): return Expression.call("ln", [args[1]]).rawDivision(by: .call("ln", [args[0]])).rawDerivative(x)
            case ("sqrt", 1), ("root", 1): return d(a) / (.number(2) * self)
            case ("root", 2): return Expression.binary(.power, args[1], .number(1) / args[0]).rawDerivative(x)
            case ("pow", 2), ("power", 2): return Expression.binary(.power, args[0], args[1]).rawDerivative(x)
            case ("abs", 1): return .call("piecewise", [d(a), .binary(.greaterEqual, a, .number(0)), .negate(d(a))])
            case ("sin", 1): return .call("cos", [a]) * d(a)
            case ("cos", 1): return .negate(.call("sin", [a]) * d(a))
            case ("tan", 1): return d(a) / .binary(.power, .call("cos", [a]), .number(2))
            case ("sinh", 1): return .call("cosh", [a]) * d(a)
            case ("cosh", 1): return .call("sinh", [a]) * d(a)
            case ("tanh", 1): return d(a) * (.number(1) - .binary(.power, self, .number(2)))
            case ("atan", 1), ("arctan", 1): return d(a) / (.number(1) + .binary(.power, a, .number(2)))
            case ("asin", 1), ("arcsin", 1):
                return d(a) / .call("sqrt", [.number(1) - .binary(.power, a, .number(2))])
            case ("acos", 1), ("arccos", 1):
                return .negate(d(a) / .call("sqrt", [.number(1) - .binary(.power, a, .number(2))]))
            case ("min", _), ("max", _):
                // Derivative of the selected argument.
                guard args.count > 1 else { return d(a) }
                let rest: Expression = args.count == 2 ? args[1] : .call(f, Array(args.dropFirst()))
                let cmp: Expression.BinaryOperator = f == "min" ? .lessEqual : .greaterEqual
                return .call("piecewise", [d(a), .binary(cmp, a, rest), d(rest)])
            case ("piecewise", _):
                var out: [Expression] = []
                var i = 0
                while i + 1 < args.count {
                    out.append(d(args[i]))
                    out.append(args[i + 1])
                    i += 2
                }
                if args.count % 2 == 1 { out.append(d(args[args.count - 1])) }
                return .call("piecewise", out)
            case ("plus", _): return .sum(args.map(d))
            case ("times", _):
                return .sum(args.indices.map { i in .product(args.enumerated().map { $0.offset == i ? d($0.element) : $0.element }) })
            case ("minus", 1): return .negate(d(a))
            case ("minus", 2): return d(args[0]) - d(args[1])
            case ("divide", 2): return Expression.binary(.divide, args[0], args[1]).rawDerivative(x)
            case (startedGuardFunction, 1): return .call(f, [d(a)])
            default:
                // Logical functions, floor, ceil, …: piecewise constant.
                return .number(0)
            }
        }
    }

    private func rawDivision(by b: Expression) -> Expression { .binary(.divide, self, b) }
}
