import Foundation
import PathwayModel
import SBML
import Simulator
import Testing

// MARK: - Random event order

/// SBML's events due at the same instant with equal (or no) priority: executed in a random order
/// drawn from a seeded generator (SBML Level 3 Version 2, section 4.12.7).
@Suite("Random event order")
struct RandomEventOrderTests {
    /// Three events at t = 1, each assigning x := 10·x + d (d = 1, 2, 3) with the value computed when
    /// it executes: the final x spells the order, 123 to 321. With `priorities`, E1 > E2 > E3.
    static func tiedEvents(priorities: Bool = false) -> String {
        let time = #"<csymbol encoding="text" definitionURL="http://www.sbml.org/sbml/symbols/time">time</csymbol>"#
        let mathml = #"xmlns="http://www.w3.org/1998/Math/MathML""#
        let events = (1...3).map { d in
            """
                  <event id="E\(d)" useValuesFromTriggerTime="false">
                    <trigger initialValue="true" persistent="true"><math \(mathml)><apply><geq/>\(time)<cn>1</cn></apply></math></trigger>
                    \(priorities ? "<priority><math \(mathml)><cn>\(4 - d)</cn></math></priority>" : "")
                    <listOfEventAssignments>
                      <eventAssignment variable="x"><math \(mathml)><apply><plus/><apply><times/><cn>10</cn><ci>x</ci></apply><cn>\(d)</cn></apply></math></eventAssignment>
                    </listOfEventAssignments>
                  </event>
            """
        }.joined(separator: "\n")
        return """
            <?xml version="1.0" encoding="UTF-8"?>
            <sbml xmlns="http://www.sbml.org/sbml/level3/version2/core" level="3" version="2">
              <model id="ties">
                <listOfParameters><parameter id="x" value="0" constant="false"/></listOfParameters>
                <listOfEvents>
            \(events)
                </listOfEvents>
              </model>
            </sbml>
            """
    }

    /// x after the events, for each seed, and how many random choices each run made.
    static func outcomes(_ xml: String, seeds: ClosedRange<UInt64>) throws -> [(x: Double, choices: Int)] {
        let compiled = try CompiledModel(SBMLImporter.importXML(xml, file: "ties.xml").model)
        return try seeds.map { seed in
            var settings = SimulationSettings(end: 2, output: .times([0, 2]))
            settings.seed = seed
            let r = try compiled.simulate(settings, observe: ["x"])
            return (r.values[1][0], r.randomEventChoices)
        }
    }

