import Foundation
import PathwayModel
import Simulator
import Testing

@Suite("Compiling large models")
struct LargeModelCompileTests {
    /// n parameters, each with a rate rule: n state variables, nothing else to compile.
    static func model(states n: Int) -> Model {
        Model(id: "wide", compartments: [Compartment(id: "cell", size: 1)],
              species: [Species(id: "S", compartment: "cell", initialValue: 1)],
              parameters: (0..<n).map { Parameter(id: "p\($0)", value: 0) },
              rateRules: (0..<n).map { RateRule(variable: "p\($0)", expression: .number(1)) })
    }

    @Test func moreStatesThanTheJacobianCanAddressIsACompileErrorNotATrap() {
        let n = CompiledModel.maximumDimension + 1
        #expect(throws: CompileError.self) { _ = try CompiledModel(Self.model(states: n)) }
        do {
            _ = try CompiledModel(Self.model(states: n))
        } catch {
            #expect(error.message == "the model has 46341 state variables; at most 46340 are supported (its Jacobian is addressed in 32 bits)")
        }
    }

    @Test func aChainOfFiveThousandSpeciesCompiles() throws {
        let n = 5_000
        let species = (1...n).map { Species(id: "S\($0)", compartment: "cell", initialValue: $0 == 1 ? 1 : 0) }
        var reactions = [Reaction(id: "synthesis", reactants: [], products: [StoichiometricTerm("S1")], reversible: false,
                                  rateLaw: .massAction(forward: .symbol("k"), reverse: nil), compartment: "cell")]
        for i in 1..<n {
            reactions.append(Reaction(id: "r\(i)", reactants: [StoichiometricTerm("S\(i)")], products: [StoichiometricTerm("S\(i + 1)")],
                                      reversible: false, rateLaw: .massAction(forward: .symbol("k"), reverse: nil), compartment: "cell"))
        }
        let model = Model(id: "chain", compartments: [Compartment(id: "cell", size: 1)], species: species,
                          parameters: [Parameter(id: "k", value: 0.5)], reactions: reactions)
        let compiled = try CompiledModel(model)
        #expect(compiled.dimension == n)
    }
}
