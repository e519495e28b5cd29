import Foundation
import PathwayModel
import PathwayTestSupport
import SBML
import Simulator
import Testing

/// Algebraic rules that have no closed form (non-linear in their variable, or a cycle of rules), solved
/// by BDF with a mass matrix as a semi-explicit index-1 differential–algebraic system.
@Suite("Differential–algebraic systems")
struct DAETests {
    static let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Fixtures/dae/quadratic-constraint.yaml")

    /// y' = −k·y (y₀ = 2, k = 1/2; y set to 4 at t = 2) and 0 = z² + z·y − c (c = 3): the positive root.
    static func y(_ t: Double) -> Double { t < 2 ? 2 * exp(-t / 2) : 4 * exp(-(t - 2) / 2) }
    static func z(_ t: Double) -> Double { let y = y(t); return (-y + (y * y + 12).squareRoot()) / 2 }

    static func load(_ yaml: String) throws -> Model { try ModelLoader.load(yaml: yaml, file: "dae.yaml").model }
    static var text: String { get throws { try String(contentsOf: fixture, encoding: .utf8) } }

    @Test func aNonLinearConstraintFollowsItsRootAcrossAnEvent() throws {
        let compiled = try CompiledModel(Self.load(Self.text))
        #expect(compiled.algebraicComponents == [compiled.stateNames.firstIndex(of: "z")!])
        let times = [0.0, 0.5, 1, 1.999, 2, 2.5, 3, 4]
        let result = try compiled.simulate(SimulationSettings(end: 4, output: .times(times), rtol: 1e-10, atol: 1e-14),
                                           observe: ["y", "z_value"])
        #expect(result.status == .success)
        for (i, t) in times.enumerated() {
            // At t = 2 the row is the state after the event.
            let expectedY = Self.y(t), expectedZ = Self.z(t)
            #expect(abs(result.values[i][0] - expectedY) <= 1e-7 * expectedY, "y(\(t)) = \(result.values[i][0]), expected \(expectedY)")
            #expect(abs(result.values[i][1] - expectedZ) <= 1e-7 * expectedZ, "z(\(t)) = \(result.values[i][1]), expected \(expectedZ)")
        }
    }

    /// The starting value is only Newton's starting point: from z = −1.5 Newton finds the other root.
    @Test func theStartingValuePicksTheRoot() throws {
        let yaml = try Self.text.replacingOccurrences(of: "z: {value: 1,", with: "z: {value: -1.5,")
        let result = try CompiledModel(Self.load(yaml)).simulate(SimulationSettings(end: 1, output: .times([0, 1]), rtol: 1e-10, atol: 1e-14),
                                                                  observe: ["z_value"])
        for (row, t) in zip(result.values, [0.0, 1]) {
            let y = Self.y(t), expected = (-y - (y * y + 12).squareRoot()) / 2
            #expect(abs(row[0] - expected) <= 1e-7 * abs(expected), "z(\(t)) = \(row[0]), expected \(expected)")
        }
    }

    /// 0 = x − w − 1 and 0 = x + w − 3y: each linear, but each solution needs the other's variable, so
    /// they are solved together: x = (1 + 3y)/2, w = (3y − 1)/2.
    @Test func aCycleOfLinearRulesIsSolvedTogether() throws {
        let yaml = try Self.text
            .replacingOccurrences(of: "  z: \"z^2 + z*y - c\"", with: "  x: \"x - w - 1\"\n  w: \"x + w - 3*y\"")
            .replacingOccurrences(of: "  z: {value: 1,", with: "  x: {value: 0, source: \"a rule\"}\n  w: {value: 0,")
            .replacingOccurrences(of: "  z_value: \"z\"", with: "  x_value: \"x\"\n  w_value: \"w\"")
        let compiled = try CompiledModel(Self.load(yaml))
        #expect(compiled.algebraicComponents.count == 2)
        let times = [0.0, 1, 3]
        let result = try compiled.simulate(SimulationSettings(end: 3, output: .times(times), rtol: 1e-10, atol: 1e-14),
                                           observe: ["x_value", "w_value"])
        for (i, t) in times.enumerated() {
            let y = Self.y(t)
            #expect(abs(result.values[i][0] - (1 + 3 * y) / 2) <= 1e-7, "x(\(t)) = \(result.values[i][0])")
            #expect(abs(result.values[i][1] - (3 * y - 1) / 2) <= 1e-7, "w(\(t)) = \(result.values[i][1])")
        }
    }

