/// A syntax error in an expression, with the 0-based offset (in Unicode scalars) where it was found.
public struct ExpressionSyntaxError: Error, Sendable, CustomStringConvertible {
    public var offset: Int
    public var message: String
    public var description: String { message }
}

extension Expression {
    /// Parses SBML Level 3 infix text: `k1 * A / (Km + A)`, `piecewise(1, time > 60, 0)`, `2^-n`.
    ///
    /// Precedence, lowest first: `||`, `&&`, comparisons, `+ -`, `* /`, unary `- !`, `^` (right-associative,
    /// so `-2^2` is `-4` and `2^3^2` is `2^9`).
    public init(parsing text: String) throws(ExpressionSyntaxError) {
        var parser = ExpressionParser(text)
        self = try parser.parseComplete()
    }
}

struct ExpressionParser {
    enum Token: Equatable {
        case number(Double)
        case identifier(String)
        case op(String)
        case leftParen, rightParen, comma
        case end
    }

    private let scalars: [Unicode.Scalar]
    private var position = 0
    private var token: Token = .end
    private var tokenStart = 0

    init(_ text: String) {
        scalars = Array(text.unicodeScalars)
    }

    mutating func parseComplete() throws(ExpressionSyntaxError) -> Expression {
        try advance()
        if token == .end { throw ExpressionSyntaxError(offset: 0, message: "empty expression") }
        let e = try parseOr()
        guard token == .end else { throw unexpected("an operator or the end of the expression") }
        return e
    }

    // MARK: Grammar

    private mutating func parseOr() throws(ExpressionSyntaxError) -> Expression {
        var lhs = try parseAnd()
        while token == .op("||") {
            try advance()
            lhs = .binary(.or, lhs, try parseAnd())
        }
        return lhs
    }

    private mutating func parseAnd() throws(ExpressionSyntaxError) -> Expression {
        var lhs = try parseComparison()
        while token == .op("&&") {
            try advance()
            lhs = .binary(.and, lhs, try parseComparison())
        }
        return lhs
    }

    private mutating func parseComparison() throws(ExpressionSyntaxError) -> Expression {
        var lhs = try parseAdditive()
        while case .op(let o) = token, let op = Expression.BinaryOperator(rawValue: o), op.isComparison {
            try advance()
            lhs = .binary(op, lhs, try parseAdditive())
        }
        return lhs
    }

    private mutating func parseAdditive() throws(ExpressionSyntaxError) -> Expression {
        var lhs = try parseMultiplicative()
        while token == .op("+") || token == .op("-") {
            let op: Expression.BinaryOperator = token == .op("+") ? .add : .subtract
            try advance()
            lhs = .binary(op, lhs, try parseMultiplicative())
        }
        return lhs
    }

    private mutating func parseMultiplicative() throws(ExpressionSyntaxError) -> Expression {
        var lhs = try parseUnary()
        while token == .op("*") || token == .op("/") {
            let op: Expression.BinaryOperator = token == .op("*") ? .multiply : .divide
            try advance()
            lhs = .binary(op, lhs, try parseUnary())
        }
        return lhs
    }

    private mutating func parseUnary() throws(ExpressionSyntaxError) -> Expression {
        if token == .op("-") {
            try advance()
            let operand = try parseUnary()
            if case .number(let v) = operand { return .number(-v) }
            return .negate(operand)
        }
        if token == .op("+") {
            try advance()
            return try parseUnary()
        }
        if token == .op("!") {
            try advance()
            return .call("not", [try parseUnary()])
        }
        return try parsePower()
    }

    private mutating func parsePower() throws(ExpressionSyntaxError) -> Expression {
        let base = try parsePrimary()
        if token == .op("^") {
            try advance()
            // Right-associative; the exponent may carry its own sign (`x^-2`).
            return .binary(.power, base, try parseUnary())
        }
        return base
    }

