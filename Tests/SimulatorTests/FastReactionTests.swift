import Foundation
import PathwayModel
import SBML
import Testing
@testable import Simulator

/// YAML reactions marked `fast: true`: the fast subsystem at equilibrium at all times (SBML Level 2
/// semantics), the slow reactions moving its conserved totals.
@Suite("Fast reactions in YAML models")
struct FastReactionTests {
    static let fixture = repositoryRoot.appendingPathComponent("Tests/SimulatorTests/Fixtures/fast-binding.yaml").path

    /// The fixture's A + B ⇌ C (fast, Keq = kon/koff) with inflow of A at kin and loss of A, B and C
    /// at kd: the totals TA = A + C and TB = B + C obey dTA/dt = kin − kd·TA and dTB/dt = −kd·TB.
    @Test func fastBindingStaysAtEquilibriumWhileTheTotalsFollowTheSlowReactions() throws {
        let model = try ModelLoader.load(path: Self.fixture).model
        let p = { (id: String) in model.parameter(named: id)!.value }
        let keq = p("kon") / p("koff"), kin = p("kin"), kd = p("kd")
        let a0 = model.species(named: "A")!.initialValue, b0 = model.species(named: "B")!.initialValue
        let c0 = model.species(named: "C")!.initialValue
        let ta0 = a0 + c0, tb0 = b0 + c0

        let compiled = try CompiledModel(model)
        let r = try compiled.simulate(SimulationSettings(end: 20, output: .points(41), method: .auto, rtol: 1e-9, atol: 1e-12),
                                      observe: ["A", "B", "C"])
        #expect(r.status == .success)
        let a = try #require(r.column("A")), b = try #require(r.column("B")), c = try #require(r.column("C"))
        for (k, t) in r.times.enumerated() {
            #expect(abs(c[k] - keq * a[k] * b[k]) <= 1e-6 * c[k], "equilibrium at t = \(t)")
            let ta = kin / kd + (ta0 - kin / kd) * exp(-kd * t), tb = tb0 * exp(-kd * t)
            #expect(abs(a[k] + c[k] - ta) <= 1e-6 * ta, "A + C at t = \(t)")
            #expect(abs(b[k] + c[k] - tb) <= 1e-6 * tb, "B + C at t = \(t)")
        }
        // At the start the fast reaction has moved the given values onto equilibrium at their totals:
        // C = Keq·(TA − C)·(TB − C), the root below both totals.
        let qa = keq, qb = -(keq * (ta0 + tb0) + 1), qc = keq * ta0 * tb0
        let cStart = (-qb - (qb * qb - 4 * qa * qc).squareRoot()) / (2 * qa)
        #expect(abs(c[0] - cStart) <= 1e-9 * cStart)
    }

    /// A fast isomerisation A ⇌ B (kf, kr) with loss of B at kd is linear in A, so its equilibrium is
    /// solved in closed form and explicit methods run it: B = K·A (K = kf/kr), and the total
    /// T = A + B decays as T₀·exp(−kd·K/(1 + K)·t).
    @Test(arguments: [Method.dopri5, .bdf])
    func fastIsomerisationIsSolvedInClosedForm(_ method: Method) throws {
        let model = try ModelLoader.load(yaml: """
            model: iso
            compartments: {cell: 1.5}
            species: {A: {compartment: cell, initial: 3}, B: {compartment: cell, initial: 1}}
            parameters: {kf: 3, kr: 1, kd: 0.2}
            reactions:
              iso: {equation: A <-> B, mass-action: {kf: kf, kr: kr}, fast: true}
              loss: {equation: B ->, mass-action: {kf: kd}}
            """).model
        let k = 3.0, kd = 0.2, t0 = 4.0
        let r = try CompiledModel(model).simulate(SimulationSettings(end: 10, output: .points(11), method: method, rtol: 1e-10, atol: 1e-12),
                                                  observe: ["A", "B"])
        #expect(r.status == .success)
        let a = try #require(r.column("A")), b = try #require(r.column("B"))
        for (i, t) in r.times.enumerated() {
            #expect(abs(b[i] - k * a[i]) <= 1e-12 * b[i], "equilibrium at t = \(t)")
            let total = t0 * exp(-kd * k / (1 + k) * t)
            #expect(abs(a[i] + b[i] - total) <= 1e-6 * total, "A + B at t = \(t)")
        }
    }

