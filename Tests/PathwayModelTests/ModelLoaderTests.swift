import Foundation
import Testing
@testable import PathwayModel

/// Loads YAML text and returns the error messages as `line:column: message`.
func errors(in yaml: String) -> [String] {
    do {
        _ = try ModelLoader.load(yaml: yaml, file: "m.yaml")
        return []
    } catch {
        return error.errors.map { "\($0.location.line):\($0.location.column): \($0.message)" }
    }
}

let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")

/// A small valid model to break in tests.
let base = """
model: t
units: {time: min, concentration: nM}
compartments:
  cell: {size: 1}
species:
  STAT3: {compartment: cell, initial: 100}
  pSTAT3: {compartment: cell}
parameters:
  k: {value: 0.1, source: test}
reactions:
  phos:
    equation: STAT3 -> pSTAT3
    mass-action: {kf: k}

"""

@Suite("Loading and validating models")
struct ModelLoaderTests {
    @Test func workedExampleLoads() throws {
        let loaded = try ModelLoader.load(path: fixtures.appendingPathComponent("worked-example.yaml").path)
        let m = loaded.model
        #expect(loaded.warnings.isEmpty)
        #expect(m.id == "egf-mini")
        #expect(m.units == Units(time: .minute, concentration: .nanomolar, volume: .picolitre))
        #expect(m.species.map(\.id) == ["L", "R", "LR", "K", "Kp", "P"])
        #expect(m.species(named: "L")?.initialValue == 1)
        #expect(m.species(named: "P")?.constant == true)
        #expect(m.species(named: "Kp")?.display.state == "pT202/pY204")
        #expect(m.species(named: "LR")?.display.entities == ["L", "R"])
        #expect(m.reactions.count == 3)
        #expect(m.reaction(named: "binding")?.rateExpression.description == "kon * L * R - koff * LR")
        #expect(m.reaction(named: "activation")?.rateExpression.description == "kcat * LR * K / (Km + K)")
        #expect(m.reaction(named: "activation")?.modifiers == [
            Modifier("LR", .catalyst, location: SourceLocation(file: fixtures.appendingPathComponent("worked-example.yaml").path, line: 73, column: 44)),
        ])
        #expect(m.reaction(named: "activation")?.compartment == "cytoplasm")
        #expect(m.events.first?.trigger == .at(time: 30, every: nil, count: nil))
        #expect(m.drug(named: "blocker")?.ic50.value == 5)
        #expect(m.scenarios.map(\.id) == ["no-receptor", "blocked", "slow-binding"])
        #expect(m.simulation == SimulationDefaults(end: 60, points: 121, observe: ["Kp", "active_fraction"]))
    }

    @Test func unitsConvertOnTheWayIn() throws {
        let yaml = base.replacingOccurrences(of: "initial: 100", with: "initial: 1 µM") + """
            events:
              dose: {at: 2 h, every: 1 d, count: 2, add: {STAT3: 500 pM}}
            """
        let m = try ModelLoader.load(yaml: yaml).model
        #expect(m.species(named: "STAT3")?.initialValue == 1000)
        #expect(m.events[0].trigger == .at(time: 120, every: 1440, count: 2))
        #expect(m.events[0].assignments == [EventAssignment(target: "STAT3", mode: .add, value: .number(0.5))])
        #expect(m.events[0].trigger.times(from: 0, to: 10_000) == [120, 1560])
    }

    @Test func unknownSpeciesInAnEquationIsReportedAtItsColumnWithASuggestion() {
        let yaml = base.replacingOccurrences(of: "STAT3 -> pSTAT3", with: "STAT33 -> pSTAT3")
        #expect(errors(in: yaml) == ["12:15: unknown species 'STAT33' in reaction 'phos' (did you mean 'STAT3'?)"])
    }

    @Test func unknownNameInsideARateExpression() {
        let yaml = base.replacingOccurrences(of: "mass-action: {kf: k}", with: "rate: k * STAT3 / (Km + STAT3)")
        #expect(errors(in: yaml) == ["13:24: unknown name 'Km' in the rate of reaction 'phos'"])
    }

    @Test func malformedExpressionPointsAtTheProblem() {
        let yaml = base.replacingOccurrences(of: "mass-action: {kf: k}", with: "rate: \"k * (STAT3\"")
        #expect(errors(in: yaml) == ["13:22: malformed expression in the rate of reaction 'phos': expected ')', found the end of the expression"])
    }

    @Test func malformedYAML() {
        #expect(errors(in: "model: t\nspecies: [a, b\n") == ["3:1: malformed YAML: did not find expected ',' or ']' while parsing a flow sequence"])
    }

    @Test func wrongTypesAndUnknownKeys() {
        let yaml = base
            .replacingOccurrences(of: "initial: 100", with: "intial: 100")
            .replacingOccurrences(of: "value: 0.1", with: "value: fast")
        #expect(errors(in: yaml) == [
            "6:30: unknown key 'intial' in species 'STAT3' (did you mean 'initial'?)",
            "9:14: the value of parameter 'k' must be a number, found text 'fast'",
        ])
    }

    @Test func duplicateKeys() {
        let yaml = base.replacingOccurrences(of: "  pSTAT3: {compartment: cell}", with: "  pSTAT3: {compartment: cell}\n  STAT3: {compartment: cell}")
        #expect(errors(in: yaml) == ["6:3: duplicate key 'STAT3' in the same mapping: each name may be defined once"])
    }

    @Test func negativeInitialValue() {
        let yaml = base.replacingOccurrences(of: "initial: 100", with: "initial: -5")
        #expect(errors(in: yaml) == ["6:39: the initial value of species 'STAT3' must be zero or positive, found -5"])
    }

    @Test func reactionChangingAConstantSpecies() {
        let yaml = base.replacingOccurrences(of: "initial: 100}", with: "initial: 100, constant: true}")
        #expect(errors(in: yaml) == [
            "11:3: reaction 'phos' changes constant species 'STAT3': a constant species cannot be produced or consumed (mark it 'boundary: true' to keep it fixed while reactions use it)",
        ])
    }

    @Test func scenarioNamingSomethingMissing() {
        let yaml = base + """
            scenarios:
              ko:
                knockout: [STAT5]
                inhibit: {phoz: 0.5}
                set: {kk: 1}
            """
        #expect(errors(in: yaml) == [
            "16:16: unknown species 'STAT5' in scenario 'ko' (did you mean 'STAT3'?)",
            "17:15: unknown reaction 'phoz' in scenario 'ko' (did you mean 'phos'?)",
            "18:11: unknown parameter 'kk' in scenario 'ko'",
        ])
    }

    @Test func severalErrorsInOneRun() {
        let yaml = """
            model: t
            compartments: {cell: 1}
            species:
              A: {compartment: cel, initial: 1}
              B: {compartment: cell, role: kinaze}
            reactions:
              r1: {equation: A -> C, mass-action: {kf: k}}
              r2: {equation: A <-> B, mass-action: {kf: 1}}
            """
        #expect(errors(in: yaml) == [
            "4:3: unknown compartment 'cel' for species 'A' (did you mean 'cell'?)",
            "5:32: unknown role 'kinaze' for species 'B' (did you mean 'kinase'?) (roles: ligand, receptor, kinase, phosphatase, adaptor, gtpase, lipid, transcription-factor, gene, mrna, drug, complex, enzyme, protein, inhibitor, small-molecule, other)",
            "7:23: unknown species 'C' in reaction 'r1'",
            "7:44: unknown name 'k' in kf of reaction 'r1'",
            "8:18: reaction 'r2' is reversible ('<->') but its rate law has no reverse rate: give 'kr' in 'mass-action', or write '->'",
        ])
    }

    @Test func notAModel() {
        #expect(errors(in: "") == ["1:1: the file is empty: a model needs at least 'model:' and 'species:'"])
        #expect(errors(in: "- a\n- b\n") == ["1:1: a model file must be a mapping, found a list"])
        #expect(errors(in: "model: t\n") == ["1:1: model 't' defines no species"])
    }

    @Test func aBinaryFileIsRefused() throws {
        let dir = try temporaryDirectory()
        let path = dir.appendingPathComponent("image.yaml").path
        _ = FileManager.default.createFile(atPath: path, contents: Data([0x89, 0x50, 0x4E, 0x47, 0x00, 0x01]))
        #expect(throws: ModelError.self) { try ModelLoader.load(path: path) }
        do { _ = try ModelLoader.load(path: path) } catch {
            #expect(error.description.hasSuffix("error: '\(path)' is not a text file (it contains NUL bytes); a model is a YAML text file"))
        }
    }

    @Test func missingFile() {
        do {
            _ = try ModelLoader.load(path: "/nonexistent/model.yaml")
            Issue.record("should fail")
        } catch {
            #expect(error.description == "/nonexistent/model.yaml: error: no such file")
        }
    }

    @Test func parametersWithoutSourcesDrawWarnings() throws {
        let yaml = base.replacingOccurrences(of: "k: {value: 0.1, source: test}", with: "k: 0.1")
        let loaded = try ModelLoader.load(yaml: yaml, file: "m.yaml")
        #expect(loaded.warnings.map(\.description) == ["m.yaml:9:3: warning: parameter 'k' has no 'source': say where the number comes from"])
    }

    @Test func namesShareOneNamespace() {
        let yaml = base.replacingOccurrences(of: "  k: {value: 0.1, source: test}", with: "  k: {value: 0.1, source: test}\n  STAT3: 1")
        #expect(errors(in: yaml).first?.hasPrefix("10:3: 'STAT3' names both a species (at m.yaml:6:3) and a parameter") == true)
    }

    @Test func observablesMayNotFormACycle() {
        let yaml = base + "observables:\n  a: b + 1\n  b: a * 2\n"
        #expect(errors(in: yaml) == ["15:3: observables depend on each other in a cycle: a -> b -> a"])
    }
}

func temporaryDirectory() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("pathway-tests-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}