    private mutating func parsePrimary() throws(ExpressionSyntaxError) -> Expression {
        switch token {
        case .number(let v):
            try advance()
            return .number(v)
        case .identifier(let name):
            let start = tokenStart
            try advance()
            if token == .leftParen {
                try advance()
                var args: [Expression] = []
                if token != .rightParen {
                    while true {
                        args.append(try parseOr())
                        if token == .comma {
                            try advance()
                            continue
                        }
                        break
                    }
                }
                guard token == .rightParen else { throw unexpected("',' or ')' in the arguments of '\(name)'") }
                try advance()
                if let range = BuiltinFunction.arity[name], !range.contains(args.count) {
                    let expected = range.lowerBound == range.upperBound
                        ? "\(range.lowerBound)"
                        : range.upperBound == Int.max ? "at least \(range.lowerBound)" : "\(range.lowerBound) or \(range.upperBound)"
                    throw ExpressionSyntaxError(
                        offset: start,
                        message: "'\(name)' takes \(expected) argument\(expected == "1" ? "" : "s"), not \(args.count)")
                }
                return .call(name, args)
            }
            if name == "time" { return .time }
            if let value = BuiltinFunction.constants[name] { return .number(value) }
            return .symbol(name)
        case .leftParen:
            try advance()
            let e = try parseOr()
            guard token == .rightParen else { throw unexpected("')'") }
            try advance()
            return e
        default:
            throw unexpected("a number, a name or '('")
        }
    }

    private func unexpected(_ expected: String) -> ExpressionSyntaxError {
        let found: String
        switch token {
        case .end: found = "the end of the expression"
        case .number(let v): found = "number \(Expression.format(number: v))"
        case .identifier(let s): found = "'\(s)'"
        case .op(let s): found = "'\(s)'"
        case .leftParen: found = "'('"
        case .rightParen: found = "')'"
        case .comma: found = "','"
        }
        return ExpressionSyntaxError(offset: tokenStart, message: "expected \(expected), found \(found)")
    }

    // MARK: Lexer

    private mutating func advance() throws(ExpressionSyntaxError) {
        while position < scalars.count, scalars[position].properties.isWhitespace { position += 1 }
        tokenStart = position
        guard position < scalars.count else {
            token = .end
            return
        }
        let c = scalars[position]
        if c.isASCIIDigit || (c == "." && position + 1 < scalars.count && scalars[position + 1].isASCIIDigit) {
            token = .number(try lexNumber())
            return
        }
        if c.isIdentifierStart {
            var name = String.UnicodeScalarView()
            while position < scalars.count, scalars[position].isIdentifierContinue {
                name.append(scalars[position])
                position += 1
            }
            token = .identifier(String(name))
            return
        }
        position += 1
        let next: Unicode.Scalar? = position < scalars.count ? scalars[position] : nil
        switch c {
        case "(": token = .leftParen
        case ")": token = .rightParen
        case ",": token = .comma
        case "+", "-", "*", "/", "^": token = .op(String(c))
        case "<", ">", "=", "!":
            if next == "=" {
                position += 1
                token = .op(String(c) + "=")
            } else if c == "=" {
                throw ExpressionSyntaxError(offset: tokenStart, message: "'=' is not an operator (use '==' to compare)")
            } else {
                token = .op(String(c))
            }
        case "&", "|":
            guard next == c else {
                throw ExpressionSyntaxError(offset: tokenStart, message: "'\(c)' is not an operator (did you mean '\(c)\(c)'?)")
            }
            position += 1
            token = .op(String(c) + String(c))
        default:
            throw ExpressionSyntaxError(offset: tokenStart, message: "unexpected character '\(c)'")
        }
    }

    private mutating func lexNumber() throws(ExpressionSyntaxError) -> Double {
        let start = position
        var text = ""
        func take() {
            text.unicodeScalars.append(scalars[position])
            position += 1
        }
        while position < scalars.count, scalars[position].isASCIIDigit { take() }
        if position < scalars.count, scalars[position] == "." {
            take()
            while position < scalars.count, scalars[position].isASCIIDigit { take() }
        }
        if position < scalars.count, scalars[position] == "e" || scalars[position] == "E" {
            let save = position, saveText = text
            take()
            if position < scalars.count, scalars[position] == "+" || scalars[position] == "-" { take() }
            if position < scalars.count, scalars[position].isASCIIDigit {
                while position < scalars.count, scalars[position].isASCIIDigit { take() }
            } else {
                position = save
                text = saveText
            }
        }
        guard let v = Double(text) else {
            throw ExpressionSyntaxError(offset: start, message: "malformed number '\(text)'")
        }
        return v
    }
}

extension Unicode.Scalar {
    var isASCIIDigit: Bool { ("0"..."9").contains(self) }
    var isIdentifierStart: Bool { ("a"..."z").contains(self) || ("A"..."Z").contains(self) || self == "_" }
    var isIdentifierContinue: Bool { isIdentifierStart || isASCIIDigit }
}

/// Whether `name` is a valid identifier: a letter or `_`, then letters, digits and `_`.
public func isValidIdentifier(_ name: String) -> Bool {
    guard let first = name.unicodeScalars.first, first.isIdentifierStart else { return false }
    return name.unicodeScalars.allSatisfy(\.isIdentifierContinue)
}
