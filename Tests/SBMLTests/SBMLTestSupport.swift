import Conformance
import Foundation
import PathwayTestSupport
import PathwayModel
import SBML
import Simulator
import Testing

/// Paths of the repository and the SBML Test Suite cases the tests use, vendored in Fixtures (with the
/// suite's licence) so that a fresh clone runs every test.
enum Paths {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let suite = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Fixtures/sbml-test-suite/cases")
    static var hasSuite: Bool { FileManager.default.fileExists(atPath: suite.path) }
    static func testCase(_ id: String) -> String { suite.appendingPathComponent(id).path }
    /// The binary of the configuration being tested (see ``PathwayBinary``).
    static var hasBinary: Bool { PathwayBinary.url != nil }
}

/// Runs a suite case with the runner `pathway sbml-test` uses (``TestSuiteRunner``), the tests testing
/// what ships: import, the suite's tags, simulation at rtol 1e-10, the suite's comparison.
func runSuiteCase(_ id: String) throws -> (passed: Bool, worst: TestSuiteCase.Deviation?) {
    let outcome = TestSuiteRunner(jobs: 1).run(Paths.testCase(id), seed: 1)
    if outcome.status == .unsupported { Issue.record("\(id) is unsupported: \(outcome.detail)") }
    return (outcome.status == .passed, outcome.worst)
}

/// Simulates a model and returns the named columns at `points` times from 0 to `end`.
func trajectories(_ model: Model, names: [String], end: Double, points: Int = 101) throws -> [[Double]] {
    let compiled = try CompiledModel(model)
    let result = try compiled.simulate(SimulationSettings(end: end, output: .points(points), rtol: 1e-9, atol: 1e-12),
                                       observe: names)
    return result.values
}

/// Runs the built binary; returns the exit status, standard output and standard error.
func runPathway(_ arguments: [String], in directory: URL = Paths.repository) throws -> (status: Int32, out: String, err: String) {
    let r = try PathwayBinary.run(arguments, in: directory)
    return (r.status, r.stdout, r.stderr)
}

func temporaryDirectory() throws -> URL { try makeTemporaryDirectory("sbml-tests") }
