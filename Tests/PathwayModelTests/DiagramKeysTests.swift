import Testing
@testable import PathwayModel

/// The keys that say how a model is drawn: `active: false`, `node:`, observables' `entity:` and the
/// reaction kinds `inhibitory-phosphorylation` and `sequestration`.
@Suite("Diagram keys of the model format")
struct DiagramKeysTests {
    static let yaml = """
        model: keys
        compartments:
          cytoplasm: {size: 1}
          nucleus: {size: 1, outside: cytoplasm}
        species:
          AKT: {compartment: cytoplasm, initial: 1, entity: AKT, active: true}
          BAD: {compartment: cytoplasm, initial: 10, entity: BAD}
          pBAD: {compartment: cytoplasm, entity: BAD, state: pS99, active: false}
          Y1433: {compartment: cytoplasm, initial: 5, entity: YWHAB}
          pBAD_1433: {compartment: cytoplasm, entities: [BAD, YWHAB]}
          STATn: {compartment: nucleus, entity: STAT3, node: STAT3_nuclear, active: true}
        parameters:
          k: {value: 1, source: test}
        reactions:
          bad_phosphorylation:
            equation: BAD -> pBAD
            michaelis-menten: {kcat: k, enzyme: AKT, km: k}
            kind: inhibitory-phosphorylation
          bad_sequestration:
            equation: pBAD + Y1433 -> pBAD_1433
            mass-action: {kf: k}
            kind: sequestration
        observables:
          pBAD_fraction: {expression: pBAD / (BAD + pBAD), label: phosphorylated fraction of BAD, entity: BAD}
          nuclear: {expression: STATn, entity: STAT3_nuclear}

        """

    @Test func theKeysAreRead() throws {
        let m = try ModelLoader.load(yaml: Self.yaml, file: "keys.yaml").model
        let akt = try #require(m.species(named: "AKT")), bad = try #require(m.species(named: "BAD"))
        let pBAD = try #require(m.species(named: "pBAD"))
        #expect(akt.display.active && !akt.display.inactive)
        #expect(!bad.display.active && !bad.display.inactive, "not said is neither")
        #expect(!pBAD.display.active && pBAD.display.inactive)
        #expect(m.species(named: "STATn")?.display.node == "STAT3_nuclear")
        #expect(m.reaction(named: "bad_phosphorylation")?.kind == .inhibitoryPhosphorylation)
        #expect(m.reaction(named: "bad_sequestration")?.kind == .sequestration)
        #expect(m.observables.map(\.entity) == ["BAD", "STAT3_nuclear"])
    }

    @Test func theKeysAreWrittenAndReadBack() throws {
        let m = try ModelLoader.load(yaml: Self.yaml, file: "keys.yaml").model
        let text = try YAMLModelWriter.write(m)
        #expect(text.contains("    active: false\n"))
        #expect(text.contains("    node: STAT3_nuclear\n"))
        #expect(text.contains("    kind: inhibitory-phosphorylation\n"))
        #expect(text.contains("entity: BAD}"))
        let again = try ModelLoader.load(yaml: text, file: "written.yaml").model
        #expect(again.species.map(\.display) == m.species.map(\.display))
        #expect(again.reactions.map(\.kind) == m.reactions.map(\.kind))
        #expect(again.observables.map(\.entity) == m.observables.map(\.entity))
    }

    @Test func anObservableReadsOutAKnownGeneProductOrNode() {
        let yaml = Self.yaml.replacingOccurrences(of: "of BAD, entity: BAD}", with: "of BAD, entity: BADD}")
        #expect(errors(in: yaml) == [
            "24:99: unknown gene product or node 'BADD' in observable 'pBAD_fraction' (did you mean 'BAD'?)",
        ])
    }

    @Test func aComplexDrawnPartlyAsANodeMustContainItsGeneProduct() throws {
        let yaml = Self.yaml.replacingOccurrences(of: "entities: [BAD, YWHAB]}", with: "entities: [BAD, YWHAB], node: STAT3_nuclear}")
        let loaded = try ModelLoader.load(yaml: yaml, file: "keys.yaml")
        #expect(loaded.warnings.map(\.message).contains(
            "complex 'pBAD_1433' is drawn partly as node 'STAT3_nuclear', but none of its entities is 'STAT3', the gene product of that node"))
    }

    @Test func aSharedSpeciesTakesTheFirstModuleThatSaysWhetherItIsActive() throws {
        let dir = try temporaryDirectory()
        func write(_ name: String, _ text: String) throws {
            try text.write(to: dir.appendingPathComponent(name), atomically: true, encoding: .utf8)
        }
        try write("a.yaml", """
            model: a
            compartments: {cell: 1}
            species:
              X: {compartment: cell}
              Y: {compartment: cell, active: true}
            """)
        try write("top.yaml", """
            model: top
            includes: [a.yaml]
            species:
              X: {compartment: cell, active: false, node: N}
              Y: {compartment: cell, active: false}
            """)
        let m = try ModelLoader.load(path: dir.appendingPathComponent("top.yaml").path).model
        let x = try #require(m.species(named: "X")), y = try #require(m.species(named: "Y"))
        #expect(x.display.inactive && !x.display.active && x.display.node == "N")
        #expect(y.display.active && !y.display.inactive)
    }
}
