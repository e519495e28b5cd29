import Foundation
import PathwayTestSupport
import Testing

@Suite("pathway on a model with a fast reaction")
struct FastReactionCommandTests {
    static let fixture = "Tests/SimulatorTests/Fixtures/fast-binding.yaml"

    @Test func simulateKeepsTheFastBindingAtEquilibrium() throws {
        let r = try PathwayBinary.run(["simulate", Self.fixture, "--t-end", "10s", "--points", "11", "--rtol", "1e-8"], in: Repository.root)
        #expect(r.status == 0, "\(r.stderr)")
        let lines = r.stdout.split(separator: "\n")
        #expect(lines.first == "time,A,B,C")
        #expect(lines.count == 12)
        for line in lines.dropFirst() {
            let v = line.split(separator: ",").compactMap { Double($0) }
            try #require(v.count == 4)
            // C = Keq·A·B with Keq = kon/koff = 4/2 (output rows between steps are interpolated, so the
            // equilibrium holds there to the solver's tolerance).
            #expect(abs(v[3] - 2 * v[1] * v[2]) <= 1e-6 * v[3], "\(line)")
        }
    }

    @Test func theStochasticSimulationRefusesTheFastReactionAtItsLocation() throws {
        let dir = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("ssa.csv").path
        let r = try PathwayBinary.run(["simulate", Self.fixture, "--method", "ssa", "-o", out], in: Repository.root)
        #expect(r.status != 0)
        #expect(r.stderr.contains("\(Self.fixture):25:3: error: the stochastic simulation cannot honour the fast reaction 'binding' (held at equilibrium at all times"), "\(r.stderr)")
        #expect(!r.stderr.contains("_fast"), "\(r.stderr)")
        #expect(!FileManager.default.fileExists(atPath: out))
    }

    /// Written as SBML Level 3 Version 1 (the last with `fast`), read back, simulated as the YAML is.
    @Test func convertWritesTheFastReactionAsLevel3Version1AndItSimulatesTheSame() throws {
        let dir = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("fast.xml").path
        let r = try PathwayBinary.run(["convert", Self.fixture, out], in: Repository.root)
        #expect(r.status == 0, "\(r.stderr)")
        let xml = try String(contentsOfFile: out, encoding: .utf8)
        #expect(xml.contains(#"level="3" version="1""#))
        #expect(xml.contains(#"id="binding" reversible="true" fast="true""#), "\(xml)")
        let check = try PathwayBinary.run(["validate", out], in: Repository.root)
        #expect(check.status == 0, "\(check.stderr)")
        let args = ["--t-end", "10s", "--points", "6", "--species", "A,B,C", "--rtol", "1e-10"]
        let yaml = try PathwayBinary.run(["simulate", Self.fixture] + args, in: Repository.root)
        let sbml = try PathwayBinary.run(["simulate", out] + args, in: Repository.root)
        #expect(yaml.status == 0 && sbml.status == 0, "\(yaml.stderr)\(sbml.stderr)")
        let rows = { (text: String) in text.split(separator: "\n").dropFirst().map { $0.split(separator: ",").compactMap { Double($0) } } }
        for (a, b) in zip(rows(yaml.stdout), rows(sbml.stdout)) {
            #expect(a.count == 4 && b.count == 4)
            for (x, y) in zip(a, b) { #expect(abs(x - y) <= 1e-8 * max(1, abs(x)), "\(a) vs \(b)") }
        }
    }

    @Test func validateNamesAFastValueThatIsNotABoolean() throws {
        let dir = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let text = try String(contentsOfFile: Repository.path(Self.fixture), encoding: .utf8)
        let file = dir.appendingPathComponent("bad.yaml").path
        try text.replacingOccurrences(of: "fast: true", with: "fast: [yes]").write(toFile: file, atomically: true, encoding: .utf8)
        let r = try PathwayBinary.run(["validate", file])
        #expect(r.status == 1)
        #expect(r.stderr.contains("\(file):28:11: error: 'fast' of reaction 'binding' must be true or false"), "\(r.stderr)")
        #expect(!r.stderr.contains("Fatal error"))
    }
}