    /// Over 600 seeds each of the 3! orders comes up about 100 times (binomial, p = 1/6: σ ≈ 9.1); the
    /// bar is 5σ either way. Two choices are drawn per run (first of three, then first of two).
    @Test func everyOrderIsEquallyLikely() throws {
        let runs = try Self.outcomes(Self.tiedEvents(), seeds: 1...600)
        var counts: [Double: Int] = [:]
        for r in runs { counts[r.x, default: 0] += 1 }
        #expect(Set(counts.keys) == [123, 132, 213, 231, 312, 321], "\(counts)")
        for (order, n) in counts { #expect(abs(n - 100) <= 45, "order \(order): \(n) of 600") }
        #expect(runs.allSatisfy { $0.choices == 2 })
    }

    @Test func theSameSeedRepeatsTheRun() throws {
        let xml = Self.tiedEvents()
        let a = try Self.outcomes(xml, seeds: 1...50).map(\.x)
        let b = try Self.outcomes(xml, seeds: 1...50).map(\.x)
        #expect(a == b)
    }

    @Test func prioritiesStillDecideWhenTheyDiffer() throws {
        let runs = try Self.outcomes(Self.tiedEvents(priorities: true), seeds: 1...50)
        #expect(runs.allSatisfy { $0.x == 123 && $0.choices == 0 })
    }

    /// SplitMix64's published reference outputs for seed 0 (Steele, Lea & Flood 2014; the
    /// `splitmix64.c` of Vigna's xoshiro page), and uniform draws below n.
    @Test func generatorFollowsSplitMix64() {
        var g = EventOrderGenerator(seed: 0)
        #expect(g.next() == 0xE220_A839_7B1D_CDAF)
        #expect(g.next() == 0x6E78_9E6A_A1B9_65F4)
        #expect(g.next() == 0x06C4_5D18_8009_454F)
        var h = EventOrderGenerator(seed: 42)
        var counts = [0, 0, 0, 0, 0]
        for _ in 0..<50_000 { counts[h.below(5)] += 1 }
        // χ² with 4 degrees of freedom: 18.5 is its 0.1% tail.
        let chi2 = counts.reduce(0.0) { $0 + pow(Double($1) - 10_000, 2) / 10_000 }
        #expect(chi2 < 18.5, "\(counts)")
    }

    /// 01466: 200 events at t₀ competing in pairs (Eᵢ and Ebᵢ, each disabling the other, equal priority):
    /// each set should win about half the time, which the case's expected results check.
    @Test(.enabled(if: Paths.hasSuite)) func competingEventsCasePasses() throws {
        let (passed, worst) = try runSuiteCase("01466")
        #expect(passed, "worst \(String(describing: worst))")
    }

    @Test(.enabled(if: Paths.hasBinary)) func simulatePrintsAndTakesTheSeed() throws {
        let dir = try temporaryDirectory()
        let file = dir.appendingPathComponent("ties.xml")
        try Self.tiedEvents().write(to: file, atomically: true, encoding: .utf8)
        var outputs: Set<String> = []
        for seed in 1...4 {
            let r = try runPathway(["simulate", file.path, "--t-end", "2", "--points", "2", "--species", "x", "--seed", "\(seed)"])
            #expect(r.status == 0, "\(r.err)")
            #expect(r.err.contains("ordered at random 2 times (seed \(seed); --seed to change)"), "\(r.err)")
            let again = try runPathway(["simulate", file.path, "--t-end", "2", "--points", "2", "--species", "x", "--seed", "\(seed)"])
            #expect(again.out == r.out)
            outputs.insert(r.out)
        }
        #expect(outputs.count > 1, "four seeds gave one order: \(outputs)")
        let plain = try runPathway(["simulate", file.path, "--t-end", "2", "--points", "2"])
        #expect(plain.err.contains("(seed \(EventOrderGenerator.defaultSeed);"), "\(plain.err)")
    }
}

// MARK: - comp conversion factors and external model definitions

/// Hierarchical models (`comp`) are flattened by libSBML, which applies time, extent and substance
/// conversion factors; external model definitions are read relative to the referring file.
@Suite("comp conversion factors and external models")
struct CompConversionTests {
    /// A first-order decay defined per minute (k = 1), used in a model that counts seconds: the
    /// submodel's timeConversionFactor is 60, so X(t) = exp(−t/60) in the outer model's time.
    static let decayDefinition = """
        <listOfCompartments><compartment id="C" size="1" spatialDimensions="3" constant="true"/></listOfCompartments>
        <listOfSpecies><species id="X" compartment="C" initialAmount="1" hasOnlySubstanceUnits="true" boundaryCondition="false" constant="false"/></listOfSpecies>
        <listOfParameters><parameter id="k" value="1" constant="true"/></listOfParameters>
        <listOfReactions>
          <reaction id="R" reversible="false" fast="false">
            <listOfReactants><speciesReference species="X" stoichiometry="1" constant="true"/></listOfReactants>
            <kineticLaw><math xmlns="http://www.w3.org/1998/Math/MathML"><apply><times/><ci>k</ci><ci>X</ci></apply></math></kineticLaw>
          </reaction>
        </listOfReactions>
        """
    static let header = """
        <?xml version="1.0" encoding="UTF-8"?>
        <sbml xmlns="http://www.sbml.org/sbml/level3/version1/core" xmlns:comp="http://www.sbml.org/sbml/level3/version1/comp/version1" level="3" version="1" comp:required="true">
        """

    static func outer(definitions: String) -> String {
        """
        \(header)
          <model id="outer">
            <listOfParameters><parameter id="minute" value="60" constant="true"/></listOfParameters>
            <comp:listOfSubmodels><comp:submodel comp:id="cell" comp:modelRef="decay" comp:timeConversionFactor="minute"/></comp:listOfSubmodels>
          </model>
        \(definitions)
        </sbml>
        """
    }

    static let internalDefinition = outer(definitions: """
          <comp:listOfModelDefinitions><comp:modelDefinition id="decay">\(decayDefinition)</comp:modelDefinition></comp:listOfModelDefinitions>
        """)
    static let externalReference = outer(definitions: """
          <comp:listOfExternalModelDefinitions>
            <comp:externalModelDefinition comp:id="decay" comp:source="parts/decay.xml" comp:modelRef="decay"/>
          </comp:listOfExternalModelDefinitions>
        """)
    static let externalFile = """
        \(header)
          <model id="decay">\(decayDefinition)</model>
        </sbml>
        """

    static func decayAt(_ imported: SBMLImport, times: [Double]) throws -> [Double] {
        let column = imported.column(for: "cell__X", amount: true)
        let result = try CompiledModel(imported.model).simulate(SimulationSettings(end: 120, output: .times(times), rtol: 1e-10, atol: 1e-14),
                                                                observe: [column.symbol])
        return result.values.map { $0[0] * column.factor }
    }

