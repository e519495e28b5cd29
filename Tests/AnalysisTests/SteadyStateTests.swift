import Foundation
import Testing
import PathwayModel
import Simulator
@testable import Analysis

@Suite("Steady states")
struct SteadyStateTests {
    @Test func reversibleBindingMatchesTheQuadraticFormula() throws {
        // A + B <-> C, kf = 2, kr = 1, A0 = 1, B0 = 2: C solves 2(1−C)(2−C) = C.
        let model = try loadYAML("""
            model: binding
            compartments: {cell: 1}
            species: {A: {compartment: cell, initial: 1}, B: {compartment: cell, initial: 2}, C: {compartment: cell, initial: 0}}
            parameters: {kf: 2, kr: 1}
            reactions:
              bind: {equation: A + B <-> C, mass-action: {kf: kf, kr: kr}}
            """)
        let compiled = try CompiledModel(model)
        let ss = try SteadyStateSolver().solve(compiled)
        // 2C² − 7C + 4 = 0 → C = (7 − √17)/4.
        let c = (7 - 17.0.squareRoot()) / 4
        #expect(approximately(ss.value(of: "C")!, c, relative: 1e-10))
        #expect(approximately(ss.value(of: "A")!, 1 - c, relative: 1e-10))
        #expect(ss.residual < 1e-12)
        #expect(ss.conservationLaws.count == 2)
        #expect(ss.stability == .stable)
        #expect(ss.method == "Newton")
        // One independent coordinate remains: one eigenvalue, −(kf(A+B) + kr).
        #expect(ss.eigenvalues.count == 1)
        let a = 1 - c, b = 2 - c
        #expect(approximately(ss.eigenvalues[0].real, -(2 * (a + b) + 1), relative: 1e-8))
    }

    @Test func unstableSteadyStateIsReported() throws {
        // Autocatalysis X -> 2X (k = 1) with degradation X -> (d = 0.5), synthesis 0: x = 0 is unstable.
        let model = try loadYAML("""
            model: growth
            compartments: {cell: 1}
            species: {X: {compartment: cell, initial: 0}}
            parameters: {k: 1, d: 0.5}
            reactions:
              grow: {equation: X -> 2 X, mass-action: {kf: k}}
              die: {equation: X ->, mass-action: {kf: d}}
            """)
        let ss = try SteadyStateSolver().solve(try CompiledModel(model))
        #expect(ss.value(of: "X") == 0)
        #expect(ss.stability == .unstable)
        #expect(approximately(ss.eigenvalues[0].real, 0.5, relative: 1e-12))
    }

    @Test func failureExplainsWhy() throws {
        // Constant synthesis, no removal: no steady state.
        let model = try loadYAML("""
            model: pileup
            compartments: {cell: 1}
            species: {X: {compartment: cell, initial: 0}, Y: {compartment: cell, initial: 1}, Z: {compartment: cell, initial: 0}}
            parameters: {s: 1, k: 1}
            reactions:
              make: {equation: -> X, mass-action: {kf: s}}
              convert: {equation: Y <-> Z, mass-action: {kf: k, kr: k}}
            """)
        let solver = SteadyStateSolver(options: SteadyStateOptions(integrationEnd: 1e6))
        let compiled = try CompiledModel(model)
        do {
            _ = try solver.solve(compiled)
            Issue.record("expected no steady state")
        } catch {
            #expect(error.message.contains("residual"))
            #expect(error.message.contains("Newton"))
            #expect(error.message.contains("integration"))
            #expect(error.message.contains("Y + Z = 1"))
        }
    }

    @Test func huangFerrellSteadyStateAgreesWithLongIntegration() throws {
        let model = try loadShippedModel("huang-ferrell-1996.yaml")
        let compiled = try CompiledModel(model)
        let ss = try SteadyStateSolver().solve(compiled)
        #expect(ss.residual < 1e-9)
        #expect(ss.conservationResidual < 1e-12)
        #expect(ss.stability == .stable)
        #expect(ss.conservationLaws.count == 7)
        // Long integration from the same start lands on the same state.
        let r = try compiled.simulate(SimulationSettings(end: 1e6, output: .points(2), rtol: 1e-10, atol: 1e-14),
                                      observe: compiled.stateNames)
        #expect(r.status == .success)
        let last = r.values.last!
        for (k, name) in compiled.stateNames.enumerated() {
            #expect(abs(last[k] - ss.values[k]) <= 1e-6 * max(abs(ss.values[k]), 1e-6), "\(name)")
        }
    }

    /// Kholodenko 2000: negative feedback plus ultrasensitivity; the steady state is an unstable focus
    /// (a complex pair crosses into the right half-plane), hence the sustained oscillations.
    @Test func kholodenkoSteadyStateIsAnUnstableFocus() throws {
        let compiled = try CompiledModel(try loadShippedModel("kholodenko-2000.yaml"))
        let ss = try SteadyStateSolver().solve(compiled)
        #expect(ss.stability == .unstable)
        let top = try #require(ss.eigenvalues.first)
        #expect(top.real > 0 && top.imaginary != 0, "\(ss.eigenvalues)")
        #expect(ss.residual < 1e-6)
    }
}
