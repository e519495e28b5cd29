import Foundation
import PathwayModel
import SBML
import Simulator
import Testing

/// y₁' = −y₁, y₂' = −10⁴·(y₂ − y₁): eigenvalues −1 and −10⁴.
final class TwoRates: ODEFunction {
    let dimension = 2
    var isAutonomous: Bool { true }
    func evaluate(t: Double, y: UnsafePointer<Double>, dydt: UnsafeMutablePointer<Double>) {
        dydt[0] = -y[0]
        dydt[1] = -1e4 * (y[1] - y[0])
    }
    func jacobian(t: Double, y: UnsafePointer<Double>, into J: UnsafeMutablePointer<Double>) -> Bool {
        J[0] = -1; J[1] = 0
        J[2] = 1e4; J[3] = -1e4
        return true
    }
    static func exact(_ t: Double) -> [Double] {
        [exp(-t), 1e4 / (1e4 - 1) * (exp(-t) - exp(-1e4 * t))]
    }
}

@Suite("auto: the cost-based switch to BDF")
struct StiffnessSwitchTests {
    @Test("Rates 1 and 1e4: switches within a few dozen steps and stays accurate")
    func twoRates() throws {
        let problem = ODEProblem(function: TwoRates(), initialState: [1, 0], timeSpan: 0...10)
        let times = (1...10).map(Double.init)
        let sol = AutoIntegrator().solve(problem, output: .times(times))
        #expect(sol.status == .success)
        let before = try #require(sol.statistics.stepsBeforeSwitch)
        #expect(before <= 50, "\(sol.statistics)")
        #expect(sol.statistics.steps < 400, "\(sol.statistics)")
        for (i, t) in times.enumerated() {
            for k in 0..<2 {
                let exact = TwoRates.exact(t)[k]
                #expect(abs(sol.value(species: k, at: i) - exact) <= 1e-4 * abs(exact) + 1e-8)
            }
        }
    }

    @Test("Robertson switches within a hundred steps (rtol 1e-7: the transient takes about 60)")
    func robertson() throws {
        let problem = ODEProblem(function: Robertson(), initialState: [1, 0, 0], timeSpan: 0...40)
        let sol = AutoIntegrator().solve(problem, output: .times([40]), options: SolverOptions(rtol: 1e-7, atol: 1e-12))
        #expect(sol.status == .success)
        #expect(try #require(sol.statistics.stepsBeforeSwitch) <= 100, "\(sol.statistics)")
        for i in 0..<3 {
            #expect(abs(sol.value(species: i, at: 0) - StiffTests.reference40[i]) <= 1e-4 * StiffTests.reference40[i])
        }
    }

    @Test("Non-stiff Kholodenko 2000 stays with Dormand–Prince over its whole default run")
    func kholodenkoStaysExplicit() throws {
        let model = try CompiledModel(loadShippedModel("kholodenko-2000.yaml"))
        let r = try model.simulate(SimulationSettings(end: 10_000, output: .points(1001)))
        #expect(r.status == .success)
        #expect(r.statistics.switchedToStiffAt == nil)
        #expect(r.statistics.jacobianEvaluations == 0)
    }

    @Test("IL-11/MAPK–ERK switches within a few dozen steps")
    func il11MapkErk() throws {
        let model = try CompiledModel(loadShippedModel("il11-mapk-erk.yaml"))
        let r = try model.simulate(SimulationSettings(end: model.model.simulation.end ?? 14_400))
        #expect(r.status == .success)
        #expect(try #require(r.statistics.stepsBeforeSwitch) <= 60, "\(r.statistics)")
    }

    /// Chen et al. 2009 (BIOMD0000000255, ErbB signalling, 500 species), vendored in Fixtures: it used
    /// to stop at t = 0.05 s on a −1.0e-8 dip and, with tight tolerances, to take 12,791
    /// Dormand–Prince steps before switching. Agreement with tight runs and libRoadRunner is checked
    /// by `bench/chen2009-crosscheck.py` (release build; not a test).
    @Test("Chen 2009 runs at default settings and switches within a few dozen steps")
    func chen2009() throws {
        let path = repositoryRoot.appendingPathComponent("Tests/SimulatorTests/Fixtures/BIOMD0000000255.xml").path
        let model = try CompiledModel(SBMLImporter.importFile(path: path).model)
        let r = try model.simulate(SimulationSettings(end: 9000))
        #expect(r.status == .success, "\(r.status)")
        #expect(try #require(r.statistics.stepsBeforeSwitch) <= 50, "\(r.statistics)")
        #expect(r.values.allSatisfy { row in row.allSatisfy { $0.isFinite } })
    }
}
