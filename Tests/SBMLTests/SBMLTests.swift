import Foundation
import PathwayModel
import SBML
import Simulator
import Testing

// MARK: - Import of suite cases

@Suite("SBML Test Suite cases", .enabled(if: Paths.hasSuite, "the vendored SBML Test Suite cases are missing from Tests/SBMLTests/Fixtures"))
struct SuiteCaseTests {
    /// 00001 basic mass action; 00026 an event; 00025 a function definition; 00029 an assignment rule;
    /// 00069 a rate rule with events.
    @Test(arguments: ["00001", "00026", "00025", "00029", "00038"])
    func importsAndPasses(_ id: String) throws {
        let (passed, worst) = try runSuiteCase(id)
        #expect(passed, "case \(id): worst \(String(describing: worst))")
    }

    @Test func speciesQuantitiesFollowHasOnlySubstanceUnits() throws {
        let imported = try SBMLImporter.importFile(path: Paths.testCase("00001") + "/00001-sbml-l2v5.xml")
        let s1 = try #require(imported.model.species(named: "S1"))
        #expect(!s1.amountValued)
        #expect(s1.initialValue == 1.5e-4) // amount 1.5e-4 in a compartment of size 1
        #expect(imported.model.reactions.allSatisfy { $0.compartment == nil })
        #expect(imported.column(for: "S1", amount: true).factor == 1)
    }

    /// Event semantics: 00071 a delay; 00457 values from the trigger time; 00932 a non-persistent
    /// event; 00931 priorities; 00928 a trigger true at t = 0 with initialValue="false"; 00980 values
    /// from the execution time.
    @Test(arguments: ["00071", "00457", "00932", "00931", "00928", "00980"])
    func eventCasesPass(_ id: String) throws {
        let (passed, worst) = try runSuiteCase(id)
        #expect(passed, "case \(id): worst \(String(describing: worst))")
    }

    @Test func eventDelayAndPriorityCarryOver() throws {
        let delayed = try SBMLImporter.importFile(path: TestSuiteCase(directory: Paths.testCase("00071")).modelPath)
        #expect(delayed.model.events.contains { $0.delay != nil })
        let prioritised = try SBMLImporter.importFile(path: TestSuiteCase(directory: Paths.testCase("00931")).modelPath)
        #expect(prioritised.model.events.allSatisfy { $0.priority != nil })
    }

    /// A comp external model definition whose file is missing (01165 is vendored, as the subset has it,
    /// without its `enzyme_model-l3v1.xml`) is refused with the definition named, at its line.
    @Test func aMissingExternalModelIsNamedAtItsLine() throws {
        let testCase = try TestSuiteCase(directory: Paths.testCase("01165"))
        do {
            _ = try SBMLImporter.importFile(path: testCase.modelPath)
            Issue.record("case 01165 was imported without its external model file")
        } catch {
            #expect(error.kind == .missingFile)
            let message = error.diagnostics.map(\.description).joined(separator: "\n")
            #expect(message.contains("01165-sbml-l3v1.xml:63:111: error: comp external model definition 'ExtMod1': its source 'enzyme_model-l3v1.xml' is not there"), "\(message)")
        }
    }
}

// MARK: - Round trips

@Suite("SBML export round trip")
struct RoundTripTests {
    static let models: [String] = {
        var paths = [Paths.repository.appendingPathComponent("Tests/PathwayModelTests/Fixtures/worked-example.yaml").path]
        let il11 = Paths.repository.appendingPathComponent("models/il11.yaml").path
        if FileManager.default.fileExists(atPath: il11) { paths.append(il11) }
        return paths
    }()

