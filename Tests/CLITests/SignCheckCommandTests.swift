import Foundation
import PathwayTestSupport
import Testing

/// A model file in a fresh directory: `A -> B` (X activated) at the given rate, with the given modifiers.
private func modelFile(rate: String, modifiers: String, parameters: String = "k: {value: 0.1, source: test}") throws -> String {
    let file = try makeTemporaryDirectory().appendingPathComponent("signs.yaml")
    try """
        model: signs
        compartments: {cell: 1}
        species:
          A: {compartment: cell, initial: 10, entity: X}
          B: {compartment: cell, entity: X, active: true}
          I: {compartment: cell, initial: 1}
        parameters:
          \(parameters)
          Ki: {value: 2, source: test}
        reactions:
          conv:
            equation: A -> B
            rate: \(rate)
            modifiers: \(modifiers)
        scenarios:
          fast: {scale: {k: 2}}
        simulation: {t-end: 1 min}

        """.write(toFile: file.path, atomically: true, encoding: .utf8)
    return file.path
}

@Suite("pathway validate: modifier signs and positive parameters (built binary)")
struct SignCheckCommandTests {
    @Test func anInhibitorThatRaisesTheRateFailsValidationAtItsPosition() throws {
        let file = try modelFile(rate: "k * A * (1 + I / Ki)", modifiers: "{I: inhibitor}")
        let r = try PathwayBinary.run(["validate", file])
        #expect(r.status == 1)
        #expect(r.stderr.contains("\(file):14:17: error: reaction 'conv' declares 'I' as an inhibitor, but its rate rises with 'I' (∂v/∂I > 0 at t = 0; at all 21 times sampled up to t = 60 s)"), "\(r.stderr)")
        #expect(r.stderr.hasSuffix("error: 1 of 1 file invalid\n"))
        #expect(r.stdout.isEmpty)
    }

    @Test func aModifierTheRateIgnoresIsAWarning() throws {
        let file = try modelFile(rate: "k * A", modifiers: "{I: activator}")
        let r = try PathwayBinary.run(["validate", file])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stderr == "\(file):14:17: warning: reaction 'conv' declares 'I' as an activator, but its rate does not depend on 'I'\n")
        #expect(r.stdout.contains("\(file): ok: 3 species, 1 reactions"))
        #expect(try PathwayBinary.run(["validate", "--strict", file]).status == 1)
    }

    @Test func rightDeclarationsPassWithAndWithoutScenarios() throws {
        let file = try modelFile(rate: "k * A / (1 + I / Ki)", modifiers: "{I: inhibitor}")
        for arguments in [["validate", file], ["validate", "--scenarios", file]] {
            let r = try PathwayBinary.run(arguments)
            #expect(r.status == 0, "\(r.stderr)")
            #expect(r.stderr.isEmpty, "\(r.stderr)")
        }
    }

    @Test func aPositiveParameterIsCheckedInTheFileAndOnTheCommandLine() throws {
        let bad = try modelFile(rate: "k * A", modifiers: "{}", parameters: "k: {value: -1, source: test, positive: true}")
        let r = try PathwayBinary.run(["validate", bad])
        #expect(r.status == 1)
        #expect(r.stderr.contains("\(bad):8:14: error: parameter 'k' must be positive (it is declared 'positive: true') but is -1"), "\(r.stderr)")

        let good = try modelFile(rate: "k * A", modifiers: "{}", parameters: "k: {value: 0.1, source: test, positive: true}")
        for (option, message) in [
            ("--set=k=-1", "error: --set k=-1: parameter 'k' must be positive (it is declared 'positive: true'), so it cannot be set to -1"),
            ("--scale=k=0", "error: --scale k=0: parameter 'k' must be positive (it is declared 'positive: true'), so it cannot be scaled by 0 (to 0)"),
        ] {
            let run = try PathwayBinary.run(["simulate", good, option])
            #expect(run.status == 1)
            #expect(run.stderr == message + "\n", "\(run.stderr)")
        }
        #expect(try PathwayBinary.run(["simulate", good, "--set", "k=0.5", "-o", "/dev/null"]).status == 0)
    }
}
