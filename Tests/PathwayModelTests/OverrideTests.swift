import Foundation
import Testing
@testable import PathwayModel

/// `overrides:` — a variant (a cell type) includes a model and changes values it defines.
@Suite("Overrides in a model variant")
struct OverrideTests {
    /// A base model in a fresh directory and a variant of it; returns the variant's path.
    func variant(_ overrides: String) throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("pathway-overrides-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        try """
            model: base
            compartments: {cell: 2}
            species:
              A: {compartment: cell, initial: 10}
              B: {compartment: cell}
            parameters:
              k_conv: {value: 0.1, unit: 1/s, source: "base source"}
            reactions:
              conv: {equation: A -> B, mass-action: {kf: k_conv}}
            """.write(to: dir.appendingPathComponent("base.yaml"), atomically: true, encoding: .utf8)
        let file = dir.appendingPathComponent("variant.yaml")
        try """
            model: variant
            includes: [base.yaml]
            overrides:
            \(overrides)
            """.write(to: file, atomically: true, encoding: .utf8)
        return file.path
    }

    @Test func overridesChangeParametersInitialValuesAndSizesWithTheirSources() throws {
        let path = try variant("""
              parameters:
                k_conv: {value: 0.3, source: "variant source"}
              species:
                A: {initial: 2 µM, source: "variant level"}
              compartments:
                cell: {size: 5, source: "variant volume"}
            """)
        let loaded = try ModelLoader.load(path: path)
        let m = loaded.model
        #expect(m.parameters.first { $0.id == "k_conv" }?.value == 0.3)
        #expect(m.parameters.first { $0.id == "k_conv" }?.source == "variant source")
        #expect(m.species.first { $0.id == "A" }?.initialValue == 2000)
        #expect(m.compartments.first { $0.id == "cell" }?.size == 5)
        #expect(loaded.warnings.isEmpty, "\(loaded.warnings)")
    }

    @Test func anOverrideOfAnUnknownNameIsAnErrorWithASuggestion() throws {
        let path = try variant("""
              parameters:
                k_comv: {value: 0.3, source: "typo"}
            """)
        do {
            _ = try ModelLoader.load(path: path)
            Issue.record("expected an error")
        } catch {
            let d = try #require(error.errors.first)
            #expect(d.message.hasPrefix("override of unknown parameter 'k_comv' (did you mean 'k_conv'?)"), "\(d.message)")
            #expect(d.location.line == 5 && d.location.column == 5)
        }
    }

    @Test func anOverrideWithoutASourceWarnsAndANegativeValueIsAnError() throws {
        let warned = try ModelLoader.load(path: try variant("""
              parameters:
                k_conv: 0.5
            """))
        #expect(warned.warnings.map(\.message) == ["the override of parameter 'k_conv' has no 'source': say where the number comes from"])
        let negative = try variant("""
              species:
                A: {initial: -1, source: "wrong"}
            """)
        do {
            _ = try ModelLoader.load(path: negative)
            Issue.record("expected an error")
        } catch {
            #expect(error.errors.first?.message == "the override of species 'A' must be zero or positive, found -1")
        }
    }
}
