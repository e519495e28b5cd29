import Foundation

/// A mathematical expression in the infix syntax of SBML Level 3 formulas
/// (`+ - * / ^`, comparisons, `&&`, `||`, `!`, function calls such as `exp`, `ln`, `pow`, `piecewise`).
///
/// Symbols name species (their concentration, or amount for amount-valued species), parameters,
/// compartments (their size), observables and functions; `time` is the simulation time.
public indirect enum Expression: Hashable, Sendable {
    case number(Double)
    case symbol(String)
    case time
    case negate(Expression)
    case binary(BinaryOperator, Expression, Expression)
    /// A built-in function (see ``BuiltinFunction``) or a user-defined function of the model.
    case call(String, [Expression])

    public enum BinaryOperator: String, Hashable, Sendable, CaseIterable {
        case add = "+", subtract = "-", multiply = "*", divide = "/", power = "^"
        case less = "<", lessEqual = "<=", greater = ">", greaterEqual = ">=", equal = "==", notEqual = "!="
        case and = "&&", or = "||"

        /// Binding strength, SBML L3 infix order: `||` < `&&` < comparisons < `+ -` < `* /` < unary < `^`.
        var precedence: Int {
            switch self {
            case .or: return 1
            case .and: return 2
            case .less, .lessEqual, .greater, .greaterEqual, .equal, .notEqual: return 3
            case .add, .subtract: return 4
            case .multiply, .divide: return 5
            case .power: return 7
            }
        }

        public var isComparison: Bool { precedence == 3 }
        public var isLogical: Bool { self == .and || self == .or }
    }

    // MARK: Convenience

    public static func + (a: Expression, b: Expression) -> Expression { .binary(.add, a, b) }
    public static func - (a: Expression, b: Expression) -> Expression { .binary(.subtract, a, b) }
    public static func * (a: Expression, b: Expression) -> Expression { .binary(.multiply, a, b) }
    public static func / (a: Expression, b: Expression) -> Expression { .binary(.divide, a, b) }
    public static prefix func - (a: Expression) -> Expression { .negate(a) }

    /// A product of factors, `1` when empty.
    public static func product(_ factors: [Expression]) -> Expression {
        guard var result = factors.first else { return .number(1) }
        for f in factors.dropFirst() { result = result * f }
        return result
    }

    /// A sum of terms, `0` when empty.
    public static func sum(_ terms: [Expression]) -> Expression {
        guard var result = terms.first else { return .number(0) }
        for t in terms.dropFirst() { result = result + t }
        return result
    }

    /// Every symbol the expression reads, in order of first appearance.
    public var symbols: [String] {
        var seen = Set<String>(), out: [String] = []
        visit { e in
            if case .symbol(let s) = e, seen.insert(s).inserted { out.append(s) }
        }
        return out
    }

    /// Names of all functions called, in order of first appearance.
    public var calledFunctions: [String] {
        var seen = Set<String>(), out: [String] = []
        visit { e in
            if case .call(let f, _) = e, seen.insert(f).inserted { out.append(f) }
        }
        return out
    }

    public var referencesTime: Bool {
        var found = false
        visit { if case .time = $0 { found = true } }
        return found
    }

    /// Pre-order traversal.
    public func visit(_ body: (Expression) -> Void) {
        body(self)
        switch self {
        case .number, .symbol, .time: break
        case .negate(let a): a.visit(body)
        case .binary(_, let a, let b):
            a.visit(body)
            b.visit(body)
        case .call(_, let args): for a in args { a.visit(body) }
        }
    }

    /// Rebuilds the expression bottom-up through `transform`.
    public func rewritten(_ transform: (Expression) -> Expression) -> Expression {
        let inner: Expression
        switch self {
        case .number, .symbol, .time: inner = self
        case .negate(let a): inner = .negate(a.rewritten(transform))
        case .binary(let op, let a, let b): inner = .binary(op, a.rewritten(transform), b.rewritten(transform))
        case .call(let f, let args): inner = .call(f, args.map { $0.rewritten(transform) })
        }
        return transform(inner)
    }

    /// Replaces symbols by expressions (for example function arguments by their values).
    public func substituting(_ map: [String: Expression]) -> Expression {
        rewritten { e in
            if case .symbol(let s) = e, let r = map[s] { return r }
            return e
        }
    }

    /// Renames symbols.
    public func renaming(_ map: [String: String]) -> Expression {
        rewritten { e in
            if case .symbol(let s) = e, let r = map[s] { return .symbol(r) }
            return e
        }
    }
}