    /// A coupled fast subsystem, A ⇌ B ⇌ C (both at k forward and back), C degraded slowly at kd: at
    /// equilibrium A = B = C = T/3, so the total falls as dT/dt = −kd·T/3, T = 2·e^(−kd·t/3).
    @Test func aCoupledFastSubsystemHoldsBothEquilibria() throws {
        let model = try ModelLoader.load(yaml: """
            model: coupled
            compartments: {cell: 1}
            species: {A: {compartment: cell, initial: 1}, B: {compartment: cell, initial: 1}, C: {compartment: cell, initial: 0}}
            parameters: {k: 1, kd: 0.3}
            reactions:
              one: {equation: A <-> B, mass-action: {kf: k, kr: k}, fast: true}
              two: {equation: B <-> C, mass-action: {kf: k, kr: k}, fast: true}
              loss: {equation: C ->, mass-action: {kf: kd}}
            """, file: "coupled.yaml").model
        let r = try CompiledModel(model).simulate(SimulationSettings(end: 10, output: .points(11), rtol: 1e-10, atol: 1e-12),
                                                  observe: ["A", "B", "C"])
        #expect(r.status == .success)
        // By default the species are reported, not the rewrite's own variables.
        let all = try CompiledModel(model).simulate(SimulationSettings(end: 1, output: .points(2)))
        #expect(all.names == ["A", "B", "C"])
        for (i, t) in r.times.enumerated() {
            let third = 2 * exp(-0.3 * t / 3) / 3
            for (k, name) in ["A", "B", "C"].enumerated() {
                #expect(abs(r.values[i][k] - third) <= 1e-7 * third, "\(name)(\(t)) = \(r.values[i][k]), expected \(third)")
            }
        }
    }

    /// An event that adds to a fast species: A ⇌ B fast (k·A = 3k·B, so A = 3B), concentrations in a
    /// compartment of size 2, no slow reactions. A + B = 2 until t = 1 (A = 1.5, B = 0.5); adding 4 to A
    /// makes it 6 (A = 4.5, B = 1.5), the new amounts re-equilibrated at once.
    @Test func anEventOnAFastSpeciesMovesItsTotal() throws {
        let model = try ModelLoader.load(yaml: """
            model: dose
            compartments: {cell: 2}
            species: {A: {compartment: cell, initial: 1}, B: {compartment: cell, initial: 1}}
            parameters: {k: 1, kr: 3}
            reactions:
              iso: {equation: A <-> B, mass-action: {kf: k, kr: kr}, fast: true}
            events:
              dose: {at: 1, add: {A: 4}}
            """, file: "dose.yaml").model
        let r = try CompiledModel(model).simulate(SimulationSettings(end: 2, output: .times([0, 0.5, 1.5, 2]), rtol: 1e-10, atol: 1e-12),
                                                  observe: ["A", "B"])
        #expect(r.status == .success)
        for (row, expected) in zip(r.values, [[1.5, 0.5], [1.5, 0.5], [4.5, 1.5], [4.5, 1.5]]) {
            #expect(abs(row[0] - expected[0]) <= 1e-9 && abs(row[1] - expected[1]) <= 1e-9, "\(row), expected \(expected)")
        }
    }

