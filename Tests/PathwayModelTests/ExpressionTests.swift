import Testing
@testable import PathwayModel

@Suite("Expressions")
struct ExpressionTests {
    @Test func precedenceFollowsSBMLLevel3() throws {
        #expect(try Expression(parsing: "a + b * c") == .binary(.add, .symbol("a"), .binary(.multiply, .symbol("b"), .symbol("c"))))
        // '^' binds tighter than unary minus and to the right.
        #expect(try Expression(parsing: "-x^2") == .negate(.binary(.power, .symbol("x"), .number(2))))
        #expect(try Expression(parsing: "2^3^2") == .binary(.power, .number(2), .binary(.power, .number(3), .number(2))))
        #expect(try Expression(parsing: "x^-2") == .binary(.power, .symbol("x"), .number(-2)))
        #expect(try Expression(parsing: "a - b - c") == .binary(.subtract, .binary(.subtract, .symbol("a"), .symbol("b")), .symbol("c")))
        #expect(try Expression(parsing: "a < b && c >= d || !e")
            == .binary(.or,
                       .binary(.and, .binary(.less, .symbol("a"), .symbol("b")), .binary(.greaterEqual, .symbol("c"), .symbol("d"))),
                       .call("not", [.symbol("e")])))
    }

    @Test func numbersConstantsTimeAndCalls() throws {
        #expect(try Expression(parsing: "1.5e-3") == .number(0.0015))
        #expect(try Expression(parsing: ".5") == .number(0.5))
        #expect(try Expression(parsing: "pi") == .number(Double.pi))
        #expect(try Expression(parsing: "time") == .time)
        #expect(try Expression(parsing: "piecewise(1, time > 60, 0)")
            == .call("piecewise", [.number(1), .binary(.greater, .time, .number(60)), .number(0)]))
        #expect(try Expression(parsing: "exp(-k*t)").symbols == ["k", "t"])
    }

    @Test(arguments: [
        "kf * A * B - kr * C", "V * S / (Km + S)", "a / (b * c)", "a - (b - c)", "(a + b)^2", "-(a + b)",
        "x^-2", "2^3^2", "(2^3)^2", "piecewise(1, a > 2 && b < 3, 0)", "max(a, b, 1e-9)", "(-2)^2", "-2^2",
        "a / b / c", "a / (b / c)", "1 / (1 + (I / Ki)^n)",
    ])
    func printingRoundTrips(_ text: String) throws {
        let e = try Expression(parsing: text)
        #expect(try Expression(parsing: e.description) == e, "printed as \(e.description)")
    }

    @Test func printingUsesFewParentheses() throws {
        #expect(try Expression(parsing: "kf * A * B - (kr * C)").description == "kf * A * B - kr * C")
        #expect(try Expression(parsing: "a - (b - c)").description == "a - (b - c)")
        #expect(try Expression(parsing: "((a))").description == "a")
    }

    @Test(arguments: [
        ("k1 * ", 5, "expected a number, a name or '(', found the end of the expression"),
        ("k1 ** 2", 4, "expected a number, a name or '(', found '*'"),
        ("(a + b", 6, "expected ')', found the end of the expression"),
        ("a = b", 2, "'=' is not an operator (use '==' to compare)"),
        ("a & b", 2, "'&' is not an operator (did you mean '&&'?)"),
        ("exp(a, b)", 0, "'exp' takes 1 argument, not 2"),
        ("a $ b", 2, "unexpected character '$'"),
        ("", 0, "empty expression"),
    ])
    func syntaxErrorsHaveOffsets(_ text: String, _ offset: Int, _ message: String) {
        #expect(throws: ExpressionSyntaxError.self) { try Expression(parsing: text) }
        do {
            _ = try Expression(parsing: text)
        } catch {
            #expect(error.offset == offset)
            #expect(error.message == message)
        }
    }

    @Test func equationsParse() throws {
        let e = try ChemicalEquation(parsing: "2 A + B <-> C")
        #expect(e.reactants == [StoichiometricTerm("A", 2), StoichiometricTerm("B")])
        #expect(e.products == [StoichiometricTerm("C")])
        #expect(e.reversible)
        #expect(e.offsets["B"] == 6)
        let synthesis = try ChemicalEquation(parsing: "-> SOCS3_mRNA")
        #expect(synthesis.reactants.isEmpty && synthesis.products == [StoichiometricTerm("SOCS3_mRNA")] && !synthesis.reversible)
        let degradation = try ChemicalEquation(parsing: "pSTAT3_n ->")
        #expect(degradation.products.isEmpty)
        let template = try ChemicalEquation(parsing: "mRNA -> mRNA + P")
        #expect(template.products.count == 2)
    }

    @Test(arguments: [
        ("A + B", 0, "an equation needs an arrow: '->' (irreversible) or '<->' (reversible)"),
        ("A -> B -> C", 7, "more than one arrow in the equation"),
        ("A + -> B", 4, "expected a species name"),
        ("A B -> C", 2, "expected '+' between species, found 'B'"),
        ("->", 0, "an equation needs at least one reactant or product"),
    ])
    func malformedEquations(_ text: String, _ offset: Int, _ message: String) {
        do {
            _ = try ChemicalEquation(parsing: text)
            Issue.record("'\(text)' should not parse")
        } catch {
            #expect(error.offset == offset)
            #expect(error.message == message)
        }
    }

    @Test func quantitiesConvertUnits() {
        #expect(Quantity(parsing: "60 min")?.time(in: .second) == 3600)
        #expect(Quantity(parsing: "2h")?.time(in: .minute) == 120)
        #expect(Quantity(parsing: "1 µM")?.concentration(in: .nanomolar) == 1000)
        #expect(Quantity(parsing: "250 pM")?.concentration(in: .nanomolar) == 0.25)
        #expect(Quantity(parsing: "1e-3")?.value == 0.001)
        #expect(Quantity(parsing: "5 parsecs")?.time(in: .second) == nil)
        #expect(Quantity(parsing: "fast") == nil)
    }

    @Test func suggestionsFindCloseNames() {
        #expect(closestMatch(to: "STAT33", in: ["STAT3", "SOCS3", "JAK1"]) == "STAT3")
        #expect(closestMatch(to: "intial", in: ["initial", "compartment"]) == "initial")
        #expect(closestMatch(to: "zzz", in: ["STAT3", "SOCS3"]) == nil)
    }

    @Test("A gene product named where one of its forms was meant: the forms are suggested")
    func suggestionsListFormsOfAStem() {
        let species = ["SOCS3_mRNAn", "SOCS3_mRNA", "SOCS3_protein", "STAT3c"]
        #expect(suggestion(for: "SOCS3", in: species) == " (did you mean one of 'SOCS3_mRNAn', 'SOCS3_mRNA', 'SOCS3_protein'?)")
        // A typo is still a typo (one letter from STAT3c), and ties go to the name that starts with what was typed.
        #expect(suggestion(for: "STAT3", in: species) == " (did you mean 'STAT3c'?)")
        #expect(suggestion(for: "socs3_prot", in: species) == " (did you mean 'SOCS3_protein'?)")
        // `SHP2` is not the stem of `SHP2a` (a lowercase letter continues the name).
        #expect(suggestion(for: "SHP2", in: ["SHP2_active", "SHP2_inactive", "SHP2abc"]) == " (did you mean one of 'SHP2_active', 'SHP2_inactive'?)")
        #expect(suggestion(for: "STAT5", in: ["STAT5_a", "STAT5_b", "STAT5_n", "STAT5_p", "STAT5_pp"]) == " (did you mean one of 'STAT5_a', 'STAT5_b', 'STAT5_n', 'STAT5_p', …?)")
        #expect(suggestion(for: "zzz", in: species) == "")
    }
}