    /// Bad input: ∂g/∂z = 2z + y is 0 at the start (z = −1, y = 2), so the rule does not determine z there
    /// (not index 1); 0 = z² + y has no real root, so Newton cannot find one; an explicit method cannot
    /// solve an algebraic rule. Each is refused, naming the rule where the model says it.
    @Test(arguments: [
        ("z: {value: -1,", "z: {value: -1,", "bdf", "dae.yaml:18:3: the algebraic rule 0 = z^2 + z * y - c for 'z' does not determine it at t = 0.0 (z = -1.0)"),
        ("z: {value: 1,", "z: \"z^2 + y\"", "bdf", "dae.yaml:18:3: the algebraic rule 0 = z^2 + y for 'z' has no consistent value at t = 0.0: Newton's method"),
        ("z: {value: 1,", "z: {value: 1,", "rk4", "only the bdf method solves (auto uses it for such models), not rk4"),
    ])
    func refusedByName(_ value: String, _ rule: String, _ method: String, _ message: String) throws {
        var yaml = try Self.text.replacingOccurrences(of: "z: {value: 1,", with: value)
        if rule.hasPrefix("z: \"") { yaml = yaml.replacingOccurrences(of: "z: \"z^2 + z*y - c\"", with: rule) }
        let compiled = try CompiledModel(Self.load(yaml))
        do {
            _ = try compiled.simulate(SimulationSettings(end: 1, method: Method(rawValue: method)!))
            Issue.record("simulated")
        } catch {
            let text = (error.location.map { "\($0.file):\($0.line):\($0.column): " } ?? "") + error.message
            #expect(text.contains(message), "\(text)")
        }
    }

    /// Index 2: y' = z with 0 = y − sin(t) determines z only through y's derivative; the rule does not
    /// contain z, so it cannot be solved for z by any Newton iteration, and the model is refused at load,
    /// naming the rule.
    @Test func aHigherIndexSystemIsRefusedNamingTheRule() throws {
        let yaml = try Self.text
            .replacingOccurrences(of: "  z: \"z^2 + z*y - c\"", with: "  z: \"w - sin(time)\"")
            .replacingOccurrences(of: "  z: {value: 1,", with: "  w: {value: 0, source: \"integrates z\"}\n  z: {value: 1,")
            + "rate-rules:\n  w: \"z\"\n"
        do {
            _ = try Self.load(yaml)
            Issue.record("loaded")
        } catch {
            let text = String(describing: error)
            #expect(text.contains("dae.yaml:19:3: error: the algebraic rule for 'z' does not contain 'z'"), "\(text)")
        }
    }

    /// The built binary on the fixture: z on its root, and the refusal as `file:line:column: error:`.
    @Test(.enabled(if: Paths.hasBinary)) func cliSimulatesTheFixtureAndNamesTheRule() throws {
        let r = try runPathway(["simulate", Self.fixture.path, "--t-end", "4", "--points", "5", "--rtol", "1e-10"])
        #expect(r.status == 0, "\(r.err)")
        let rows = r.out.split(separator: "\n").dropFirst().map { $0.split(separator: ",").map { Double($0)! } }
        #expect(rows.count == 5)
        for row in rows {
            let t = row[0], z = Self.z(t)
            #expect(abs(row[2] - z) <= 1e-7 * z, "z(\(t)) = \(row[2]), expected \(z)")
        }
        let dir = try temporaryDirectory()
        let bad = dir.appendingPathComponent("singular.yaml")
        try Self.text.replacingOccurrences(of: "z: {value: 1,", with: "z: {value: -1,").write(to: bad, atomically: true, encoding: .utf8)
        let refused = try runPathway(["simulate", bad.path])
        #expect(refused.status != 0)
        #expect(refused.out.isEmpty)
        #expect(refused.err.hasPrefix("\(bad.path):18:3: error: the algebraic rule 0 = z^2 + z * y - c for 'z' does not determine it"), "\(refused.err)")
    }
}
