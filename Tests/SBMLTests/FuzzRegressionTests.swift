import Foundation
import PathwayModel
import SBML
import Testing

/// Inputs the fuzzer (`make fuzz`, docs/fuzzing.md) found, fed to the same entry point as the fuzz target:
/// each must give a positioned error, not a trap.
@Suite("SBML fuzz findings")
struct FuzzRegressionTests {
    static let directory = Paths.repository.appendingPathComponent("fuzz/regressions/FuzzSBML")
    static let inputs: [String] = {
        ((try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []).sorted()
    }()

    @Test("A fuzz finding is refused with a positioned error", arguments: inputs)
    func refused(_ name: String) throws {
        let data = try Data(contentsOf: Self.directory.appendingPathComponent(name))
        // As the fuzz target reads its input: the bytes as UTF-8, invalid sequences replaced.
        let text = String(decoding: data, as: UTF8.self)
        do {
            _ = try SBMLImporter.importXML(text, file: name)
            Issue.record("\(name) was imported")
        } catch {
            #expect(error.diagnostics.contains { $0.severity == .error && $0.location.line > 0 }, "\(error)")
        }
    }

    @Test("The findings are there")
    func present() {
        #expect(Self.inputs.contains { $0.hasPrefix("leak-81854202") })
    }
}