    @Test func timeConversionFactorScalesTheSubmodelsRates() throws {
        let imported = try SBMLImporter.importXML(Self.internalDefinition, file: "outer.xml")
        let times = [0.0, 30, 60, 120]
        let x = try Self.decayAt(imported, times: times)
        for (t, v) in zip(times, x) { #expect(abs(v - exp(-t / 60)) <= 1e-7, "X(\(t)) = \(v)") }
    }

    /// 01138 a replacement's conversion factor (substance); 01144 time and extent conversion factors on
    /// one submodel; 01468 an extent conversion factor on a nested submodel.
    @Test(.enabled(if: Paths.hasSuite), arguments: ["01138", "01144", "01468"])
    func conversionFactorCasesPass(_ id: String) throws {
        let (passed, worst) = try runSuiteCase(id)
        #expect(passed, "case \(id): worst \(String(describing: worst))")
    }

    @Test func externalModelIsReadRelativeToTheFile() throws {
        let dir = try temporaryDirectory()
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("parts"), withIntermediateDirectories: true)
        try Self.externalReference.write(to: dir.appendingPathComponent("outer.xml"), atomically: true, encoding: .utf8)
        try Self.externalFile.write(to: dir.appendingPathComponent("parts/decay.xml"), atomically: true, encoding: .utf8)
        let imported = try SBMLImporter.importFile(path: dir.appendingPathComponent("outer.xml").path)
        let x = try Self.decayAt(imported, times: [0, 60])
        #expect(abs(x[1] - exp(-1)) <= 1e-7, "X(60) = \(x[1])")
    }

    @Test func aMissingExternalModelIsNamed() throws {
        let dir = try temporaryDirectory()
        let outer = dir.appendingPathComponent("outer.xml")
        try Self.externalReference.write(to: outer, atomically: true, encoding: .utf8)
        do {
            _ = try SBMLImporter.importFile(path: outer.path)
            Issue.record("a model whose external model file is missing was imported")
        } catch {
            #expect(error.kind == .missingFile)
            let message = error.diagnostics.map(\.description).joined(separator: "\n")
            #expect(message.contains("\(outer.path):8:"), "\(message)")
            #expect(message.contains("comp external model definition 'decay': its source 'parts/decay.xml' is not there"), "\(message)")
        }
    }

    @Test(.enabled(if: Paths.hasBinary)) func cliResolvesRelativeToTheFileAndRefusesAMissingOne() throws {
        let dir = try temporaryDirectory()
        let models = dir.appendingPathComponent("models")
        try FileManager.default.createDirectory(at: models.appendingPathComponent("parts"), withIntermediateDirectories: true)
        try Self.externalReference.write(to: models.appendingPathComponent("outer.xml"), atomically: true, encoding: .utf8)
        // Run from the folder above: the source is found next to the model, not in the working directory.
        let missing = try runPathway(["simulate", "models/outer.xml", "--t-end", "60", "--points", "2"], in: dir)
        #expect(missing.status != 0)
        #expect(missing.err.contains("models/outer.xml:8:"), "\(missing.err)")
        #expect(missing.err.contains("error: comp external model definition 'decay'"), "\(missing.err)")
        #expect(!missing.err.contains("Fatal error"))
        try Self.externalFile.write(to: models.appendingPathComponent("parts/decay.xml"), atomically: true, encoding: .utf8)
        let found = try runPathway(["simulate", "models/outer.xml", "--t-end", "60", "--points", "2", "--species", "cell__X"], in: dir)
        #expect(found.status == 0, "\(found.err)")
        let last = try #require(found.out.split(separator: "\n").last?.split(separator: ",").last.flatMap { Double($0) })
        #expect(abs(last - exp(-1)) <= 1e-5, "\(found.out)")
    }
}

// MARK: - Algebraic rules

/// Algebraic rules 0 = f(…): the variable each determines found by a matching between rules and free
/// variables, then solved for it (see `AlgebraicRules`).
@Suite("Algebraic rules")
struct AlgebraicRuleTests {
    static let mathml = #"xmlns="http://www.w3.org/1998/Math/MathML""#

