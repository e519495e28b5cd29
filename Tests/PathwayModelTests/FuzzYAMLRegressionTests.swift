import Foundation
import PathwayModel
import Testing

/// Inputs the YAML fuzzer (`make fuzz`, docs/fuzzing.md) kept, fed to the fuzz target's entry point
/// (`ModelLoader.load(yaml:file:directory:)`, includes resolved against `models/`): each must end in
/// positioned errors, not a trap or a hang.
@Suite("YAML fuzz findings")
struct FuzzYAMLRegressionTests {
    static let directory = "fuzz/regressions/FuzzYAML".inRepository
    static let inputs: [String] = {
        ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).sorted()
    }()

    @Test("A fuzz finding is refused with positioned errors", arguments: inputs)
    func refused(_ name: String) throws {
        let data = try Data(contentsOf: URL(fileURLWithPath: Self.directory).appendingPathComponent(name))
        // As the fuzz target reads its input: the bytes as UTF-8, invalid sequences replaced.
        let text = String(decoding: data, as: UTF8.self)
        do {
            _ = try ModelLoader.load(yaml: text, file: name, directory: "models".inRepository)
            Issue.record("\(name) was loaded")
        } catch {
            #expect(error.diagnostics.contains { $0.severity == .error && $0.location.line > 0 }, "\(error)")
        }
    }

    /// A mutated il11-fibroblast.yaml (composing the whole IL-11 model) that took over 10 s under
    /// ASan on a loaded machine: slow, not stuck; it is refused for an unknown key and an unknown name.
    @Test("The slow input of the first YAML run is refused for what is wrong in it")
    func slowInput() throws {
        let name = "timeout-ef9d3d689f7833f05de2696b9bfaffc76f6eb9f5"
        #expect(Self.inputs.contains(name))
        let data = try Data(contentsOf: URL(fileURLWithPath: Self.directory).appendingPathComponent(name))
        #expect(throws: ModelError.self) {
            try ModelLoader.load(yaml: String(decoding: data, as: UTF8.self), file: name, directory: "models".inRepository)
        }
        do {
            _ = try ModelLoader.load(yaml: String(decoding: data, as: UTF8.self), file: name, directory: "models".inRepository)
        } catch {
            let messages = error.diagnostics.map(\.message)
            #expect(messages.contains { $0.contains("unknown key 'xnit'") })
            #expect(messages.contains { $0.contains("'IL33_mRNA'") })
        }
    }
}
