import Foundation
import Testing
@testable import PathwayModel

@Suite("Module composition")
struct CompositionTests {
    /// receptor.yaml ← signalling.yaml, receptor.yaml ← feedback.yaml, and top.yaml includes both (a diamond).
    func writeModules(conflict: Bool = false) throws -> URL {
        let dir = try temporaryDirectory()
        func write(_ name: String, _ text: String) throws {
            try text.write(to: dir.appendingPathComponent(name), atomically: true, encoding: .utf8)
        }
        try write("receptor.yaml", """
            model: receptor
            compartments: {membrane: 1, cytoplasm: 1}
            species:
              L: {compartment: membrane, initial: 1, role: ligand}
              R: {compartment: membrane, initial: 10, role: receptor, link: /genes/r}
              LR: {compartment: membrane, role: complex, entities: [L, R]}
            parameters:
              kon: {value: 0.1, source: test}
              koff: {value: 0.01, source: test}
            reactions:
              bind: {equation: L + R <-> LR, mass-action: {kf: kon, kr: koff}}
            """)
        try write("signalling.yaml", """
            model: signalling
            includes: [receptor.yaml]
            species:
              S: {compartment: cytoplasm, initial: 100}
              Sp: {compartment: cytoplasm}
              R: {compartment: membrane, initial: 10, label: Receptor}
            parameters:
              kp: {value: 1, source: test}
              kon: {value: \(conflict ? 0.2 : 0.1), source: test}
            reactions:
              phos: {equation: S -> Sp, michaelis-menten: {kcat: kp, enzyme: LR, km: 50}}
            """)
        try write("feedback.yaml", """
            model: feedback
            includes: [receptor.yaml]
            species:
              Sp: {compartment: cytoplasm}
            parameters:
              kd: {value: 0.5, source: test}
            reactions:
              dephos: {equation: Sp -> S, mass-action: {kf: kd}}
            """)
        try write("top.yaml", """
            model: top
            includes: [signalling.yaml, feedback.yaml]
            observables:
              total_S: S + Sp
            """)
        return dir
    }

    @Test func diamondIncludesComposeOnce() throws {
        let dir = try writeModules()
        // feedback.yaml reads S, which signalling.yaml defines: on its own it is invalid...
        #expect(throws: ModelError.self) { try ModelLoader.load(path: dir.appendingPathComponent("feedback.yaml").path) }
        // ...but composed with signalling.yaml it is fine.
        let m = try ModelLoader.load(path: dir.appendingPathComponent("top.yaml").path).model
        #expect(m.modules.map(\.id) == ["top", "receptor", "signalling", "feedback"])
        #expect(m.species.map(\.id) == ["L", "R", "LR", "S", "Sp"])
        #expect(m.reactions.map(\.id) == ["bind", "phos", "dephos"])
        #expect(m.reaction(named: "dephos")?.module == "feedback")
        // Shared species: the first definition's diagram details win, later ones fill gaps.
        #expect(m.species(named: "R")?.display.link == "/genes/r")
        #expect(m.species(named: "R")?.display.label == "Receptor")
        #expect(m.parameters.map(\.id) == ["kon", "koff", "kp", "kd"])
    }

    @Test func conflictingSharedDefinitionsAreErrors() throws {
        let dir = try writeModules(conflict: true)
        do {
            _ = try ModelLoader.load(path: dir.appendingPathComponent("top.yaml").path)
            Issue.record("should fail")
        } catch {
            let messages = error.errors.map(\.message)
            #expect(messages.count == 1)
            #expect(messages.first?.hasPrefix("parameter 'kon' is also defined at") == true)
            #expect(messages.first?.hasSuffix("and the definitions disagree (value 0.1 vs 0.2); a shared parameter must be defined the same way in every module") == true)
        }
    }

    @Test func includeCycleAndMissingInclude() throws {
        let dir = try temporaryDirectory()
        try "model: a\nincludes: [b.yaml]\nspecies: {A: {compartment: c}}\ncompartments: {c: 1}\n"
            .write(to: dir.appendingPathComponent("a.yaml"), atomically: true, encoding: .utf8)
        try "model: b\nincludes: [a.yaml, missing.yaml]\nspecies: {B: {compartment: c}}\ncompartments: {c: 1}\n"
            .write(to: dir.appendingPathComponent("b.yaml"), atomically: true, encoding: .utf8)
        let a = dir.appendingPathComponent("a.yaml").path
        do {
            _ = try ModelLoader.load(path: a)
            Issue.record("should fail")
        } catch {
            let d = error.errors
            #expect(d.count == 2)
            #expect(d[0].message == "include cycle: a.yaml -> b.yaml -> a.yaml")
            #expect(d[0].location.line == 2 && d[0].location.column == 12)
            #expect(d[1].message.hasPrefix("included file '") && d[1].message.hasSuffix("missing.yaml' does not exist"))
            #expect(d[1].location.line == 2 && d[1].location.column == 20)
        }
    }
}

