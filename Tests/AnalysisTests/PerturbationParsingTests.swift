import Testing
import PathwayModel
@testable import Analysis

@Suite("Perturbations from the command line")
struct PerturbationParsingTests {
    let units = Units(time: .second, concentration: .nanomolar, volume: .picolitre)

    @Test func knockout() throws {
        #expect(try Perturbation(parsing: "SOCS3", kind: .knockout, units: units) == .knockout(species: "SOCS3"))
    }

    @Test func inhibitAcceptsFractionsAndPercentages() throws {
        #expect(try Perturbation(parsing: "jak_activation=0.8", kind: .inhibit, units: units) == .inhibit(reaction: "jak_activation", fraction: 0.8))
        #expect(try Perturbation(parsing: "r = 25%", kind: .inhibit, units: units) == .inhibit(reaction: "r", fraction: 0.25))
    }

    @Test func drugConvertsUnits() throws {
        #expect(try Perturbation(parsing: "ruxolitinib=2µM", kind: .drug, units: units) == .drug(name: "ruxolitinib", concentration: 2000))
        #expect(try Perturbation(parsing: "ruxolitinib=500", kind: .drug, units: units) == .drug(name: "ruxolitinib", concentration: 500))
    }

    @Test func doseWithRepeats() throws {
        let p = try Perturbation(parsing: "IL11=1nM@30min,every=2h,count=3", kind: .dose, units: units)
        #expect(p == .dose(species: "IL11", amount: 1, time: 1800, every: 7200, count: 3))
        let single = try Perturbation(parsing: "IL11=0.5@60", kind: .dose, units: units)
        #expect(single == .dose(species: "IL11", amount: 0.5, time: 60, every: nil, count: nil))
    }

    @Test func setAndScale() throws {
        #expect(try Perturbation(parsing: "k1=0.3", kind: .set, units: units) == .setParameter(name: "k1", value: 0.3))
        #expect(try Perturbation(parsing: "IL11=1µM", kind: .set, units: units) == .setParameter(name: "IL11", value: 1000))
        #expect(try Perturbation(parsing: "k1=2", kind: .scale, units: units) == .scaleParameter(name: "k1", factor: 2))
    }

    @Test(arguments: [
        (PerturbationKind.inhibit, "r"), (.inhibit, "r=1.5"), (.inhibit, "r=abc"), (.inhibit, "=0.5"),
        (.drug, "d=10 furlongs"), (.drug, "d=-1nM"), (.dose, "S=1nM"), (.dose, "S=1nM@"), (.dose, "S=1nM@10parsecs"),
        (.dose, "S=1@10,every=0"), (.dose, "S=1@10,count=3"), (.dose, "S=1@10,every=5,count=x"), (.dose, "S=1@10,often=2"),
        (.set, "k"), (.set, "k="), (.scale, "k=-2"), (.knockout, "S=3"), (.knockout, ""),
    ])
    func malformedSyntaxIsRejected(_ kind: PerturbationKind, _ text: String) {
        #expect(throws: AnalysisError.self) { try Perturbation(parsing: text, kind: kind, units: units) }
        do { _ = try Perturbation(parsing: text, kind: kind, units: units) } catch {
            #expect(error.kind == .syntax)
            #expect(error.message.contains("--\(kind.rawValue)"))
        }
    }

    @Test func unknownNamesGetSuggestions() throws {
        let model = try loadShippedModel("il11.yaml")
        do {
            try Perturbation.knockout(species: "SOCS3_protien").check(against: model)
            Issue.record("expected an error")
        } catch {
            #expect(error.kind == .unknownName)
            #expect(error.message.contains("did you mean 'SOCS3_protein'"))
        }
        #expect(throws: AnalysisError.self) { try Perturbation.drug(name: "ruxolitinb", concentration: 1).check(against: model) }
        #expect(throws: AnalysisError.self) { try Perturbation.inhibit(reaction: "nope", fraction: 0.5).check(against: model) }
        try Perturbation.drug(name: "ruxolitinib", concentration: 1).check(against: model)
    }

    @Test func perturbationsCompose() throws {
        let model = try loadShippedModel("il11.yaml")
        let list = try model.perturbations(ofScenario: "socs3-knockout") + [
            try Perturbation(parsing: "ruxolitinib=100nM", kind: .drug, units: model.units),
            try Perturbation(parsing: "IL11=2", kind: .scale, units: model.units),
        ]
        let m = try model.perturbed(by: list)
        #expect(m.species(named: "drug_ruxolitinib")?.initialValue == 100)
        #expect(m.species(named: "IL11")?.initialValue == 2 * (model.species(named: "IL11")?.initialValue ?? .nan))
        #expect(m.species(named: "SOCS3_protein")?.initialValue == 0)
        #expect(throws: AnalysisError.self) { try model.perturbations(ofScenario: "socs3-knockuot") }
    }
}

@Suite("Perturbation requests resolved against a model")
struct PerturbationRequestTests {
    @Test("scenarios first, then knockouts, inhibitions, drugs, doses, sets, scales; the model made once")
    func orderAndModel() throws {
        let model = try ModelLoader.load(path: modelPath("il11.yaml")).model
        let request = PerturbationRequest(scenarios: ["ruxolitinib"], texts: [
            .scale: ["k_STAT3_phos=2"], .knockout: ["SOCS3_protein"], .dose: ["IL11=1nM@30min"],
        ])
        let (list, perturbed) = try request.resolve(against: model)
        let scenario = try model.perturbations(ofScenario: "ruxolitinib")
        #expect(Array(list.prefix(scenario.count)) == scenario)
        #expect(Array(list.dropFirst(scenario.count)) == [
            .knockout(species: "SOCS3_protein"),
            .dose(species: "IL11", amount: 1, time: 1800, every: nil, count: nil),
            .scaleParameter(name: "k_STAT3_phos", factor: 2),
        ])
        #expect(perturbed.fingerprint == (try model.perturbed(by: list)).fingerprint)
        #expect(perturbed.fingerprint != model.fingerprint)
        #expect(try request.resolveAdHoc(against: model) == Array(list.dropFirst(scenario.count)))
    }

    @Test("a failure names the kind and the text at fault, or the scenario")
    func failures() throws {
        let model = try ModelLoader.load(path: modelPath("il11.yaml")).model
        #expect(throws: PerturbationRequest.Failure.self) {
            try PerturbationRequest(texts: [.knockout: ["SOCS3_protein"], .inhibit: ["nope=0.5"]]).resolve(against: model)
        }
        do {
            _ = try PerturbationRequest(texts: [.knockout: ["SOCS3_protein"], .inhibit: ["nope=0.5"]]).resolve(against: model)
        } catch {
            #expect(error.kind == .inhibit && error.text == "nope=0.5" && error.error.kind == .unknownName)
        }
        do {
            _ = try PerturbationRequest(scenarios: ["no-such-scenario"]).resolve(against: model)
        } catch {
            #expect(error.kind == nil && error.text == "no-such-scenario" && error.error.message.contains("unknown scenario"))
        }
    }
}
