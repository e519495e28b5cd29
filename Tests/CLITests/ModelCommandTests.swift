import Foundation
import PathwayTestSupport
import Testing

@Suite("pathway validate, info and simulate (built binary)")
struct ModelCommandTests {
    @Test func validateAcceptsTheShippedModels() throws {
        let models = try FileManager.default.contentsOfDirectory(atPath: Repository.root.appendingPathComponent("models").path)
            .filter { $0.hasSuffix(".yaml") }.sorted().map { "models/\($0)" }
        #expect(models.count >= 7)
        let r = try PathwayBinary.run(["validate"] + models)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.split(separator: "\n").count == models.count)
    }

    @Test func validateReportsErrorsWithPositions() throws {
        let dir = try makeTemporaryDirectory()
        let file = dir.appendingPathComponent("bad.yaml")
        try """
            model: bad
            compartments: {cell: 1}
            species:
              STAT3: {compartment: cell, initial: 10}
            parameters: {k: {value: 1, source: test}}
            reactions:
              stat3_phosphorylation: {equation: STAT33 -> STAT3, mass-action: {kf: k}}
            """.write(to: file, atomically: true, encoding: .utf8)
        let r = try PathwayBinary.run(["validate", file.path])
        #expect(r.status == 1)
        #expect(r.stderr.contains("\(file.path):7:37: error: unknown species 'STAT33' in reaction 'stat3_phosphorylation' (did you mean 'STAT3'?)"))
        #expect(!r.stderr.contains("Fatal error"))
    }

    @Test func validateWarnsAboutASpeciesDrawnWithoutAnyArrow() throws {
        let dir = try makeTemporaryDirectory()
        let file = dir.appendingPathComponent("lone.yaml")
        try """
            model: lone
            compartments: {cell: 1}
            species:
              JAK1: {compartment: cell, initial: 1, entity: JAK1, active: true}
              STAT3: {compartment: cell, initial: 10, entity: STAT3}
              pSTAT3: {compartment: cell, entity: STAT3, active: true}
              PIP2: {compartment: cell, initial: 800, entity: PIP2}
            parameters: {k: {value: 1, source: test}}
            reactions:
              stat3_phosphorylation: {equation: STAT3 -> pSTAT3, michaelis-menten: {kcat: k, enzyme: JAK1, km: k}, kind: phosphorylation}
              pip2_turnover: {equation: PIP2 ->, mass-action: {kf: k}, kind: degradation}
            """.write(to: file, atomically: true, encoding: .utf8)
        let r = try PathwayBinary.run(["validate", file.path])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stderr == "\(file.path):7:3: warning: species 'PIP2' is drawn as node 'PIP2' in the activity view but no drawn influence touches it\n")
        let strict = try PathwayBinary.run(["validate", "--strict", file.path])
        #expect(strict.status == 1)
    }

    @Test func infoShowsTheComposedModel() throws {
        let r = try PathwayBinary.run(["info", "models/il11.yaml"])
        #expect(r.status == 0)
        for section in ["Modules (6)", "Species (74)", "Reactions (102)", "Scenarios", "Conservation laws", "socs3-knockout"] {
            #expect(r.stdout.contains(section), "missing \(section)")
        }
        let json = try PathwayBinary.run(["info", "models/il11.yaml", "--format", "json"])
        let object = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any]
        #expect((object?["species"] as? [Any])?.count == 74)
    }

    @Test func simulateWritesCSVAtomicallyAndDeterministically() throws {
        let dir = try makeTemporaryDirectory()
        let a = dir.appendingPathComponent("a.csv").path, b = dir.appendingPathComponent("b.csv").path
        for path in [a, b] {
            let r = try PathwayBinary.run(["simulate", "models/il11.yaml", "--t-end", "2h", "--points", "25",
                                           "--species", "pSTAT3,SOCS3", "-o", path])
            #expect(r.status == 0, "\(r.stderr)")
        }
        let text = try String(contentsOfFile: a, encoding: .utf8)
        #expect(text.hasPrefix("time,pSTAT3,SOCS3\n0,0,0\n"))
        #expect(text.split(separator: "\n").count == 26)
        #expect(try Data(contentsOf: URL(fileURLWithPath: a)) == Data(contentsOf: URL(fileURLWithPath: b)))
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted() == ["a.csv", "b.csv"])
    }

    @Test func simulateStatsAndMethods() throws {
        let r = try PathwayBinary.run(["simulate", "models/kholodenko-2000.yaml", "--method", "rk4", "--step", "1s",
                                       "--t-end", "10min", "--stats", "--format", "json"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stderr.contains("method rk4: steps 600 "), "\(r.stderr)")
        #expect(r.stderr.contains("compile"))
        #expect(r.stdout.hasPrefix("{\n  \"names\": [\"MKKK_P\", \"MKK_PP\", \"MAPK_PP\"],\n  \"status\": \"success\""))
        // A step outside RK4's stability region: the failure names the species and the time.
        let coarse = try PathwayBinary.run(["simulate", "models/kholodenko-2000.yaml", "--method", "rk4", "--step", "10s", "--t-end", "600"])
        #expect(coarse.status == 1)
        #expect(coarse.stderr.contains("error: simulation failed: 'MAPK' went negative"), "\(coarse.stderr)")
    }

    @Test(arguments: [
        (["simulate", "models/il11.yaml", "--method", "magic"], "Error: The value 'magic' is invalid for '--method <method>'."),
        (["simulate", "models/il11.yaml", "--species", "pSTAT33"], "error: unknown species or observable 'pSTAT33' (did you mean 'pSTAT3'?)"),
        (["simulate", "models/il11.yaml", "--scenario", "socs3-knockuot"], "error: unknown scenario 'socs3-knockuot' (did you mean 'socs3-knockout'?)"),
        (["simulate", "models/il11.yaml", "--t-end=-5min"], "error: --t-end must be positive"),
        (["simulate", "models/il11.yaml", "--t-end", "soon"], "error: --t-end: 'soon' is not a duration"),
        (["simulate", "models/il11.yaml", "--rtol", "2"], "--rtol must be between 0 and 1, not 2.0"),
        (["simulate", "models/il11.yaml", "--set", "kf0=fast"], "error: --set kf0=fast: 'fast' is not a number"),
        (["simulate", "models/il11.yaml", "--set", "kff0=1"], "unknown parameter or species 'kff0'"),
        (["simulate", "models/il11.yaml", "-o", "/nonexistent/dir/out.csv"], "error: cannot write '/nonexistent/dir/out.csv': directory '/nonexistent/dir' does not exist"),
        (["simulate", "models/nonexistent.yaml"], "models/nonexistent.yaml: error: no such file"),
    ])
    func simulateRefusesBadInput(_ arguments: [String], _ message: String) throws {
        let r = try PathwayBinary.run(arguments)
        #expect(r.status != 0)
        #expect(r.stderr.contains(message), "stderr: \(r.stderr)")
        #expect(!r.stderr.contains("Fatal error") && !r.stderr.contains("Stack dump"))
    }

    @Test func aFailingSimulationSaysWhereAndWhy() throws {
        // Explicit Euler with a step far outside its stability region on the stiff Huang-Ferrell model.
        let r = try PathwayBinary.run(["simulate", "models/huang-ferrell-1996.yaml", "--method", "euler", "--step", "1"])
        #expect(r.status == 1)
        #expect(r.stderr.contains("error: simulation failed:"), "\(r.stderr)")
        #expect(r.stdout.hasPrefix("time,"))
    }
}