@Suite("Conservation laws")
struct ConservationTests {
    @Test func enzymeKineticsHasTwoMoieties() throws {
        let m = try ModelLoader.load(yaml: """
            model: mm
            compartments: {cell: 1}
            species:
              E: {compartment: cell, initial: 2}
              S: {compartment: cell, initial: 10}
              ES: {compartment: cell}
              P: {compartment: cell}
            parameters: {a: 1, d: 1, k: 1}
            reactions:
              bind: {equation: E + S <-> ES, mass-action: {kf: a, kr: d}}
              cat: {equation: ES -> E + P, mass-action: {kf: k}}
            """).model
        #expect(m.conservationLaws.map(\.description) == ["E + ES = 2", "S + ES + P = 10"])
    }

    @Test func dimersCountTwice() throws {
        let m = try ModelLoader.load(yaml: """
            model: dimer
            compartments: {cyto: 2, nuc: 0.5}
            species:
              M: {compartment: cyto, initial: 100}
              D: {compartment: cyto}
              Dn: {compartment: nuc}
            parameters: {kf: 1, kr: 1, ki: 1}
            reactions:
              dimerise: {equation: 2 M <-> D, mass-action: {kf: kf, kr: kr}}
              import: {equation: D -> Dn, mass-action: {kf: ki}}
            """).model
        let laws = m.conservationLaws
        #expect(laws.count == 1)
        #expect(laws[0].terms.map(\.species) == ["M", "D", "Dn"])
        #expect(laws[0].terms.map(\.weight) == [1, 2, 2])
        #expect(laws[0].total == 200) // 100 nM × 2 pL, as an amount
    }

    @Test func openSystemsHaveNone() throws {
        let m = try ModelLoader.load(yaml: """
            model: open
            compartments: {cell: 1}
            species: {X: {compartment: cell}}
            parameters: {ks: 1, kd: 1}
            reactions:
              make: {equation: -> X, mass-action: {kf: ks}}
              lose: {equation: X ->, mass-action: {kf: kd}}
            """).model
        #expect(m.conservationLaws.isEmpty)
    }
}

@Suite("Perturbations")
struct PerturbationTests {
    let model: Model = try! ModelLoader.load(path: fixtures.appendingPathComponent("worked-example.yaml").path).model

    @Test func knockoutZeroesInitialValue() throws {
        let m = try model.applying(scenario: "no-receptor")
        #expect(m.species(named: "R")?.initialValue == 0)
    }

    @Test func drugAddsASpeciesAndScalesItsTargets() throws {
        let m = try model.applying(scenario: "blocked")
        #expect(m.species(named: "drug_blocker")?.initialValue == 50)
        #expect(m.reaction(named: "activation")?.rateExpression.description
            == "1 / (1 + drug_blocker / blocker_IC50) * (kcat * LR * K / (Km + K))")
        #expect(m.reaction(named: "blocker_clearance_reaction")?.equation == "drug_blocker ->")
    }

    @Test func synthesisStopsOnKnockout() throws {
        let m = try ModelLoader.load(yaml: """
            model: gene
            compartments: {cell: 1}
            species:
              mRNA: {compartment: cell, initial: 1}
              P: {compartment: cell, initial: 5}
            parameters: {ktl: 1, kd: 1}
            reactions:
              translation: {equation: mRNA -> mRNA + P, mass-action: {kf: ktl}}
              decay: {equation: P ->, mass-action: {kf: kd}}
            """).model.applying([.knockout(species: "P")])
        #expect(m.species(named: "P")?.initialValue == 0)
        #expect(m.reaction(named: "translation")?.rateLaw == .scaled(.massAction(forward: .symbol("ktl"), reverse: nil), by: .number(0)))
        #expect(m.reaction(named: "decay")?.rateLaw == .massAction(forward: .symbol("kd"), reverse: nil))
    }

    @Test func unknownNamesGetSuggestions() {
        #expect(throws: ModelError.self) { try model.applying(scenario: "no-receptr") }
        do { _ = try model.applying(scenario: "no-receptr") } catch {
            #expect(error.errors.first?.message == "unknown scenario 'no-receptr' (did you mean 'no-receptor'?) (scenarios: no-receptor, blocked, slow-binding)")
        }
        do { _ = try model.applying([.inhibit(reaction: "activaton", fraction: 0.5), .scaleParameter(name: "kcatt", factor: 2)]) } catch {
            #expect(error.errors.map(\.message) == [
                "cannot inhibit unknown reaction 'activaton' (did you mean 'activation'?)",
                "cannot scale unknown parameter 'kcatt' (did you mean 'kcat'?)",
            ])
        }
    }
}

@Suite("Missing includes")
struct MissingIncludeTests {
    @Test func aMissingIncludeIsReportedAloneNotAsACascadeOfUnknownNames() throws {
        let dir = try temporaryDirectory()
        try """
            model: top
            includes: [absent.yaml]
            observables:
              total: A + B
            """.write(to: dir.appendingPathComponent("top.yaml"), atomically: true, encoding: .utf8)
        do {
            _ = try ModelLoader.load(path: dir.appendingPathComponent("top.yaml").path)
            Issue.record("should fail")
        } catch {
            #expect(error.errors.count == 1)
            #expect(error.errors.first?.message.hasSuffix("absent.yaml' does not exist") == true)
        }
    }
}
