import Foundation
import PathwayTestSupport
import PathwayModel
import Testing
@testable import Diagram

/// Paths in the repository, found from this file's location.
extension Repository {
    static let workedExample = path("Tests/PathwayModelTests/Fixtures/worked-example.yaml")
    static let goldenDirectory = path("Tests/DiagramTests/Golden")

    static func model(_ relative: String) throws -> Model {
        try ModelLoader.load(path: path(relative)).model
    }
}

/// Compares `text` with the golden file `name`; with `UPDATE_GOLDEN=1` in the environment,
/// (re)writes the golden file instead.
func expectGolden(_ text: String, _ name: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) throws {
    let url = URL(fileURLWithPath: Repository.goldenDirectory).appendingPathComponent(name)
    if ProcessInfo.processInfo.environment["UPDATE_GOLDEN"] == "1" {
        try Data(text.utf8).write(to: url, options: .atomic)
        return
    }
    let golden = try String(contentsOf: url, encoding: .utf8)
    #expect(text == golden, "output differs from Golden/\(name) (rerun with UPDATE_GOLDEN=1 to accept)",
            sourceLocation: sourceLocation)
}
