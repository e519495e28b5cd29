import Foundation
import PathwayModel
import PathwayTestSupport
import Simulator
import Testing
@testable import Analysis

/// Steady states of differential–algebraic models: an algebraic rule non-linear in its variable, and a
/// fast reaction with a non-linear equilibrium (both compile to y' = f(y, z), 0 = g(y, z)).
///
/// **algebraic-rule.yaml.** X → Y at k1·z·X, Y → X at k2·Y (so X + Y = T, T = 3 from X₀ = 3, Y₀ = 0),
/// and 0 = g = z² + z·Y − c, with k1 = 2, k2 = 1, c = 3. At steady state k1·z·X = k2·Y, so with
/// X = T − Y, Y = k1·T·z / (k2 + k1·z) = 6z / (1 + 2z); g = 0 gives Y = (3 − z²)/z. Equal:
/// (3 − z²)(1 + 2z) = 6z², i.e. 2z³ + 7z² − 6z − 3 = (z − 1)(2z² + 9z + 3) = 0, whose other roots,
/// (−9 ± √57)/4, are negative (and give Y < 0): z = 1, Y = 2, X = 1.
///
/// Stability: the law eliminates X = T − Y, leaving y = Y and the algebraic z. With
/// f = k1·z·(T − Y) − k2·Y: J_yy = −k1·z − k2 = −3, J_yz = k1·(T − Y) = 2; J_zy = ∂g/∂Y = z = 1,
/// J_zz = ∂g/∂z = 2z + Y = 4. The reduced Jacobian is J_yy − J_yz·J_zy/J_zz = −3 − 2·1/4 = −7/2: stable.
/// Read as if z' = g, the 2×2 matrix [[−3, 2], [1, 4]] has eigenvalues (1 ± √57)/2 ≈ 4.27, −3.27,
/// which would call the state unstable.
///
/// **fast-binding.yaml.** A + B ⇌ C fast (K = kon/koff = 2), inflows kinA = 1, kinB = 0.75, every
/// species lost at kd = 0.5 (cell size 1). The slow reactions move the totals T_A = A + C and
/// T_B = B + C as T_A' = kinA − kd·T_A and T_B' = kinB − kd·T_B (the fast reaction conserves both), so
/// T_A = 2, T_B = 1.5; C = K·A·B = 2(2 − C)(1.5 − C) gives C² − 4C + 3 = 0, C = 1 (C = 3 would make A
/// negative): A = 1, B = 0.5, C = 1. The compiler's variables are Q_B = B − A, Q_C = C + A (linear in
/// T_A, T_B) and A itself (algebraic); Q_B' = (kinB − kinA) − kd·Q_B and Q_C' = kinA − kd·Q_C whatever A
/// is, so the reduced Jacobian is −kd·I: eigenvalues −0.5, −0.5.
@Suite("Steady states of differential–algebraic models")
struct SteadyStateDAETests {
    static let fixtures = "Tests/AnalysisTests/Fixtures/steady-state"
    static func load(_ name: String) throws -> Model {
        try ModelLoader.load(path: repositoryRoot.appendingPathComponent("\(fixtures)/\(name)").path).model
    }

    @Test func anAlgebraicRuleIsEliminatedFromTheStability() throws {
        let compiled = try CompiledModel(Self.load("algebraic-rule.yaml"))
        #expect(compiled.algebraicComponents == [compiled.stateNames.firstIndex(of: "z")!])
        let ss = try SteadyStateSolver().solve(compiled)
        #expect(ss.algebraic == ["z"])
        for (name, expected) in [("X", 1.0), ("Y", 2.0), ("z", 1.0)] {
            let value = try #require(ss.value(of: name))
            #expect(approximately(value, expected, relative: 1e-8), "\(name) = \(value), expected \(expected)")
        }
        #expect(ss.residual <= 1e-9 && ss.algebraicResidual <= 1e-9)
        #expect(ss.conservationLaws.map(\.description) == ["X + Y = 3"])
        #expect(ss.eigenvalues.count == 1)
        let eigenvalue = try #require(ss.eigenvalues.first)
        #expect(approximately(eigenvalue.real, -3.5, relative: 1e-7), "\(ss.eigenvalues)")
        #expect(eigenvalue.imaginary == 0)
        #expect(ss.stability == .stable)
    }

    /// When Newton alone does not get there, the fallback integration runs the model as the DAE it is
    /// (auto → BDF with the mass matrix) and lands on the same state.
    @Test func theFallbackIntegrationSolvesTheAlgebraicRules() throws {
        let compiled = try CompiledModel(Self.load("algebraic-rule.yaml"))
        let ss = try SteadyStateSolver(options: SteadyStateOptions(maxNewtonIterations: 1)).solve(compiled)
        #expect(ss.method.hasPrefix("integration"), "\(ss.attempts)")
        for (name, expected) in [("X", 1.0), ("Y", 2.0), ("z", 1.0)] {
            let value = try #require(ss.value(of: name))
            #expect(approximately(value, expected, relative: 1e-6), "\(name) = \(value), expected \(expected)")
        }
        #expect(ss.stability == .stable)
    }

