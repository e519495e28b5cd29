import Foundation
import PathwayTestSupport
import Testing

/// Inputs that used to crash, hang or print nothing (issue #12): each is now an error with a message and
/// a non-zero exit, or valid output.
@Suite("Input traps: duplicate arguments, non-finite numbers, huge schedules and grids (built binary)")
struct InputTrapTests {
    func write(_ text: String, _ name: String) throws -> String {
        let file = try makeTemporaryDirectory().appendingPathComponent(name)
        try text.write(to: file, atomically: true, encoding: .utf8)
        return file.path
    }

    static let decay = """
        model: decay
        compartments: {cell: 1}
        species:
          A: {compartment: cell, initial: 1}
        parameters:
          k: {value: 0.1, source: test}
        reactions:
          loss: {equation: A ->, mass-action: {kf: k}}
        """

    @Test func duplicateFunctionArgumentsAreAPositionedErrorNotATrap() throws {
        let file = try write("""
            model: m
            compartments: {cell: 1}
            species:
              A: {compartment: cell, initial: 1}
            parameters: {k: {value: 1, source: test}}
            functions:
              f: {arguments: [x, x], body: x * x}
            reactions:
              decay: {equation: A ->, rate: "f(k, A)"}
            """, "dup.yaml")
        for command in ["validate", "simulate", "info"] {
            let r = try PathwayBinary.run([command, file])
            #expect(r.status == 1, "\(command): \(r.stderr)")
            #expect(r.stderr.contains("\(file):7:3: error: function 'f' has two arguments named 'x'"), "\(command): \(r.stderr)")
            #expect(!r.stderr.contains("Fatal error"))
        }
    }

    @Test(arguments: [".inf", "-.inf", ".nan"])
    func infoJSONWritesNonFiniteNumbersAsNull(_ value: String) throws {
        // A parameter that no built-in rate law uses directly may hold any value, infinite included.
        let file = try write(Self.decay.replacingOccurrences(of: "  k: {value: 0.1, source: test}",
                                                              with: "  k: {value: 0.1, source: test}\n  big: {value: \(value), source: test}"),
                             "nonfinite.yaml")
        let r = try PathwayBinary.run(["info", file, "--format", "json"])
        #expect(r.status == 0, "\(r.stderr)")
        let json = try JSONSerialization.jsonObject(with: r.stdoutData) as? [String: Any]
        let parameters = json?["parameters"] as? [[String: Any]] ?? []
        let big = parameters.first { $0["id"] as? String == "big" }
        #expect(big != nil)
        #expect(big?["value"] is NSNull)
    }

    @Test func infoJSONIsValidForEveryShippedModel() throws {
        let models = try FileManager.default.contentsOfDirectory(atPath: Repository.path("models")).filter { $0.hasSuffix(".yaml") }
        for m in models {
            let r = try PathwayBinary.run(["info", "models/\(m)", "--format", "json"])
            #expect(r.status == 0, "\(m): \(r.stderr)")
            #expect((try? JSONSerialization.jsonObject(with: r.stdoutData)) != nil, "\(m)")
        }
    }

    @Test func aDoseEveryPicosecondIsRefusedWithTheLimit() throws {
        let file = try write(Self.decay, "decay.yaml")
        let clock = ContinuousClock()
        let start = clock.now
        let r = try PathwayBinary.run(["simulate", file, "--dose", "A=1nM@0,every=1e-12s", "--t-end", "100"])
        #expect(r.status == 1)
        #expect(r.stderr.contains("more than the limit of 1000000 occurrences"), "\(r.stderr)")
        #expect(clock.now - start < .seconds(30))
    }

    @Test func aModelEventEveryNanosecondIsRefusedWithTheLimit() throws {
        let file = try write(Self.decay + "\nevents:\n  pulse: {at: 0, every: 1e-9, add: {A: 1}}\nsimulation: {t-end: 10}\n", "pulse.yaml")
        let r = try PathwayBinary.run(["simulate", file])
        #expect(r.status == 1)
        #expect(r.stderr.contains("limit of 1000000 occurrences"), "\(r.stderr)")
    }

