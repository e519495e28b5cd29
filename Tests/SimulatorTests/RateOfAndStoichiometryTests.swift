import Foundation
import Testing
import PathwayModel
@testable import Simulator

/// `rateOf(x)` expansion and stoichiometries given by expressions, in models built in code.
@Suite("rateOf and variable stoichiometry")
struct RateOfAndStoichiometryTests {
    /// A → B at k·A in a compartment of size 2 (amount-based rate), with p' = rateOf(B) and an
    /// observable r = rateOf(A).
    static func conversion() -> Model {
        Model(
            id: "conversion",
            compartments: [Compartment(id: "cell", size: 2)],
            species: [Species(id: "A", compartment: "cell", initialValue: 3), Species(id: "B", compartment: "cell")],
            parameters: [Parameter(id: "k", value: 0.5), Parameter(id: "p", value: 1)],
            reactions: [Reaction(id: "convert", reactants: [StoichiometricTerm("A")], products: [StoichiometricTerm("B")],
                                 reversible: false, rateLaw: .expression(.symbol("k") * .symbol("A")), compartment: nil)],
            observables: [Observable(id: "r", expression: .call(rateOfFunction, [.symbol("A")]))],
            rateRules: [RateRule(variable: "p", expression: .call(rateOfFunction, [.symbol("B")]))])
    }

    /// Central differences of the right-hand side, column by column.
    static func numericJacobian(_ m: CompiledModel, at y: [Double], t: Double = 0) -> [Double] {
        let n = m.dimension
        var J = [Double](repeating: 0, count: n * n)
        for j in 0..<n {
            let h = 1e-6 * max(1, abs(y[j]))
            var up = y, down = y
            up[j] += h
            down[j] -= h
            var fu = [Double](repeating: 0, count: n), fd = fu
            up.withUnsafeBufferPointer { yp in fu.withUnsafeMutableBufferPointer { m.evaluate(t: t, y: yp.baseAddress!, dydt: $0.baseAddress!) } }
            down.withUnsafeBufferPointer { yp in fd.withUnsafeMutableBufferPointer { m.evaluate(t: t, y: yp.baseAddress!, dydt: $0.baseAddress!) } }
            for i in 0..<n { J[i * n + j] = (fu[i] - fd[i]) / (2 * h) }
        }
        return J
    }

    static func analyticJacobian(_ m: CompiledModel, at y: [Double], t: Double = 0) -> [Double] {
        var J = [Double](repeating: 0, count: m.dimension * m.dimension)
        _ = y.withUnsafeBufferPointer { yp in J.withUnsafeMutableBufferPointer { m.jacobian(t: t, y: yp.baseAddress!, into: $0.baseAddress!) } }
        return J
    }

    @Test func rateOfIsTheRightHandSide() throws {
        let m = try CompiledModel(Self.conversion())
        #expect(m.stateNames == ["A", "B", "p"])
        let r = try m.simulate(SimulationSettings(end: 4, output: .points(9), rtol: 1e-10, atol: 1e-13), observe: ["A", "B", "p", "r"])
        #expect(r.status == .success)
        for (i, t) in r.times.enumerated() {
            // dA/dt = −k·A·(1/2) (amount rate over the size); A = 3·e^(−t/4).
            let a = 3 * exp(-0.25 * t)
            #expect(abs(r.values[i][0] - a) < 1e-7)
            #expect(abs(r.values[i][3] - (-0.25 * a)) < 1e-7, "rateOf(A) at t = \(t)")
            // p' = dB/dt, so p − B stays 1.
            #expect(abs(r.values[i][2] - r.values[i][1] - 1) < 1e-7)
        }
    }

