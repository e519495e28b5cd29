import Foundation
import Testing
@testable import PathwayModel

/// Large models (issue #12): repeated warnings are summarised, and loading stays linear.
@Suite("Large models and repeated diagnostics")
struct LargeModelTests {
    /// A linear chain `-> S1 -> … -> Sn ->` with one rate constant per reaction, none with a source.
    static func chain(_ n: Int, sources: Bool = false) -> String {
        var yaml = "model: chain\ncompartments: {cell: 1}\nspecies:\n"
        for i in 1...n { yaml += "  S\(i): {compartment: cell, initial: \(i == 1 ? 1 : 0)}\n" }
        yaml += "parameters:\n"
        for i in 0...n { yaml += "  k\(i): " + (sources ? "{value: 0.5, source: test}\n" : "0.5\n") }
        yaml += "reactions:\n  synthesis: {equation: -> S1, mass-action: {kf: k0}}\n"
        for i in 1..<n { yaml += "  conversion_\(i): {equation: S\(i) -> S\(i + 1), mass-action: {kf: k\(i)}}\n" }
        yaml += "  decay: {equation: S\(n) ->, mass-action: {kf: k\(n)}}\n"
        return yaml
    }

    @Test func parametersWithoutSourcesAreSummarisedAfterFive() throws {
        let loaded = try ModelLoader.load(yaml: Self.chain(11), file: "chain.yaml")
        let messages = loaded.warnings.map(\.message)
        #expect(messages.count == 6)
        #expect(Array(messages.prefix(5)) == ["k0", "k1", "k2", "k3", "k4"].map { "parameter '\($0)' has no 'source': say where the number comes from" })
        #expect(messages.last == "… and 7 more parameters without a source")
        // The summary stands where the first parameter it covers is (k5, line 21).
        #expect(loaded.warnings.last?.location == SourceLocation(file: "chain.yaml", line: 21, column: 3))
    }

    @Test func fiveOrFewerAreAllShown() throws {
        let loaded = try ModelLoader.load(yaml: Self.chain(4), file: "chain.yaml")
        #expect(loaded.warnings.count == 5)
        #expect(!loaded.warnings.contains { $0.message.contains("more parameters") })
    }

    @Test func largeCountsAreGroupedByThousands() throws {
        let loaded = try ModelLoader.load(yaml: Self.chain(4_999), file: "chain.yaml")
        #expect(loaded.warnings.count == 6)
        #expect(loaded.warnings.last?.message == "… and 4,995 more parameters without a source")
        #expect(loaded.model.species.count == 4_999)
    }

    @Test func summariesArePerFile() throws {
        let dir = try FileManager.default.url(for: .itemReplacementDirectory, in: .userDomainMask,
                                              appropriateFor: URL(fileURLWithPath: NSTemporaryDirectory()), create: true)
        let module = Self.chain(7).replacingOccurrences(of: "model: chain", with: "model: module")
        try module.write(to: dir.appendingPathComponent("module.yaml"), atomically: true, encoding: .utf8)
        let root = """
            model: root
            includes: [module.yaml]
            parameters:
              a1: 1
              a2: 1
              a3: 1
              a4: 1
              a5: 1
              a6: 1
              a7: 1
            """
        try root.write(to: dir.appendingPathComponent("root.yaml"), atomically: true, encoding: .utf8)
        let loaded = try ModelLoader.load(path: dir.appendingPathComponent("root.yaml").path)
        let summaries = loaded.warnings.filter { $0.message.hasPrefix("…") }
        #expect(summaries.map(\.message) == ["… and 3 more parameters without a source", "… and 2 more parameters without a source"])
        #expect(Set(summaries.map { ($0.location.file as NSString).lastPathComponent }) == ["module.yaml", "root.yaml"])
    }

    @Test func conservationLawsOfAClosedChainOfThreeThousandSpecies() throws {
        let n = 3_000
        var yaml = "model: closed\ncompartments: {cell: 2}\nspecies:\n"
        for i in 1...n { yaml += "  S\(i): {compartment: cell, initial: \(i == 1 ? 5 : 0)}\n" }
        yaml += "parameters: {k: {value: 1, source: test}}\nreactions:\n"
        for i in 1..<n { yaml += "  r\(i): {equation: S\(i) <-> S\(i + 1), mass-action: {kf: k, kr: k}}\n" }
        let model = try ModelLoader.load(yaml: yaml).model
        let clock = ContinuousClock()
        let start = clock.now
        let laws = model.conservationLaws
        #expect(clock.now - start < .seconds(10))
        #expect(laws.count == 1)
        #expect(laws.first?.terms.count == n)
        #expect(laws.first?.terms.allSatisfy { $0.weight == 1 } == true)
        #expect(laws.first?.total == 10)
    }

    @Test func groupedDigitsFormatsLikeTheMessages() {
        #expect(groupedDigits(0) == "0")
        #expect(groupedDigits(999) == "999")
        #expect(groupedDigits(4_990) == "4,990")
        #expect(groupedDigits(1_000_000) == "1,000,000")
    }

    @Test func valueRequirementsOfAllParametersMatchOneByOne() throws {
        let model = try ModelLoader.load(path: "models/il11.yaml".inRepository).model
        let all = model.valueRequirements
        for p in model.parameters {
            #expect(all[p.id] == model.valueRequirement(ofParameter: p.id), "\(p.id)")
        }
    }

    @Test func duplicateFunctionArgumentsArePositionedErrors() {
        let yaml = """
            model: m
            compartments: {cell: 1}
            species:
              A: {compartment: cell, initial: 1}
            parameters: {k: {value: 1, source: test}}
            functions:
              f: {arguments: [x, x], body: x * x}
            reactions:
              decay: {equation: A ->, rate: "f(k, A)"}
            """
        #expect(errors(in: yaml) == ["7:3: function 'f' has two arguments named 'x'"])
    }

    @Test func recursiveFunctionsAreAnErrorNotAStackOverflow() {
        let yaml = """
            model: m
            compartments: {cell: 1}
            species:
              A: {compartment: cell, initial: 1}
            functions:
              f: {arguments: [x], body: "g(x)"}
              g: {arguments: [x], body: "f(x) + 1"}
              h: {arguments: [x], body: "h(x)"}
            reactions:
              decay: {equation: A ->, rate: "f(A)"}
            """
        #expect(errors(in: yaml) == ["6:3: functions call each other in a cycle: f -> g -> f; functions cannot be recursive"])
        #expect(errors(in: yaml.replacingOccurrences(of: "body: \"f(x) + 1\"", with: "body: \"x\"")) ==
            ["8:3: function 'h' calls itself; functions cannot be recursive"])
    }
}

extension String {
    /// A path relative to the repository's root.
    var inRepository: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent(self).path
    }
}