    /// An event that sets a fast binding's complex to 0 (fast-binding.yaml without its slow reactions):
    /// C = Keq·A·B with Keq = 2 from totals A + C = 1.5 and B + C = 2.5, so C = (9 − √21)/4 before t = 1.
    /// Setting C = 0 leaves the free A and B as they were, the new totals A′ + 0 and B′ + 0, and the
    /// binding equilibrates again from there: C = 2(A′ − C)(B′ − C), the smaller root.
    @Test func anEventOnAFastBindingReequilibratesFromTheNewAmounts() throws {
        let text = try String(contentsOfFile: Self.fixture, encoding: .utf8)
        let bare = text.components(separatedBy: "  inflow:")[0] + """
            events:
              reset: {at: 1, set: {C: 0}}
            """
        let model = try ModelLoader.load(yaml: bare, file: "reset.yaml").model
        let r = try CompiledModel(model).simulate(SimulationSettings(end: 2, output: .times([0.5, 2]), rtol: 1e-10, atol: 1e-12),
                                                  observe: ["A", "B", "C"])
        #expect(r.status == .success)
        let c0 = (9 - 21.0.squareRoot()) / 4
        let a1 = 1.5 - c0, b1 = 2.5 - c0
        // 2C² − (2(a1 + b1) + 1)C + 2·a1·b1 = 0.
        let p = 2 * (a1 + b1) + 1
        let c1 = (p - (p * p - 16 * a1 * b1).squareRoot()) / 4
        for (row, expected) in zip(r.values, [[1.5 - c0, 2.5 - c0, c0], [a1 - c1, b1 - c1, c1]]) {
            for k in 0..<3 { #expect(abs(row[k] - expected[k]) <= 1e-8, "\(row), expected \(expected)") }
        }
    }

    /// A ⇌ B, B ⇌ C and A ⇌ C all fast: three equilibria for two independent species over-determine them.
    @Test func linearlyDependentFastReactionsAreRefusedWithTheReactionsLocation() throws {
        let model = try ModelLoader.load(yaml: """
            model: cycle
            compartments: {cell: 1}
            species: {A: {compartment: cell, initial: 1}, B: {compartment: cell, initial: 1}, C: {compartment: cell, initial: 0}}
            parameters: {k: 1}
            reactions:
              one: {equation: A <-> B, mass-action: {kf: k, kr: k}, fast: true}
              two: {equation: B <-> C, mass-action: {kf: k, kr: k}, fast: true}
              three: {equation: A <-> C, mass-action: {kf: k, kr: k}, fast: true}
            """, file: "cycle.yaml").model
        #expect {
            _ = try CompiledModel(model)
        } throws: { error in
            "\(error)".hasPrefix("cycle.yaml:6:3: error: reaction 'one' is fast, and the stoichiometries of fast reactions 'one', 'two', 'three' are linearly dependent (rank 2 of 3)")
        }
    }

    @Test func fastThatIsNotABooleanIsAnErrorAtItsValue() throws {
        let text = try String(contentsOfFile: Self.fixture, encoding: .utf8).replacingOccurrences(of: "fast: true", with: "fast: 2")
        #expect {
            _ = try ModelLoader.load(yaml: text, file: "bad.yaml")
        } throws: { error in
            "\(error)".contains("bad.yaml:28:11: error: 'fast' of reaction 'binding' must be true or false")
        }
    }

    /// Level 3 Version 1 cannot say `max`: a fast model that uses it is refused at the fast reaction.
    @Test func sbmlExportOfAFastModelRefusesWhatLevel3Version1CannotSay() throws {
        let text = try String(contentsOfFile: Self.fixture, encoding: .utf8)
            .replacingOccurrences(of: "rate: kin", with: "rate: max(kin, 0)")
        let model = try ModelLoader.load(yaml: text, file: "max.yaml").model
        #expect {
            _ = try SBMLExporter.export(model)
        } throws: { error in
            "\(error)".contains("max.yaml:25:3: error: reaction 'binding' is fast, which only SBML Level 3 Version 1 can say, and the model as Version 1 is not valid")
        }
    }

    @Test func theYAMLWriterKeepsTheFlag() throws {
        let model = try ModelLoader.load(path: Self.fixture).model
        let again = try ModelLoader.load(yaml: YAMLModelWriter.write(model)).model
        #expect(again.reactions.map(\.fast) == model.reactions.map(\.fast))
        #expect(again.reaction(named: "binding")?.fast == true)
    }
}