    /// A model with species A (decaying at rate k·A in compartment C of size 1), the given parameters
    /// (`id=value`, non-constant unless listed in `constants`) and algebraic rules (MathML bodies).
    static func model(parameters: [(String, Double)], constants: Set<String> = ["k"], rules: [String]) -> String {
        let ps = ([("k", 0.5)] + parameters).map { #"<parameter id="\#($0.0)" value="\#($0.1)" constant="\#(constants.contains($0.0))"/>"# }
        return """
            <?xml version="1.0" encoding="UTF-8"?>
            <sbml xmlns="http://www.sbml.org/sbml/level3/version2/core" level="3" version="2">
              <model id="dae">
                <listOfCompartments><compartment id="C" size="1" spatialDimensions="3" constant="true"/></listOfCompartments>
                <listOfSpecies><species id="A" compartment="C" initialAmount="1" hasOnlySubstanceUnits="true" boundaryCondition="false" constant="false"/></listOfSpecies>
                <listOfParameters>\(ps.joined())</listOfParameters>
                <listOfRules>
            \(rules.map { "      <algebraicRule><math \(mathml)>\($0)</math></algebraicRule>" }.joined(separator: "\n"))
                </listOfRules>
                <listOfReactions>
                  <reaction id="decay" reversible="false">
                    <listOfReactants><speciesReference species="A" stoichiometry="1" constant="true"/></listOfReactants>
                    <kineticLaw><math \(mathml)><apply><times/><ci>k</ci><ci>A</ci></apply></math></kineticLaw>
                  </reaction>
                </listOfReactions>
              </model>
            </sbml>
            """
    }

    /// 0 = A·x − 1 with A(t) = e^(−t/2): x = e^(t/2), its initial value 99 overridden at t₀ as SBML says.
    @Test func daeWithAnAnalyticSolution() throws {
        let xml = Self.model(parameters: [("x", 99)], rules: ["<apply><minus/><apply><times/><ci>A</ci><ci>x</ci></apply><cn>1</cn></apply>"])
        let imported = try SBMLImporter.importXML(xml, file: "dae.xml")
        let times = [0.0, 1, 2, 4]
        let result = try CompiledModel(imported.model).simulate(SimulationSettings(end: 4, output: .times(times), rtol: 1e-10, atol: 1e-14),
                                                                observe: ["x", "A"])
        for (i, t) in times.enumerated() {
            #expect(abs(result.values[i][0] - exp(t / 2)) <= 1e-7 * exp(t / 2), "x(\(t)) = \(result.values[i][0])")
            #expect(abs(result.values[i][1] - exp(-t / 2)) <= 1e-8, "A(\(t))")
        }
    }

    /// 0 = p + q − 5 and 0 = p − 2, in that order: the first rule takes p, the second can only have p, so
    /// the matching moves the first to q (an augmenting path). A reacting species (A) is never determined
    /// by a rule: 0 = y + A − 3 gives y.
    @Test func matchingFindsTheDeterminedVariables() throws {
        let xml = Self.model(parameters: [("p", 0), ("q", 0), ("y", 0)], rules: [
            "<apply><minus/><apply><plus/><ci>p</ci><ci>q</ci></apply><cn>5</cn></apply>",
            "<apply><minus/><ci>p</ci><cn>2</cn></apply>",
            "<apply><minus/><apply><plus/><ci>y</ci><ci>A</ci></apply><cn>3</cn></apply>",
        ])
        let imported = try SBMLImporter.importXML(xml, file: "dae.xml")
        let result = try CompiledModel(imported.model).simulate(SimulationSettings(end: 2, output: .times([0, 2]), rtol: 1e-10, atol: 1e-14),
                                                                observe: ["p", "q", "y"])
        for row in result.values {
            #expect(row[0] == 2 && row[1] == 3)
        }
        #expect(abs(result.values[1][2] - (3 - exp(-1))) <= 1e-8, "y(2) = \(result.values[1][2])")
    }

    /// 00040 (0 = S1 + S2 − k2), 00550 ((k3 + 1)·S1 − T), 00184 (through function definitions), 01483
    /// (a rateOf in the rule).
    @Test(.enabled(if: Paths.hasSuite), arguments: ["00040", "00550", "00184", "01483"])
    func algebraicRuleCasesPass(_ id: String) throws {
        let (passed, worst) = try runSuiteCase(id)
        #expect(passed, "case \(id): worst \(String(describing: worst))")
    }

    /// A rule not linear in its variable (0 = x² − A·4, from x = 1: x = 2·e^(−t/4)) and two rules that
    /// determine each other's variables (0 = x − y − 1, 0 = x + y − 3) go to the differential–algebraic
    /// path, passed on as the model's algebraic rules.
    @Test func nonLinearAndCyclicRulesAreSolvedNumerically() throws {
        let quadratic = Self.model(parameters: [("x", 1)], rules: ["<apply><minus/><apply><times/><ci>x</ci><ci>x</ci></apply><apply><times/><ci>A</ci><cn>4</cn></apply></apply>"])
        let imported = try SBMLImporter.importXML(quadratic, file: "dae.xml")
        #expect(imported.model.algebraicRules.map(\.variable) == ["x"])
        let times = [0.0, 1, 4]
        let result = try CompiledModel(imported.model).simulate(SimulationSettings(end: 4, output: .times(times), rtol: 1e-10, atol: 1e-14),
                                                                observe: ["x"])
        for (i, t) in times.enumerated() {
            #expect(abs(result.values[i][0] - 2 * exp(-t / 4)) <= 1e-7, "x(\(t)) = \(result.values[i][0])")
        }
        let loop = Self.model(parameters: [("x", 0), ("y", 0)], rules: [
            "<apply><minus/><apply><minus/><ci>x</ci><ci>y</ci></apply><cn>1</cn></apply>",
            "<apply><minus/><apply><plus/><ci>x</ci><ci>y</ci></apply><cn>3</cn></apply>",
        ])
        let model = try SBMLImporter.importXML(loop, file: "dae.xml").model
        #expect(Set(model.algebraicRules.map(\.variable)) == ["x", "y"])
        let values = try CompiledModel(model).simulate(SimulationSettings(end: 1, output: .times([0, 1]), rtol: 1e-10, atol: 1e-14),
                                                       observe: ["x", "y"]).values
        for row in values {
            #expect(abs(row[0] - 2) <= 1e-10 && abs(row[1] - 1) <= 1e-10, "\(row)")
        }
    }

    /// Bad input: a rule with nothing free to determine (over-determined) and two rules for one variable.
    @Test(arguments: [
        (["<apply><minus/><ci>k</ci><cn>1</cn></apply>"], SBMLImportError.Kind.invalid, 8, "over-determined algebraic rule: no variable of the algebraic rule 0 = (k - 1) is free"),
        (["<apply><minus/><ci>x</ci><cn>1</cn></apply>", "<apply><minus/><ci>x</ci><cn>2</cn></apply>"], .invalid, 9,
         "over-determined algebraic rule: the algebraic rule 0 = (x - 2) has no variable left to determine: 'x' is determined by other algebraic rules"),
    ])
    func refusesWhatItCannotSolve(_ rules: [String], _ kind: SBMLImportError.Kind, _ line: Int, _ message: String) throws {
        let xml = Self.model(parameters: [("x", 0), ("y", 0)], rules: rules)
        do {
            _ = try SBMLImporter.importXML(xml, file: "dae.xml")
            Issue.record("imported: \(rules)")
        } catch {
            #expect(error.kind == kind)
            let text = error.diagnostics.map(\.description).joined(separator: "\n")
            #expect(text.contains("dae.xml:\(line):"), "\(text)")
            #expect(text.contains(message), "\(text)")
        }
    }

    /// f₀(x) = x, fₖ(x) = fₖ₋₁(x) + fₖ₋₁(x): expanding f₃₀ would write 2³⁰ nodes. Expansion stops at a
    /// budget, the rule is refused (not linear as far as it was expanded, and too large to hand to the
    /// differential–algebraic solver, which would expand it fully) and quoted as written.
    @Test func aDoublingFunctionChainIsNotExpandedWithoutBound() throws {
        var functions = [#"<functionDefinition id="f0"><math \#(Self.mathml)><lambda><bvar><ci>x</ci></bvar><ci>x</ci></lambda></math></functionDefinition>"#]
        for k in 1...30 {
            functions.append(#"<functionDefinition id="f\#(k)"><math \#(Self.mathml)><lambda><bvar><ci>x</ci></bvar><apply><plus/><apply><ci>f\#(k - 1)</ci><ci>x</ci></apply><apply><ci>f\#(k - 1)</ci><ci>x</ci></apply></apply></lambda></math></functionDefinition>"#)
        }
        let xml = Self.model(parameters: [("x", 0)], rules: ["<apply><minus/><apply><ci>f30</ci><ci>x</ci></apply><cn>1</cn></apply>"])
            .replacingOccurrences(of: "<listOfCompartments>", with: "<listOfFunctionDefinitions>\(functions.joined())</listOfFunctionDefinitions><listOfCompartments>")
        do {
            _ = try SBMLImporter.importXML(xml, file: "dae.xml")
            Issue.record("imported")
        } catch {
            let text = error.diagnostics.map(\.description).joined(separator: "\n")
            #expect(text.contains("non-linear algebraic rule (the algebraic rule 0 = (f30(x) - 1) is not linear"), "\(text.prefix(500))")
        }
    }

    /// 0 = x·x − 4 from x = 0: ∂g/∂x = 2x is 0 at the start, so the rule does not determine x there.
    @Test(.enabled(if: Paths.hasBinary)) func cliNamesTheRule() throws {
        let dir = try temporaryDirectory()
        let file = dir.appendingPathComponent("dae.xml")
        try Self.model(parameters: [("x", 0)], rules: ["<apply><minus/><apply><times/><ci>x</ci><ci>x</ci></apply><cn>4</cn></apply>"])
            .write(to: file, atomically: true, encoding: .utf8)
        let r = try runPathway(["simulate", file.path, "--t-end", "1"])
        #expect(r.status != 0)
        #expect(r.err.hasPrefix("\(file.path):8:"), "\(r.err)")
        #expect(r.err.contains("error: the algebraic rule 0 = x * x - 4 for 'x' does not determine it at t = 0.0 (x = 0.0)"), "\(r.err)")
        #expect(r.out.isEmpty)
    }
}

// MARK: - Fast reactions

/// Fast reactions as the quasi-steady-state constraints of SBML Level 2 (see `FastReactions`).
@Suite("Fast reactions")
struct FastReactionTests {
    static let mathml = #"xmlns="http://www.w3.org/1998/Math/MathML""#

    /// An SBML Level 3 Version 1 model in compartment C (size `volume`) with species A and B (given
    /// initial concentrations), constant parameters and reactions `(id, fast, reactants, products, MathML rate)`.
    static func model(a0: Double, b0: Double, volume: Double = 1, parameters: [(String, Double)],
                      reactions: [(String, Bool, [(String, Double)], [(String, Double)], String)]) -> String {
        func refs(_ list: [(String, Double)]) -> String {
            list.map { #"<speciesReference species="\#($0.0)" stoichiometry="\#($0.1)" constant="true"/>"# }.joined()
        }
        let rs = reactions.map { r in
            """
                  <reaction id="\(r.0)" reversible="true" fast="\(r.1)">
                    \(r.2.isEmpty ? "" : "<listOfReactants>\(refs(r.2))</listOfReactants>")
                    \(r.3.isEmpty ? "" : "<listOfProducts>\(refs(r.3))</listOfProducts>")
                    <kineticLaw><math \(mathml)>\(r.4)</math></kineticLaw>
                  </reaction>
            """
        }.joined(separator: "\n")
        return """
            <?xml version="1.0" encoding="UTF-8"?>
            <sbml xmlns="http://www.sbml.org/sbml/level3/version1/core" level="3" version="1">
              <model id="fast">
                <listOfCompartments><compartment id="C" size="\(volume)" spatialDimensions="3" constant="true"/></listOfCompartments>
                <listOfSpecies>
                  <species id="A" compartment="C" initialConcentration="\(a0)" hasOnlySubstanceUnits="false" boundaryCondition="false" constant="false"/>
                  <species id="B" compartment="C" initialConcentration="\(b0)" hasOnlySubstanceUnits="false" boundaryCondition="false" constant="false"/>
                </listOfSpecies>
                <listOfParameters>\(parameters.map { #"<parameter id="\#($0.0)" value="\#($0.1)" constant="true"/>"# }.joined())</listOfParameters>
                <listOfReactions>
            \(rs)
                </listOfReactions>
              </model>
            </sbml>
            """
    }

    static func simulate(_ xml: String, times: [Double]) throws -> [[Double]] {
        let imported = try SBMLImporter.importXML(xml, file: "fast.xml")
        #expect(imported.fastReactions > 0)
        let result = try CompiledModel(imported.model).simulate(SimulationSettings(end: times.last!, output: .times(times), rtol: 1e-10, atol: 1e-14),
                                                                observe: ["A", "B"])
        return result.values
    }

    /// A ⇌ B fast (kf·A − kr·B, kf = 3, kr = 1, in a compartment of size 2) fed by a slow ∅ → A at
    /// s = 0.5 per unit time: the total amount grows as T(t) = T₀ + s·t and the fast pair stays at
    /// equilibrium, A = T/(V·(1 + kf/kr)) and B = (kf/kr)·A — from t₀, where (A, B) = (1, 1) is moved
    /// there at once.
    @Test func fastEquilibriumFollowsTheSlowInflow() throws {
        let xml = Self.model(a0: 1, b0: 1, volume: 2, parameters: [("kf", 3), ("kr", 1), ("s", 0.5)], reactions: [
            ("inflow", false, [], [("A", 1)], "<ci>s</ci>"),
            ("binding", true, [("A", 1)], [("B", 1)],
             "<apply><times/><ci>C</ci><apply><minus/><apply><times/><ci>kf</ci><ci>A</ci></apply><apply><times/><ci>kr</ci><ci>B</ci></apply></apply></apply>"),
        ])
        let times = [0.0, 1, 5, 10]
        let values = try Self.simulate(xml, times: times)
        for (i, t) in times.enumerated() {
            let total = 2 * (1 + 1) + 0.5 * t
            let a = total / (2 * 4)
            #expect(abs(values[i][0] - a) <= 1e-9 * total, "A(\(t)) = \(values[i][0]), expected \(a)")
            #expect(abs(values[i][1] - 3 * a) <= 1e-9 * total, "B(\(t)) = \(values[i][1]), expected \(3 * a)")
        }
    }

    /// A → 2B fast and irreversible (k·A) drains A at once; the slow B → A (k₁·B) returns one B as one A,
    /// which the fast reaction turns into two: the conserved B + 2A grows as (B₀ + 2A₀)·e^(k₁t), all of it B.
    @Test func stoichiometryWeightsTheConservedMoiety() throws {
        let xml = Self.model(a0: 1, b0: 0.5, parameters: [("k", 1), ("k1", 0.2)], reactions: [
            ("split", true, [("A", 1)], [("B", 2)], "<apply><times/><ci>k</ci><ci>A</ci></apply>"),
            ("back", false, [("B", 1)], [("A", 1)], "<apply><times/><ci>k1</ci><ci>B</ci></apply>"),
        ])
        let times = [0.0, 2, 5]
        let values = try Self.simulate(xml, times: times)
        for (i, t) in times.enumerated() {
            let b = 2.5 * exp(0.2 * t)
            #expect(abs(values[i][0]) <= 1e-12, "A(\(t)) = \(values[i][0])")
            #expect(abs(values[i][1] - b) <= 1e-8 * b, "B(\(t)) = \(values[i][1]), expected \(b)")
        }
    }

    /// 2A ⇌ B fast (C·(kf·A² − kr·B), kf = 1, kr = 2) fed by a slow ∅ → A at s = 0.5: the total
    /// T = A + 2B grows as T₀ + s·t, and the equilibrium kf·A² = kr·B is not linear in A, so the
    /// differential–algebraic path holds A on the positive root of 2kf·A² + kr·A − kr·T = 0 from t₀.
    @Test func aNonLinearFastEquilibriumIsSolvedNumerically() throws {
        let xml = Self.model(a0: 1, b0: 1, parameters: [("kf", 1), ("kr", 2), ("s", 0.5)], reactions: [
            ("inflow", false, [], [("A", 1)], "<ci>s</ci>"),
            ("dimerisation", true, [("A", 2)], [("B", 1)],
             "<apply><times/><ci>C</ci><apply><minus/><apply><times/><ci>kf</ci><ci>A</ci><ci>A</ci></apply><apply><times/><ci>kr</ci><ci>B</ci></apply></apply></apply>"),
        ])
        let times = [0.0, 1, 4, 10]
        let values = try Self.simulate(xml, times: times)
        for (i, t) in times.enumerated() {
            let total = 3 + 0.5 * t
            let a = (-2 + (4 + 16 * total).squareRoot()) / 4
            #expect(abs(values[i][0] - a) <= 1e-8 * total, "A(\(t)) = \(values[i][0]), expected \(a)")
            #expect(abs(values[i][1] - (total - a) / 2) <= 1e-8 * total, "B(\(t)) = \(values[i][1]), expected \((total - a) / 2)")
        }
    }

    /// Two fast reactions whose stoichiometries are linearly dependent (A → B and B → A): their two
    /// equilibria over-determine A and B. Imported as they are; the compiler refuses them by name.
    @Test func linearlyDependentFastReactionsAreRefusedByName() throws {
        let xml = Self.model(a0: 1, b0: 0, parameters: [("k", 1)], reactions: [
            ("f1", true, [("A", 1)], [("B", 1)], "<apply><times/><ci>k</ci><ci>A</ci></apply>"),
            ("f2", true, [("B", 1)], [("A", 1)], "<apply><times/><ci>k</ci><ci>B</ci></apply>"),
        ])
        let imported = try SBMLImporter.importXML(xml, file: "fast.xml")
        #expect(imported.fastReactions == 2)
        #expect {
            _ = try CompiledModel(imported.model)
        } throws: { error in
            let text = "\(error)"
            return text.hasPrefix("fast.xml:") && text.contains("reaction 'f1' is fast, and the stoichiometries of fast reactions 'f1', 'f2' are linearly dependent (rank 1 of 2)")
        }
    }

    /// A coupled fast subsystem, A ⇌ B (k·A − 2k·B) and B ⇌ C (k·B − k·C), with a slow ∅ → A at s = 0.6:
    /// at equilibrium B = A/2 and C = B, so A = T/2, B = C = T/4 of the total T(t) = 3 + s·t (amounts,
    /// compartment size 1), from t₀ on (A, B, C start at 1, 1, 1 and move there at once).
    @Test func aCoupledFastSubsystemHoldsBothEquilibria() throws {
        var xml = Self.model(a0: 1, b0: 1, parameters: [("k", 1), ("s", 0.6)], reactions: [
            ("inflow", false, [], [("A", 1)], "<ci>s</ci>"),
            ("f1", true, [("A", 1)], [("B", 1)],
             "<apply><minus/><apply><times/><ci>k</ci><ci>A</ci></apply><apply><times/><cn>2</cn><ci>k</ci><ci>B</ci></apply></apply>"),
            ("f2", true, [("B", 1)], [("Cs", 1)],
             "<apply><minus/><apply><times/><ci>k</ci><ci>B</ci></apply><apply><times/><ci>k</ci><ci>Cs</ci></apply></apply>"),
        ])
        xml = xml.replacingOccurrences(of: "</listOfSpecies>", with: #"<species id="Cs" compartment="C" initialAmount="1" hasOnlySubstanceUnits="true" boundaryCondition="false" constant="false"/></listOfSpecies>"#)
        let imported = try SBMLImporter.importXML(xml, file: "fast.xml")
        let times = [0.0, 1, 5, 10]
        let r = try CompiledModel(imported.model).simulate(SimulationSettings(end: 10, output: .times(times), rtol: 1e-10, atol: 1e-14),
                                                           observe: ["A", "B", "Cs"])
        #expect(r.status == .success)
        for (i, t) in times.enumerated() {
            let total = 3 + 0.6 * t
            #expect(abs(r.values[i][0] - total / 2) <= 1e-8 * total, "A(\(t)) = \(r.values[i][0])")
            #expect(abs(r.values[i][1] - total / 4) <= 1e-8 * total, "B(\(t)) = \(r.values[i][1])")
            #expect(abs(r.values[i][2] - total / 4) <= 1e-8 * total, "C(\(t)) = \(r.values[i][2])")
        }
    }

    /// 00871 an irreversible fast reaction beside a slow one; 00872 a reversible one; 01544 with
    /// conversion factors; 00988 switched on and off by events (its rate's factor k2 set to 1, then 0);
    /// 01396, 01397 and 01571 with stoichiometries set by an initial assignment, stoichiometryMath and a
    /// rule; 01565 52 fast reactions with uncommon MathML, two of whose rates vanish (a factor ln(1) or
    /// log10(1)) and the others going to the equilibrium their fast flow reaches (S·S_b = 0 has two
    /// roots; the one the reaction runs to from the start).
    @Test(.enabled(if: Paths.hasSuite), arguments: ["00871", "00872", "01544", "00988", "01396", "01397", "01571", "01565"])
    func fastReactionCasesPass(_ id: String) throws {
        let (passed, worst) = try runSuiteCase(id)
        #expect(passed, "case \(id): worst \(String(describing: worst))")
    }
}

// MARK: - Algebraic rules written by hand

/// The YAML format's `algebraic-rules`: solved when compiled, exported as SBML `algebraicRule`s.
@Suite("Algebraic rules in the YAML format")
struct YAMLAlgebraicRuleTests {
    /// A decays at k = 0.5/s; 0 = A·x − 1 determines x = e^(t/2) (its value 99 is overridden at t₀).
    static func yaml(rule: String = "A * x - 1", extra: String = "") -> String {
        """
        model: dae
        units: {time: s, concentration: nM}
        compartments:
          cell: {size: 1}
        species:
          A: {compartment: cell, initial: 1 nM}
        parameters:
          k: {value: 0.5, unit: 1/s, source: "a test value"}
          x: {value: 99, source: "determined by the algebraic rule"}
        reactions:
          decay: {equation: "A ->", mass-action: {kf: k}}
        algebraic-rules:
          x: "\(rule)"
        \(extra)
        """
    }

    static func x(_ model: Model) throws -> [Double] {
        try CompiledModel(model).simulate(SimulationSettings(end: 4, output: .times([0, 2, 4]), rtol: 1e-10, atol: 1e-14),
                                          observe: ["x"]).values.map { $0[0] }
    }

    @Test func solvedWhenCompiledAndExportedAsAnAlgebraicRule() throws {
        let model = try ModelLoader.load(yaml: Self.yaml(), file: "dae.yaml").model
        #expect(model.algebraicRules.map(\.variable) == ["x"])
        let direct = try Self.x(model)
        for (v, t) in zip(direct, [0.0, 2, 4]) { #expect(abs(v - exp(t / 2)) <= 1e-7 * exp(t / 2), "x(\(t)) = \(v)") }
        let xml = try SBMLExporter.export(model)
        #expect(xml.contains("<algebraicRule>"))
        #expect(xml.contains(#"<parameter id="x" value="99" constant="false""#))
        let back = try Self.x(SBMLImporter.importXML(xml, file: "dae.xml").model)
        for (a, b) in zip(direct, back) { #expect(abs(a - b) <= 1e-9 * abs(a)) }
        let written = try YAMLModelWriter.write(model)
        #expect(written.contains("algebraic-rules:\n  x: \"A * x - 1\""), "\(written)")
    }

    /// 0 = x·x − A: not linear in x, solved numerically from x = 99 to the positive root e^(−t/4).
    @Test func aRuleThatIsNotLinearInItsParameterIsSolvedNumerically() throws {
        let model = try ModelLoader.load(yaml: Self.yaml(rule: "x * x - A"), file: "dae.yaml").model
        for (v, t) in zip(try Self.x(model), [0.0, 2, 4]) {
            #expect(abs(v - exp(-t / 4)) <= 1e-7, "x(\(t)) = \(v)")
        }
    }

    /// rateOf(x) of a variable the differential–algebraic path solves for would read the rule's residual
    /// (its row), not a rate: refused at the rule.
    @Test func rateOfAVariableAnAlgebraicRuleDeterminesIsRefusedAtTheRule() throws {
        let model = try ModelLoader.load(yaml: Self.yaml(rule: "x * x - A", extra: "observables:\n  dx: \"rateOf(x)\""), file: "dae.yaml").model
        #expect {
            _ = try CompiledModel(model)
        } throws: { error in
            "\(error)".hasPrefix("dae.yaml:13:3: error: rateOf(x): 'x' is determined by the algebraic rule 0 = x * x - A")
        }
    }

    @Test func aRuleForWhatIsNotAParameterOrAlsoSetElsewhereIsAnError() throws {
        #expect(throws: ModelError.self) { _ = try ModelLoader.load(yaml: Self.yaml().replacingOccurrences(of: "  x: \"A", with: "  y: \"A"), file: "dae.yaml") }
        do {
            _ = try ModelLoader.load(yaml: Self.yaml(extra: "initial-assignments:\n  x: \"2\""), file: "dae.yaml")
            Issue.record("loaded")
        } catch {
            #expect(error.description.contains("dae.yaml:13:3: error: 'x' is determined by its algebraic rule"), "\(error.description)")
        }
    }
}
