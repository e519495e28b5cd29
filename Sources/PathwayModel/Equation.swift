/// A chemical equation as written in a model: `2 A + B <-> C`, `-> SOCS3_mRNA`, `pSTAT3_n ->`.
public struct ChemicalEquation: Hashable, Sendable {
    public var reactants: [StoichiometricTerm]
    public var products: [StoichiometricTerm]
    public var reversible: Bool

    /// Column offsets (0-based, in Unicode scalars) of each species name, for error messages.
    public var offsets: [String: Int]

    public struct SyntaxError: Error, Sendable {
        public var offset: Int
        public var message: String
    }

    public init(parsing text: String) throws(SyntaxError) {
        let scalars = Array(text.unicodeScalars)
        // Find the arrow.
        var arrowStart: Int?, arrowEnd = 0, reversible = false
        var i = 0
        while i < scalars.count {
            // `<->` or `<=>`.
            if scalars[i] == "<", i + 2 < scalars.count, (scalars[i + 1] == "-" || scalars[i + 1] == "="), scalars[i + 2] == ">" {
                if arrowStart != nil { throw SyntaxError(offset: i, message: "more than one arrow in the equation") }
                arrowStart = i
                arrowEnd = i + 3
                reversible = true
                i += 3
                continue
            }
            if (scalars[i] == "-" || scalars[i] == "="), i + 1 < scalars.count, scalars[i + 1] == ">" {
                if arrowStart != nil { throw SyntaxError(offset: i, message: "more than one arrow in the equation") }
                arrowStart = i
                arrowEnd = i + 2
                i += 2
                continue
            }
            i += 1
        }
        guard let start = arrowStart else {
            throw SyntaxError(offset: 0, message: "an equation needs an arrow: '->' (irreversible) or '<->' (reversible)")
        }
        var offsets: [String: Int] = [:]
        let left = try Self.side(scalars, 0, start, &offsets)
        let right = try Self.side(scalars, arrowEnd, scalars.count, &offsets)
        if left.isEmpty && right.isEmpty {
            throw SyntaxError(offset: start, message: "an equation needs at least one reactant or product")
        }
        self.reactants = left
        self.products = right
        self.reversible = reversible
        self.offsets = offsets
    }

    /// Parses `term + term + ...` between `from` and `to`; an empty side (only spaces, or `∅`) is allowed.
    private static func side(_ s: [Unicode.Scalar], _ from: Int, _ to: Int,
                             _ offsets: inout [String: Int]) throws(SyntaxError) -> [StoichiometricTerm] {
        var terms: [StoichiometricTerm] = []
        var i = from
        func skipSpaces() { while i < to, s[i].properties.isWhitespace { i += 1 } }
        skipSpaces()
        if i == to { return [] }
        if s[i] == "∅" {
            i += 1
            skipSpaces()
            guard i == to else { throw SyntaxError(offset: i, message: "'∅' stands alone on its side of the arrow") }
            return []
        }
        while true {
            skipSpaces()
            var coefficient = 1.0
            if i < to, s[i].isASCIIDigit || s[i] == "." {
                let numberStart = i
                var text = ""
                while i < to, s[i].isASCIIDigit || s[i] == "." {
                    text.unicodeScalars.append(s[i])
                    i += 1
                }
                guard let v = Double(text), v > 0 else {
                    throw SyntaxError(offset: numberStart, message: "malformed stoichiometric coefficient '\(text)'")
                }
                coefficient = v
                skipSpaces()
                if i < to, s[i] == "*" {
                    i += 1
                    skipSpaces()
                }
            }
            guard i < to, s[i].isIdentifierStart else {
                throw SyntaxError(offset: i, message: i < to ? "expected a species name, found '\(s[i])'" : "expected a species name")
            }
            let nameStart = i
            var name = ""
            while i < to, s[i].isIdentifierContinue {
                name.unicodeScalars.append(s[i])
                i += 1
            }
            if offsets[name] == nil { offsets[name] = nameStart }
            if let k = terms.firstIndex(where: { $0.species == name }) {
                terms[k].coefficient += coefficient
            } else {
                terms.append(StoichiometricTerm(name, coefficient))
            }
            skipSpaces()
            if i == to { break }
            guard s[i] == "+" else {
                throw SyntaxError(offset: i, message: "expected '+' between species, found '\(s[i])'")
            }
            i += 1
        }
        return terms
    }
}
