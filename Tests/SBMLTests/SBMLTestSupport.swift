import Foundation
import PathwayTestSupport
import PathwayModel
import SBML
import Simulator

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

/// Runs a suite case as `pathway sbml-test` does: import, simulate at tight tolerances, compare.
func runSuiteCase(_ id: String) throws -> (passed: Bool, worst: TestSuiteCase.Deviation?) {
    let testCase = try TestSuiteCase(directory: Paths.testCase(id))
    let imported = try SBMLImporter.importFile(path: testCase.modelPath)
    let compiled = try CompiledModel(imported.model)
    let columns = testCase.variables.map { imported.column(for: $0, amount: testCase.quantity(of: $0)) }
    var settings = SimulationSettings(start: testCase.start, end: testCase.start + testCase.duration,
                                      output: .times(testCase.times), rtol: 1e-10, atol: testCase.absolute * 1e-6)
    settings.checkNegative = false // as `pathway sbml-test`: SBML quantities may go negative
    let result = try compiled.simulate(settings, observe: columns.map(\.symbol))
    let values = result.values.map { row in zip(row, columns).map { $0 * $1.factor } }
    return testCase.compare(values)
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
