import Foundation
import PathwayModel
import SBML
import Simulator
import Testing

/// `rateOf`, compartments that change size, and stoichiometries that change (stoichiometryMath,
/// species references set by rules or events, conversion factors that change).
@Suite("SBML rateOf, changing compartments and stoichiometries",
       .enabled(if: Paths.hasSuite, "the vendored SBML Test Suite cases are missing from Tests/SBMLTests/Fixtures"))
struct VariableQuantityTests {
    /// 01249 rateOf of a parameter with a rate rule; 01256 of a species changed by a reaction, read by
    /// an assignment rule; 01259 in a rate rule; 01402 with a conversion factor; 01462 of a species in
    /// a compartment with a rate rule.
    @Test(arguments: ["01249", "01256", "01259", "01402", "01462"])
    func rateOfCasesPass(_ id: String) throws {
        let (passed, worst) = try runSuiteCase(id)
        #expect(passed, "case \(id): worst \(String(describing: worst))")
    }

    /// 00052 reactions in a compartment with a rate rule; 00310 a compartment set by an assignment
    /// rule; 01117 a constant species keeps its amount as its compartment grows; 01505 an event resizes
    /// the compartment of a species with a rate rule; 01780 an event sets a concentration and its
    /// compartment's size at once (values from before the event).
    @Test(arguments: ["00052", "00310", "01117", "01505", "01780"])
    func changingCompartmentCasesPass(_ id: String) throws {
        let (passed, worst) = try runSuiteCase(id)
        #expect(passed, "case \(id): worst \(String(describing: worst))")
    }

    /// 00068 stoichiometryMath; 00973 stoichiometryMath reading a parameter with a rate rule; 01000
    /// species references set by rules and events; 01405 a conversion factor that changes.
    @Test(arguments: ["00068", "00973", "01000", "01405"])
    func variableStoichiometryCasesPass(_ id: String) throws {
        let (passed, worst) = try runSuiteCase(id)
        #expect(passed, "case \(id): worst \(String(describing: worst))")
    }

    @Test func speciesInAGrowingCompartmentAreTrackedByAmount() throws {
        let imported = try SBMLImporter.importFile(path: TestSuiteCase(directory: Paths.testCase("00052")).modelPath)
        let model = imported.model
        // The size is a parameter with a rate rule; the model compartment holding the species is renamed.
        let size = try #require(model.rateRules.first { model.parameter(named: $0.variable) != nil })
        #expect(model.compartment(named: size.variable) == nil)
        let s1 = try #require(model.species(named: "S1_amount"))
        #expect(s1.amountValued)
        #expect(model.observable(named: "S1")?.expression == .symbol("S1_amount") / .symbol(size.variable))
        #expect(imported.column(for: "S1", amount: true) == ("S1_amount", 1))
        #expect(imported.column(for: "S1", amount: false) == ("S1", 1))
        #expect(model.reactions.allSatisfy { r in (r.reactants + r.products).allSatisfy { $0.species.hasSuffix("_amount") } })
    }

    @Test func stoichiometryMathBecomesAnExpression() throws {
        let imported = try SBMLImporter.importFile(path: TestSuiteCase(directory: Paths.testCase("00068")).modelPath)
        let terms = imported.model.reactions.flatMap { $0.reactants + $0.products }
        #expect(terms.contains { $0.expression != nil && $0.coefficient == 0 })
    }

    static func document(_ body: String) -> String {
        """
        <?xml version="1.0" encoding="UTF-8"?>
        <sbml xmlns="http://www.sbml.org/sbml/level3/version2/core" level="3" version="2">
          <model id="m">
            <listOfCompartments><compartment id="c" size="1" constant="true"/></listOfCompartments>
            <listOfSpecies>
              <species id="S" compartment="c" initialConcentration="1" hasOnlySubstanceUnits="false" boundaryCondition="false" constant="false"/>
            </listOfSpecies>
            \(body)
          </model>
        </sbml>
        """
    }

    /// SBML forbids `rateOf` of a value an assignment rule computes; libSBML's consistency check says
    /// so (and the importer would refuse it by name were it to get through).
    @Test func rateOfAValueAnAssignmentRuleComputesIsRejected() throws {
        let xml = Self.document("""
            <listOfParameters>
              <parameter id="a" constant="false"/>
              <parameter id="b" value="0" constant="false"/>
            </listOfParameters>
            <listOfRules>
              <assignmentRule variable="a"><math xmlns="http://www.w3.org/1998/Math/MathML"><csymbol encoding="text" definitionURL="http://www.sbml.org/sbml/symbols/time"> t </csymbol></math></assignmentRule>
              <rateRule variable="b"><math xmlns="http://www.w3.org/1998/Math/MathML"><apply><csymbol encoding="text" definitionURL="http://www.sbml.org/sbml/symbols/rateOf"> rateOf </csymbol><ci> a </ci></apply></math></rateRule>
            </listOfRules>
            """)
        do {
            _ = try SBMLImporter.importXML(xml)
            Issue.record("rateOf of an assignment-rule variable was imported")
        } catch {
            #expect(error.kind == .invalid || error.kind == .unsupported)
            #expect(error.diagnostics.map(\.description).joined().contains("rateOf"), "\(error.diagnostics)")
        }
    }

    @Test func rateOfOfASpeciesIsItsReactionRate() throws {
        let xml = Self.document("""
            <listOfParameters><parameter id="d" value="0" constant="false"/></listOfParameters>
            <listOfRules>
              <assignmentRule variable="d"><math xmlns="http://www.w3.org/1998/Math/MathML"><apply><csymbol encoding="text" definitionURL="http://www.sbml.org/sbml/symbols/rateOf"> rateOf </csymbol><ci> S </ci></apply></math></assignmentRule>
            </listOfRules>
            <listOfReactions>
              <reaction id="loss" reversible="false">
                <listOfReactants><speciesReference species="S" stoichiometry="1" constant="true"/></listOfReactants>
                <kineticLaw><math xmlns="http://www.w3.org/1998/Math/MathML"><apply><times/><cn> 0.5 </cn><ci> S </ci></apply></math></kineticLaw>
              </reaction>
            </listOfReactions>
            """)
        let imported = try SBMLImporter.importXML(xml)
        let compiled = try CompiledModel(imported.model)
        let r = try compiled.simulate(SimulationSettings(end: 2, output: .points(3), rtol: 1e-10, atol: 1e-13), observe: ["S", "d"])
        for row in r.values { #expect(abs(row[1] + 0.5 * row[0]) < 1e-9) }
    }
}
