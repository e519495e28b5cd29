import Testing
@testable import PathwayModel

@Suite("Writing models as YAML")
struct YAMLModelWriterTests {
    @Test func theWorkedExampleReadsBackTheSame() throws {
        let original = try ModelLoader.load(path: fixtures.appendingPathComponent("worked-example.yaml").path).model
        let text = try YAMLModelWriter.write(original)
        let again = try ModelLoader.load(yaml: text, file: "written.yaml").model
        #expect(again.species.map(\.id) == original.species.map(\.id))
        #expect(again.species.map(\.initialValue) == original.species.map(\.initialValue))
        #expect(again.parameters.map(\.value) == original.parameters.map(\.value))
        #expect(again.reactions.map(\.equation) == original.reactions.map(\.equation))
        #expect(again.reactions.map(\.rateExpression) == original.reactions.map(\.rateExpression))
        #expect(again.scenarios.map(\.id) == original.scenarios.map(\.id))
    }

    @Test func aStoichiometryGivenByAnExpressionIsRefusedNotWrittenAsZero() throws {
        var model = try ModelLoader.load(path: fixtures.appendingPathComponent("worked-example.yaml").path).model
        model.reactions[0].products[0] = StoichiometricTerm("LR", 0, expression: .symbol("kon"))
        do {
            _ = try YAMLModelWriter.write(model)
            Issue.record("should refuse")
        } catch {
            #expect(error.errors.map(\.message) == [
                "reaction 'binding' has a stoichiometry given by an expression, which the YAML format cannot express (keep the model as SBML)",
            ])
        }
    }
}