    @Test func jacobianDifferentiatesTheExpansion() throws {
        let m = try CompiledModel(Self.conversion())
        let y = [2.0, 0.7, 1.3]
        let analytic = Self.analyticJacobian(m, at: y), numeric = Self.numericJacobian(m, at: y)
        for (a, n) in zip(analytic, numeric) { #expect(abs(a - n) < 1e-6, "\(analytic) vs \(numeric)") }
        // ∂p'/∂A = k/2: the rate rule reads rateOf(B), which reads A.
        #expect(abs(analytic[2 * 3 + 0] - 0.25) < 1e-12)
    }

    @Test func rateOfConstantsIsZeroAndOfObservablesIsRefused() throws {
        var model = Self.conversion()
        model.observables.append(Observable(id: "q", expression: .call(rateOfFunction, [.symbol("k")])))
        let m = try CompiledModel(model)
        let r = try m.simulate(SimulationSettings(end: 1, output: .points(2)), observe: ["q"])
        #expect(r.values.allSatisfy { $0[0] == 0 })

        var bad = Self.conversion()
        bad.rateRules[0].expression = .call(rateOfFunction, [.symbol("r")])
        #expect(throws: CompileError.self) { try CompiledModel(bad) }

        var cyclic = Self.conversion()
        cyclic.rateRules[0].expression = .call(rateOfFunction, [.symbol("p")])
        #expect(throws: CompileError.self) { try CompiledModel(cyclic) }
    }

    /// ∅ → X at rate k with stoichiometry s, s' = 1 (s(0) = 0): X' = k·s = k·t, so X = k·t²/2.
    static func growingStoichiometry() -> Model {
        Model(
            id: "growing",
            compartments: [Compartment(id: "cell", size: 1)],
            species: [Species(id: "X", compartment: "cell")],
            parameters: [Parameter(id: "k", value: 3), Parameter(id: "s", value: 0)],
            reactions: [Reaction(id: "make", reactants: [], products: [StoichiometricTerm("X", 0, expression: .symbol("s"))],
                                 reversible: false, rateLaw: .expression(.symbol("k")), compartment: nil)],
            rateRules: [RateRule(variable: "s", expression: .number(1))])
    }

    @Test func stoichiometryExpressionFollowsItsVariable() throws {
        let m = try CompiledModel(Self.growingStoichiometry())
        #expect(m.stateNames == ["X", "s"])
        let r = try m.simulate(SimulationSettings(end: 2, output: .points(5), rtol: 1e-10, atol: 1e-13), observe: ["X"])
        for (i, t) in r.times.enumerated() { #expect(abs(r.values[i][0] - 1.5 * t * t) < 1e-8, "t = \(t)") }
        // ∂X'/∂s = k.
        let J = Self.analyticJacobian(m, at: [0, 0.5])
        #expect(J == [0, 3, 0, 0])
    }

    @Test func variableStoichiometryJacobianMatchesDifferences() throws {
        // A → 2·B with stoichiometry of B = A/(1 + A) (depends on the state) and rate k·A.
        let model = Model(
            id: "state-stoichiometry",
            compartments: [Compartment(id: "cell", size: 1)],
            species: [Species(id: "A", compartment: "cell", initialValue: 2), Species(id: "B", compartment: "cell")],
            parameters: [Parameter(id: "k", value: 0.4)],
            reactions: [Reaction(id: "r", reactants: [StoichiometricTerm("A")],
                                 products: [StoichiometricTerm("B", 0, expression: .symbol("A") / (.number(1) + .symbol("A")))],
                                 reversible: false, rateLaw: .expression(.symbol("k") * .symbol("A")), compartment: nil)],
            observables: [Observable(id: "dB", expression: .call(rateOfFunction, [.symbol("B")]))])
        let m = try CompiledModel(model)
        let y = [1.7, 0.3]
        let analytic = Self.analyticJacobian(m, at: y), numeric = Self.numericJacobian(m, at: y)
        for (a, n) in zip(analytic, numeric) { #expect(abs(a - n) < 1e-6) }
        let r = try m.simulate(SimulationSettings(end: 1, output: .points(2)), observe: ["dB"])
        #expect(abs(r.values[0][0] - 0.4 * 2 * 2 / 3) < 1e-12) // rateOf(B) includes the variable stoichiometry
    }

    @Test func modelsWithoutThemCompileAsBefore() throws {
        let m = try compile(CompiledModelTests.decay)
        #expect(!m.model.usesRateOf)
        #expect(m.model.reactions.allSatisfy { $0.variableStoichiometries.isEmpty })
    }
}