    @Test func aFiniteRepeatedDoseStillRuns() throws {
        let file = try write(Self.decay, "decay.yaml")
        let r = try PathwayBinary.run(["simulate", file, "--dose", "A=1@0,every=1s,count=1000", "--t-end", "10", "--points", "11"])
        #expect(r.status == 0, "\(r.stderr)")
    }

    @Test func plottingAScanAboveTheLimitIsRefusedBeforeAnyWork() throws {
        let file = try write(Self.decay.replacingOccurrences(of: "  k: {value: 0.1, source: test}",
                                                              with: "  k: {value: 0.1, source: test}\n  k2: {value: 1, source: test}"), "scan.yaml")
        let dir = try makeTemporaryDirectory()
        let r = try PathwayBinary.run(["scan", file, "--param", "k:0.1:1:1001", "--param", "k2:0.1:1:1001", "--observe", "A",
                                       "--plot", dir.appendingPathComponent("p.svg").path])
        #expect(r.status == 1)
        #expect(r.stderr.contains("--plot draws at most 1000000 points, and this scan has 1002001 rows"), "\(r.stderr)")
    }

    /// `pathway validate` on a chain of 20 species: every kind of repeated warning is cut to five and a count.
    @Test func validateSummarisesRepeatedWarnings() throws {
        var yaml = "model: chain\ncompartments: {cell: 1}\nspecies:\n"
        for i in 1...20 { yaml += "  S\(i): {compartment: cell, initial: 1}\n" }
        yaml += "parameters:\n"
        for i in 1...20 { yaml += "  k\(i): 0.5\n" }
        yaml += "reactions:\n"
        for i in 1..<20 { yaml += "  r\(i): {equation: S\(i) -> S\(i + 1), mass-action: {kf: k\(i)}}\n" }
        yaml += "  decay: {equation: S20 ->, mass-action: {kf: k20}}\n"
        let file = try write(yaml, "chain.yaml")
        let r = try PathwayBinary.run(["validate", file])
        #expect(r.status == 0, "\(r.stderr)")
        let lines = r.stderr.split(separator: "\n")
        #expect(lines.filter { $0.contains("has no 'source'") }.count == 5)
        #expect(lines.contains { $0.hasPrefix("\(file):30:3: warning: … and 15 more parameters without a source") })
        #expect(lines.filter { $0.contains("no drawn influence touches it") }.count == 5)
        #expect(lines.contains { $0.hasSuffix("warning: … and 15 more species drawn without any influence") })
        #expect(lines.count == 12)
    }

    @Test func infoJSONWritesAnInfiniteSBMLValueAsNull() throws {
        let file = try write("""
            <?xml version="1.0" encoding="UTF-8"?>
            <sbml xmlns="http://www.sbml.org/sbml/level3/version2/core" level="3" version="2">
            <model id="m">
            <listOfCompartments><compartment id="cell" size="1" constant="true"/></listOfCompartments>
            <listOfSpecies><species id="A" compartment="cell" initialConcentration="1" hasOnlySubstanceUnits="false" boundaryCondition="false" constant="false"/></listOfSpecies>
            <listOfParameters><parameter id="p" value="INF" constant="true"/></listOfParameters>
            </model>
            </sbml>
            """, "inf.xml")
        let r = try PathwayBinary.run(["info", file, "--format", "json"])
        #expect(r.status == 0, "\(r.stderr)")
        let json = try JSONSerialization.jsonObject(with: r.stdoutData) as? [String: Any]
        let p = (json?["parameters"] as? [[String: Any]])?.first { $0["id"] as? String == "p" }
        #expect(p?["value"] is NSNull)
    }
}