    @Test func aFastEquilibriumIsReportedAsItsSpecies() throws {
        let model = try Self.load("fast-binding.yaml")
        let equilibria = model.fastEquilibria
        #expect(equilibria.map(\.reactions) == [["binding"]])
        #expect(equilibria.first?.species == ["A", "B", "C"])
        #expect(equilibria.first?.totals.map(\.weights) == [[1], [-1]])
        let compiled = try CompiledModel(model)
        let ss = try SteadyStateSolver().solve(compiled)
        for (name, expected) in [("A", 1.0), ("B", 0.5), ("C", 1.0)] {
            let value = try #require(ss.value(of: name))
            #expect(approximately(value, expected, relative: 1e-8), "\(name) = \(value), expected \(expected)")
        }
        #expect(ss.eigenvalues.count == 2)
        for e in ss.eigenvalues { #expect(approximately(e.real, -0.5, relative: 1e-8) && abs(e.imaginary) <= 1e-8, "\(ss.eigenvalues)") }
        #expect(ss.stability == .stable)
        // The report names the species, not the compiler's variables.
        let rows = ss.rows(model: model, equilibria: equilibria)
        #expect(rows.map(\.name) == ["A", "B", "C"])
        #expect(ss.totals(of: equilibria[0]) == ["B - A = -0.5", "C + A = 2"])
    }

    /// S = A_yy − A_yz·A_zz⁻¹·A_zy for z = {2} of [[−1, 0, 1], [0, −2, 1], [1, 1, 2]]:
    /// [[−1, 0], [0, −2]] − [1, 1]ᵀ·[1, 1]/2 = [[−1.5, −0.5], [−0.5, −2.5]]; a zero A_zz is refused.
    @Test func theSchurComplementEliminatesTheAlgebraicRows() throws {
        let a: [Double] = [-1, 0, 1, 0, -2, 1, 1, 1, 2]
        let s = try #require(ReducedSystem.eliminating([2], from: a, order: 3))
        #expect(s.order == 2)
        #expect(zip(s.matrix, [-1.5, -0.5, -0.5, -2.5]).allSatisfy { abs($0 - $1) <= 1e-15 }, "\(s.matrix)")
        var singular = a
        singular[8] = 0
        #expect(ReducedSystem.eliminating([2], from: singular, order: 3) == nil)
    }

    // MARK: The command line

    @Test func theCommandReportsTheReducedStabilityAndTheAlgebraicVariable() throws {
        let r = try pathway(["steady-state", "\(Self.fixtures)/algebraic-rule.yaml"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("stability: stable (largest eigenvalues of the Jacobian reduced by the conservation laws and the algebraic rules: -3.5; 1 in all, per s)"),
                "\(r.stdout)")
        #expect(r.stdout.contains("held by algebraic rules (0 = g, not rates of change; eliminated for the stability): z\n"))
        let csv = try pathway(["steady-state", "\(Self.fixtures)/algebraic-rule.yaml", "--format", "csv"])
        let rows = csv.stdout.split(separator: "\n").dropFirst().map { $0.split(separator: ",") }
        #expect(rows.map { String($0[0]) } == ["X", "Y", "z"])
        for (row, expected) in zip(rows, [1.0, 2, 1]) {
            #expect(approximately(Double(String(row[1]))!, expected, relative: 1e-8), "\(row)")
        }
    }

    /// 0 = z² + Y + 1 has no real root: refused at the rule, as `simulate` refuses it, with nothing on
    /// standard output.
    @Test func aRuleWithNoConsistentValueIsRefusedAtTheRule() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("no-root.yaml").path
        let text = try String(contentsOfFile: Repository.path("\(Self.fixtures)/algebraic-rule.yaml"), encoding: .utf8)
            .replacingOccurrences(of: "z: \"z^2 + z*Y - c\"", with: "z: \"z^2 + Y + 1\"")
        try text.write(toFile: file, atomically: true, encoding: .utf8)
        let r = try pathway(["steady-state", file])
        #expect(r.status == 1)
        #expect(r.stdout.isEmpty)
        #expect(r.stderr.hasPrefix("\(file):23:3: error: the algebraic rule 0 = z^2 + Y + 1 for 'z'"), "\(r.stderr)")
    }

    @Test func theCommandNamesTheSpeciesOfAFastReaction() throws {
        let r = try pathway(["steady-state", "\(Self.fixtures)/fast-binding.yaml"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("stability: stable"), "\(r.stdout)")
        #expect(r.stdout.contains("fast reaction 'binding' at equilibrium: A, B, C follow from its conserved totals (amounts):\n    B - A = -0.5\n    C + A = 2\n"),
                "\(r.stdout)")
        #expect(!r.stdout.contains("_fast"), "\(r.stdout)")
        let json = try pathway(["steady-state", "\(Self.fixtures)/fast-binding.yaml", "--format", "json"])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        #expect(object["stability"] as? String == "stable")
        let values = try #require(object["values"] as? [String: Double])
        #expect(values.keys.sorted() == ["A", "B", "C"])
        for (name, expected) in [("A", 1.0), ("B", 0.5), ("C", 1.0)] {
            #expect(approximately(values[name] ?? .nan, expected, relative: 1e-8), "\(name)")
        }
        let eigenvalues = try #require(object["eigenvalues"] as? [[Double]])
        #expect(eigenvalues.count == 2 && eigenvalues.allSatisfy { approximately($0[0], -0.5, relative: 1e-8) })
    }
}