// MARK: - Built-in functions

/// The functions the infix syntax knows, with their number of arguments (nil: any number ≥ 1).
public enum BuiltinFunction {
    public static let arity: [String: ClosedRange<Int>] = [
        "exp": 1...1, "ln": 1...1, "log": 1...2, "log10": 1...1, "log2": 1...1,
        "pow": 2...2, "power": 2...2, "sqrt": 1...1, "root": 1...2, "abs": 1...1,
        "floor": 1...1, "ceil": 1...1, "ceiling": 1...1, "factorial": 1...1,
        "sin": 1...1, "cos": 1...1, "tan": 1...1, "asin": 1...1, "acos": 1...1, "atan": 1...1,
        "arcsin": 1...1, "arccos": 1...1, "arctan": 1...1,
        "sinh": 1...1, "cosh": 1...1, "tanh": 1...1,
        "sec": 1...1, "csc": 1...1, "cot": 1...1,
        "min": 1...Int.max, "max": 1...Int.max,
        "piecewise": 1...Int.max,
        "and": 0...Int.max, "or": 0...Int.max, "xor": 0...Int.max, "not": 1...1,
        "lt": 2...Int.max, "leq": 2...Int.max, "gt": 2...Int.max, "geq": 2...Int.max,
        "eq": 2...Int.max, "neq": 2...2,
        "plus": 0...Int.max, "times": 0...Int.max, "minus": 1...2, "divide": 2...2,
        "quotient": 2...2, "rem": 2...2, "implies": 2...2,
        // The time derivative of a species or a rate-rule variable (SBML's rateOf csymbol).
        "rateOf": 1...1,
        // The value of an expression at an earlier time: delay(x, τ) is x at t − τ (SBML's delay csymbol).
        "delay": 2...2,
    ]

    /// Named constants of the infix syntax.
    public static let constants: [String: Double] = [
        "pi": Double.pi, "exponentiale": M_E, "true": 1, "false": 0,
        "avogadro": 6.02214076e23, "inf": Double.infinity, "INF": Double.infinity,
        "infinity": Double.infinity, "NaN": Double.nan, "nan": Double.nan,
    ]

    public static func isBuiltin(_ name: String) -> Bool { arity[name] != nil }
}

// MARK: - Printing

extension Expression: CustomStringConvertible {
    /// Infix text that parses back to the same expression, with the fewest parentheses.
    public var description: String { formatted(parentPrecedence: 0, rightOperand: false) }

    private func formatted(parentPrecedence: Int, rightOperand: Bool) -> String {
        switch self {
        case .number(let v):
            let text = Expression.format(number: v)
            return v < 0 && parentPrecedence >= 6 ? "(\(text))" : text
        case .symbol(let s): return s
        case .time: return "time"
        case .negate(let a):
            let text = "-" + a.formatted(parentPrecedence: 6, rightOperand: true)
            return parentPrecedence >= 6 ? "(\(text))" : text
        case .binary(let op, let a, let b):
            let p = op.precedence
            let rightAssociative = op == .power
            let left = a.formatted(parentPrecedence: rightAssociative ? p + 1 : p, rightOperand: false)
            let right = b.formatted(parentPrecedence: p, rightOperand: true)
            let spaced = op == .power ? "\(left)^\(right)" : "\(left) \(op.rawValue) \(right)"
            let needs = p < parentPrecedence || (p == parentPrecedence && rightOperand && !rightAssociative)
            return needs ? "(\(spaced))" : spaced
        case .call(let f, let args):
            return "\(f)(" + args.map { $0.formatted(parentPrecedence: 0, rightOperand: false) }.joined(separator: ", ") + ")"
        }
    }

    /// Shortest text that reads back as the same double.
    static func format(number v: Double) -> String {
        if v.isNaN { return "NaN" }
        if v.isInfinite { return v > 0 ? "inf" : "-inf" }
        if v == v.rounded(), abs(v) < 1e15 { return String(Int64(v)) }
        return "\(v)"
    }
}
