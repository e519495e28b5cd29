import Foundation
import PathwayModel
@testable import SBML
import Testing

/// Large SBML models (issue #12): above 6,000 elements libSBML's quadratic general and MathML checks
/// are skipped, and the importer's own checks still catch dangling references.
@Suite("Large SBML models")
struct LargeSBMLTests {
    /// A chain `-> S1 -> … -> Sn ->` in SBML Level 3 Version 2; `kinetics` replaces the last reaction's
    /// kinetic law.
    static func chain(_ n: Int, lastLaw: String? = nil) -> String {
        var species = "", parameters = "", reactions = ""
        func reaction(_ id: String, _ reactant: String?, _ product: String?, _ law: String) {
            parameters += "<parameter id=\"k_\(id)\" value=\"0.5\" constant=\"true\"/>\n"
            let r = reactant.map { "<listOfReactants><speciesReference species=\"\($0)\" stoichiometry=\"1\" constant=\"true\"/></listOfReactants>" } ?? ""
            let p = product.map { "<listOfProducts><speciesReference species=\"\($0)\" stoichiometry=\"1\" constant=\"true\"/></listOfProducts>" } ?? ""
            reactions += "<reaction id=\"\(id)\" reversible=\"false\">\(r)\(p)<kineticLaw><math xmlns=\"http://www.w3.org/1998/Math/MathML\">\(law)</math></kineticLaw></reaction>\n"
        }
        func massAction(_ id: String, _ s: String?) -> String {
            s.map { "<apply><times/><ci>k_\(id)</ci><ci>\($0)</ci></apply>" } ?? "<ci>k_\(id)</ci>"
        }
        for i in 1...n { species += "<species id=\"S\(i)\" compartment=\"cell\" initialConcentration=\"0\" hasOnlySubstanceUnits=\"false\" boundaryCondition=\"false\" constant=\"false\"/>\n" }
        reaction("synthesis", nil, "S1", massAction("synthesis", nil))
        for i in 1..<n { reaction("conversion_\(i)", "S\(i)", "S\(i + 1)", massAction("conversion_\(i)", "S\(i)")) }
        reaction("decay", "S\(n)", nil, lastLaw ?? massAction("decay", "S\(n)"))
        return """
            <?xml version="1.0" encoding="UTF-8"?>
            <sbml xmlns="http://www.sbml.org/sbml/level3/version2/core" level="3" version="2">
            <model id="chain" timeUnits="second">
            <listOfCompartments><compartment id="cell" size="1" spatialDimensions="3" constant="true"/></listOfCompartments>
            <listOfSpecies>\(species)</listOfSpecies>
            <listOfParameters>\(parameters)</listOfParameters>
            <listOfReactions>\(reactions)</listOfReactions>
            </model>
            </sbml>
            """
    }

    @Test func aLargeChainImportsWithoutSourceWarnings() throws {
        let imported = try SBMLImporter.importXML(Self.chain(2_500), file: "chain.xml")
        #expect(imported.model.species.count == 2_500)
        #expect(imported.model.reactions.count == 2_501)
        #expect(!imported.warnings.contains { $0.message.contains("source") })
    }

    @Test func anUnknownNameInALargeModelIsStillAnError() {
        #expect(throws: SBMLImportError.self) {
            _ = try SBMLImporter.importXML(Self.chain(2_500, lastLaw: "<apply><times/><ci>k_nowhere</ci><ci>S2500</ci></apply>"), file: "chain.xml")
        }
    }

    @Test func aRecursiveFunctionIsNotAConstantAndDoesNotOverflowTheStack() {
        let f = FunctionDefinition(id: "f", arguments: ["x"], body: .call("f", [.symbol("x")]))
        #expect(evaluateConstant(.call("f", [.number(1)]), functions: ["f": f], value: { _ in nil }) == nil)
        let g = FunctionDefinition(id: "g", arguments: ["x"], body: .symbol("x") * .number(2))
        #expect(evaluateConstant(.call("g", [.number(3)]), functions: ["g": g], value: { _ in nil }) == 6)
    }
}
