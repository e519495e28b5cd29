import Foundation
import PathwayTestSupport
import Simulator
import Testing
@testable import Calibration

/// What an objective evaluation shares between conditions, and the integration method it picks per run:
/// neither may change the likelihood.
@Suite("PEtab objective: shared simulations, shared preequilibration, the method per run")
struct ObjectiveSharingTests {
    /// The decay problem with its measurements at t = 1, 4, 10 and 15 moved to a second condition with the
    /// same (no) overrides: one simulation serves both conditions, at the union of their times, and the
    /// likelihood is the original one.
    @Test func identicalConditionsShareOneSimulation() throws {
        let source = Repository.path("Tests/CalibrationTests/Fixtures/decay")
        let dir = try makeTemporaryDirectory("pathway-petab-sharing")
        for name in try FileManager.default.contentsOfDirectory(atPath: source) {
            var text = try String(contentsOfFile: source + "/" + name, encoding: .utf8)
            if name == "experimentalCondition_decay.tsv" { text += "control2\tsecond plate\n" }
            if name == "measurementData_decay.tsv" {
                text = text.split(separator: "\n", omittingEmptySubsequences: false).map { line in
                    let cells = line.split(separator: "\t", omittingEmptySubsequences: false)
                    guard cells.count > 3, ["1", "4", "10", "15"].contains(cells[3]) else { return String(line) }
                    return line.replacingOccurrences(of: "\tcontrol\t", with: "\tcontrol2\t")
                }.joined(separator: "\n")
            }
            try text.write(to: dir.appendingPathComponent(name), atomically: true, encoding: .utf8)
        }
        let split = try PEtabObjective(PEtabProblem.load(path: dir.appendingPathComponent("decay.yaml").path), gradients: true)
        let original = try PEtabObjective(PEtabProblem.load(path: source + "/decay.yaml"), gradients: true)
        #expect(split.runs.map(\.leader) == [0, 0])
        #expect(split.runs[1].times == [1, 4, 10, 15])
        #expect(split.runs[0].outputTimes == original.runs[0].outputTimes)
        let a = split.evaluate(split.nominal, gradient: true), b = original.evaluate(original.nominal, gradient: true)
        #expect(a.failure == nil && b.failure == nil)
        #expect(Swift.abs(a.nllh - b.nllh) <= 1e-12 * Swift.abs(b.nllh), "\(a.nllh) vs \(b.nllh)")
        for (x, y) in zip(a.gradient ?? [], b.gradient ?? []) { #expect(Swift.abs(x - y) <= 1e-9 * max(1, Swift.abs(y))) }
    }

    /// Schwen 2014: 19 conditions with 7 distinct insulin doses, so 7 simulations; Brannmark 2010: eight
    /// dose conditions after one preequilibration condition, integrated to steady state once.
    @Test func schwenSimulatesEachDoseOnceAndBrannmarkPreequilibratesOnce() throws {
        let schwen = try PEtabObjective(PEtabProblem.load(path: fixture("Schwen_PONE2014")), gradients: false)
        #expect(schwen.runs.count == 19)
        #expect(Set(schwen.runs.map(\.leader)).count == 7)
        let brannmark = try PEtabObjective(PEtabProblem.load(path: fixture("Brannmark_JBC2010")), gradients: false)
        #expect(brannmark.runs.count == 8)
        #expect(Set(brannmark.runs.compactMap(\.steadyStateGroup)) == [0])
    }

    /// Schwen's long runs take BDF from the start (the default's stiffness test fires late there); its
    /// likelihood agrees with Dormand–Prince alone within 1e-7 (relative), both at rtol 1e-8. Crauste's
    /// one run stays with the default (Dormand–Prince is cheaper there). A copy keeps the choice.
    @Test func methodChosenPerRunLeavesTheLikelihood() throws {
        let problem = try PEtabProblem.load(path: fixture("Schwen_PONE2014"))
        let chosen = try PEtabObjective(problem, gradients: false)
        #expect(chosen.runs.contains { $0.simulationMethod == .bdf })
        var explicit = PEtabObjective.ObjectiveSettings()
        explicit.method = .dopri5
        let reference = try PEtabObjective(problem, gradients: false, settings: explicit)
        #expect(reference.runs.allSatisfy { $0.simulationMethod == .auto })
        let a = chosen.evaluate(chosen.nominal).nllh, b = reference.evaluate(reference.nominal).nllh
        #expect(Swift.abs(a - b) <= 1e-7 * Swift.abs(b), "\(a) vs \(b)")
        #expect(try chosen.copy().runs.map(\.simulationMethod) == chosen.runs.map(\.simulationMethod))
        let crauste = try PEtabObjective(PEtabProblem.load(path: fixture("Crauste_CellSystems2017")), gradients: false)
        #expect(crauste.runs.map(\.simulationMethod) == [.auto])
    }
}