    @Test(arguments: models)
    func exportValidateReimportSimulate(_ path: String) throws {
        let model = try ModelLoader.load(path: path).model
        let xml = try SBMLExporter.export(model)
        let problems = SBMLExporter.validate(xml: xml).filter { $0.severity == .error }
        #expect(problems.isEmpty, "\(problems)")
        let back = try SBMLImporter.importXML(xml, file: "roundtrip.xml").model
        #expect(Set(back.species.map(\.id)) == Set(model.species.map(\.id)))
        let names = model.species.map(\.id) + model.observables.map(\.id)
        let end = model.simulation.end ?? 100
        let a = try trajectories(model, names: names, end: end)
        let b = try trajectories(back, names: names, end: end)
        for (ra, rb) in zip(a, b) {
            for (x, y) in zip(ra, rb) {
                #expect(abs(x - y) <= 1e-6 * max(abs(x), abs(y)) + 1e-9, "\(path): \(x) vs \(y)")
            }
        }
    }

    @Test func scenarioAppliedBeforeExport() throws {
        let path = Paths.repository.appendingPathComponent("Tests/PathwayModelTests/Fixtures/worked-example.yaml").path
        let model = try ModelLoader.load(path: path).model
        let blocked = try model.applying(scenario: "blocked")
        let xml = try SBMLExporter.export(blocked)
        #expect(xml.contains("drug_blocker"))
        let back = try SBMLImporter.importXML(xml).model
        let a = try trajectories(blocked, names: ["Kp"], end: 60)
        let b = try trajectories(back, names: ["Kp"], end: 60)
        for (x, y) in zip(a, b) { #expect(abs(x[0] - y[0]) <= 1e-6 * abs(x[0]) + 1e-9) }
    }

    @Test func repeatedDosesExportAsOneEventPerDose() throws {
        let yaml = """
            model: doses
            units: {time: min, concentration: nM, volume: L}
            compartments: {cell: 1}
            species: {X: {compartment: cell, initial: 0}}
            parameters: {k: {value: 0.1, source: test}}
            reactions: {decay: {equation: X ->, mass-action: {kf: k}}}
            events: {dose: {at: 0, every: 10, count: 3, add: {X: 1}}}
            """
        let model = try ModelLoader.load(yaml: yaml).model
        let xml = try SBMLExporter.export(model)
        #expect(SBMLExporter.validate(xml: xml).filter { $0.severity == .error }.isEmpty)
        let back = try SBMLImporter.importXML(xml).model
        let a = try trajectories(model, names: ["X"], end: 40, points: 41)
        let b = try trajectories(back, names: ["X"], end: 40, points: 41)
        for (x, y) in zip(a, b) { #expect(abs(x[0] - y[0]) <= 1e-6 * abs(x[0]) + 1e-9, "\(x) vs \(y)") }
    }
}

// MARK: - Bad input

@Suite("SBML input errors")
struct InputErrorTests {
    @Test func malformedXMLIsLocated() throws {
        let dir = try temporaryDirectory()
        let path = dir.appendingPathComponent("bad.xml").path
        try "<?xml version=\"1.0\"?>\n<sbml xmlns=\"http://www.sbml.org/sbml/level3/version2/core\" level=\"3\" version=\"2\">\n  <model id=\"m\">\n</sbml>\n"
            .write(toFile: path, atomically: true, encoding: .utf8)
        do {
            _ = try SBMLImporter.importFile(path: path)
            Issue.record("malformed XML was accepted")
        } catch {
            #expect(error.kind == .unreadable)
            let first = try #require(error.diagnostics.first)
            #expect(first.location.file == path)
            #expect(first.location.line > 0)
            #expect(first.description.hasPrefix("\(path):\(first.location.line):"))
        }
    }

    @Test func nonSBMLXMLIsRefused() throws {
        do {
            _ = try SBMLImporter.importXML("<?xml version=\"1.0\"?>\n<html><body>not a model</body></html>\n", file: "page.xml")
            Issue.record("HTML was accepted as SBML")
        } catch {
            #expect(error.kind != .unsupported)
            #expect(!error.diagnostics.isEmpty)
            #expect(error.diagnostics.allSatisfy { $0.location.file == "page.xml" })
        }
    }

    @Test func danglingReferenceIsInvalid() throws {
        let xml = """
            <?xml version="1.0" encoding="UTF-8"?>
            <sbml xmlns="http://www.sbml.org/sbml/level3/version2/core" level="3" version="2">
              <model id="m">
                <listOfCompartments>
                  <compartment id="c" size="1" constant="true"/>
                </listOfCompartments>
                <listOfSpecies>
                  <species id="S" compartment="nowhere" initialConcentration="1" hasOnlySubstanceUnits="false" boundaryCondition="false" constant="false"/>
                </listOfSpecies>
              </model>
            </sbml>
            """
        do {
            _ = try SBMLImporter.importXML(xml, file: "dangling.xml")
            Issue.record("a species in an unknown compartment was accepted")
        } catch {
            #expect(error.kind == .invalid)
            let text = error.description
            #expect(text.contains("dangling.xml:8:"), "\(text)")
            #expect(text.contains("nowhere"))
        }
    }

    @Test func missingFile() {
        #expect(throws: SBMLImportError.self) { try SBMLImporter.importFile(path: "/nonexistent/model.xml") }
    }
}

// MARK: - Command line

@Suite("pathway convert and sbml-test", .enabled(if: Paths.hasBinary, "build the binary first (swift build)"))
struct CommandLineTests {
    @Test func convertYAMLToSBMLAndBack() throws {
        let dir = try temporaryDirectory()
        let xml = dir.appendingPathComponent("worked.xml").path
        let yaml = dir.appendingPathComponent("worked.yaml").path
        let source = "Tests/PathwayModelTests/Fixtures/worked-example.yaml"
        let a = try runPathway(["convert", source, xml, "--scenario", "slow-binding"])
        #expect(a.status == 0, "\(a.err)")
        let text = try String(contentsOfFile: xml, encoding: .utf8)
        #expect(text.contains("<sbml") && text.contains("level=\"3\" version=\"2\""))
        let b = try runPathway(["convert", xml, yaml])
        #expect(b.status == 0, "\(b.err)")
        let c = try runPathway(["simulate", yaml, "--t-end", "10", "--points", "3", "--species", "Kp"])
        #expect(c.status == 0, "\(c.err)")
        let d = try runPathway(["simulate", xml, "--t-end", "10", "--points", "3", "--species", "Kp"])
        #expect(d.status == 0, "\(d.err)")
        #expect(c.out == d.out)
    }

    @Test func convertReportsBadSBMLWithLocation() throws {
        let dir = try temporaryDirectory()
        let bad = dir.appendingPathComponent("bad.xml")
        try "<sbml><model></sbml>".write(to: bad, atomically: true, encoding: .utf8)
        let r = try runPathway(["convert", bad.path, dir.appendingPathComponent("out.yaml").path])
        #expect(r.status != 0)
        #expect(r.err.contains("\(bad.path):1:"), "\(r.err)")
        #expect(!r.err.contains("Fatal error"))
    }

    @Test(.enabled(if: Paths.hasSuite)) func sbmlTestRunsCases() throws {
        let dir = try temporaryDirectory()
        let r = try runPathway(["sbml-test", Paths.testCase("00001"), Paths.testCase("01399"), "--output-dir", dir.path])
        #expect(r.status == 0, "\(r.err)")
        #expect(r.out.contains("00001 passed"))
        #expect(r.out.contains("01399 unsupported: fast reaction (declared by the case; not in its model file)"), "\(r.out)")
        #expect(r.out.contains("sbml-test: 1 passed, 0 failed, 1 unsupported"))
        #expect(FileManager.default.fileExists(atPath: dir.appendingPathComponent("00001.csv").path))
        let json = try runPathway(["sbml-test", Paths.testCase("00001"), "--format", "json"])
        #expect(json.out.contains("\"passed\": 1"))
    }
}
