import Foundation
import Testing
import PathwayModel
@testable import Simulator

/// The sign check's diagnostics for a model written as YAML, as `line:column: severity: message`.
private func signs(_ yaml: String, scenarios: Bool = false, tolerance: Double = 1e-9) throws -> [String] {
    let model = try ModelLoader.load(yaml: yaml, file: "m.yaml").model
    let options = ModifierSignCheck.Options(scenarios: scenarios, relativeTolerance: tolerance)
    return ModifierSignCheck.diagnostics(for: model, options: options).map {
        "\($0.location.line):\($0.location.column): \($0.severity.rawValue): \($0.message)"
    }
}

/// A model with one reaction `A -> B` whose rate and modifiers the tests choose; `I` grows from 0 to 10
/// over the default simulation (10 s), so a derivative that changes sign with `I` does so half way.
private func model(rate: String, modifiers: String = "", extra: String = "") -> String {
    """
    model: signs
    compartments: {cell: 1}
    species:
      A: {compartment: cell, initial: 10}
      B: {compartment: cell, initial: 0}
      E: {compartment: cell, initial: 1}
      I: {compartment: cell, initial: 0}
    parameters:
      k: {value: 0.1, source: test}
      Ki: {value: 2, source: test}
      Km: {value: 5, source: test}
    reactions:
      conv:
        equation: A -> B
    \(rate)
    \(modifiers)
      make_I:
        equation: -> I
        rate: 1
    \(extra)
    simulation: {t-end: 10}

    """
}

@Suite("The modifiers' sign check")
struct ModifierSignCheckTests {
    @Test func anInhibitorWhoseRateRisesIsAnErrorAtItsDeclaration() throws {
        let d = try signs(model(rate: "    rate: k * A * (1 + I / Ki)", modifiers: "    modifiers: {E: catalyst, I: inhibitor}"))
        // E is not in the rate at all; I raises it at every sampled time, t = 0 included (∂v/∂I = k·A/Ki).
        #expect(d == [
            "16:17: warning: reaction 'conv' declares 'E' as a catalyst, but its rate does not depend on 'E'",
            "16:30: error: reaction 'conv' declares 'I' as an inhibitor, but its rate rises with 'I' (∂v/∂I > 0 at t = 0; at all 21 times sampled up to t = 10 s)",
        ])
    }

    @Test func anActivatorWhoseRateFallsIsReported() throws {
        let d = try signs(model(rate: "    rate: k * A / (1 + E)", modifiers: "    modifiers: {E: activator}"))
        #expect(d.count == 1)
        #expect(d.first?.hasPrefix("16:17: error: reaction 'conv' declares 'E' as an activator, but its rate falls with 'E' (∂v/∂E < 0 at t = 0;") == true)
    }

    @Test func aContradictionAtSomeTimesIsAWarning() throws {
        // ∂v/∂I = 2·k·A·(I − 5): negative while I < 5, positive after.
        let d = try signs(model(rate: "    rate: k * A * (1 + (I - 5)^2)", modifiers: "    modifiers: {I: activator}"))
        #expect(d.count == 1)
        let message = try #require(d.first)
        // At t = 5 s, I = 5 and the derivative is 0: it counts neither way.
        #expect(message == "16:17: warning: reaction 'conv' declares 'I' as an activator, but its rate falls with 'I' (∂v/∂I < 0 at t = 0; at 10 of 20 times sampled up to t = 10 s where it is not 0)")
    }

    @Test(arguments: [
        // Declared by the rate law itself: Michaelis–Menten enzyme, Hill activator, regulation terms.
        ("    michaelis-menten: {kcat: k, enzyme: E, km: Km}", ""),
        ("    hill: {vmax: k, k: Km, n: 2, of: I}", ""),
        ("    mass-action: {kf: k}", "    activators: {E: {k: Km, n: 2}}\n    inhibitors: {I: Ki}"),
        // Declared by hand, and right.
        ("    rate: k * E * A / (Km + A) / (1 + I / Ki)", "    modifiers: {E: catalyst, I: inhibitor}"),
    ])
    func rightDeclarationsDrawNothing(rate: String, modifiers: String) throws {
        #expect(try signs(model(rate: rate, modifiers: modifiers)) == [])
    }

    @Test func modifiersAreLocatedWhereTheyAreDeclared() throws {
        let yaml = model(rate: "    michaelis-menten: {kcat: k, enzyme: E, km: Km}", modifiers: "    inhibitors: {I: Ki}")
        let m = try ModelLoader.load(yaml: yaml, file: "m.yaml").model
        let located = m.reaction(named: "conv")!.modifiers.map { "\($0.species) \($0.role.rawValue) \($0.location.line):\($0.location.column)" }
        #expect(located == ["I inhibitor 16:18", "E catalyst 15:41"])
    }

    @Test func roundOffIsNotAContradiction() throws {
        // E/(3 + E) + 3/(3 + E) is 1 whatever E: the derivative is zero but for round-off.
        let yaml = model(rate: "    rate: k * A * (I / (3 + I) + 3 / (3 + I))", modifiers: "    modifiers: {I: inhibitor}")
        #expect(try signs(yaml) == [])
        // Without the tolerance, the round-off shows up as contradictions at some times.
        #expect(try signs(yaml, tolerance: 0).count == 1)
    }

    @Test func aCatalystOfAReactionRunningBackwardsIsRight() throws {
        // v = E·(k·A − B)/(1 + I) < 0 throughout (B starts far above equilibrium): more catalyst makes the
        // backward flux larger, more inhibitor smaller, as declared, though ∂v/∂E < 0 and ∂v/∂I > 0.
        let yaml = model(rate: "    rate: E * (k * A - B) / (1 + I)", modifiers: "    modifiers: {E: catalyst, I: inhibitor}")
            .replacingOccurrences(of: "B: {compartment: cell, initial: 0}", with: "B: {compartment: cell, initial: 50}")
            .replacingOccurrences(of: "equation: A -> B", with: "equation: A <-> B")
        #expect(try signs(yaml) == [])
    }

    @Test func anActivatorThatSlowsABackwardReactionIsReported() throws {
        // v = (k·A − B)/(1 + E) < 0: more E brings v towards 0, so the reaction runs backwards more slowly.
        let yaml = model(rate: "    rate: (k * A - B) / (1 + E)", modifiers: "    modifiers: {E: activator}")
            .replacingOccurrences(of: "B: {compartment: cell, initial: 0}", with: "B: {compartment: cell, initial: 50}")
            .replacingOccurrences(of: "equation: A -> B", with: "equation: A <-> B")
        #expect(try signs(yaml) == [
            "16:17: error: reaction 'conv' declares 'E' as an activator, but it runs slower backwards with more 'E' (v < 0 and ∂v/∂E > 0 at t = 0; at all 21 times sampled up to t = 10 s)",
        ])
    }

    @Test func scenariosAreCheckedOnRequest() throws {
        // A fold change below 1 turns the activator into a repressor.
        let yaml = model(rate: "    rate: k * (1 + (fold - 1) * I / (1 + I))", modifiers: "    modifiers: {I: activator}",
                         extra: "scenarios:\n  repressed: {set: {fold: 0.5}}")
            .replacingOccurrences(of: "Km: {value: 5, source: test}", with: "Km: {value: 5, source: test}\n  fold: {value: 3, source: test}")
        #expect(try signs(yaml) == [])
        let d = try signs(yaml, scenarios: true)
        #expect(d.count == 1)
        #expect(d.first?.contains("error: reaction 'conv' declares 'I' as an activator, but with scenario 'repressed' applied its rate falls with 'I'") == true, "\(d)")
    }

    /// Every model in models/, as written and with each of its scenarios applied.
    @Test(arguments: shippedModelNames)
    func shippedModelsContradictNoDeclaration(_ name: String) throws {
        let model = try loadShippedModel(name)
        let found = ModifierSignCheck.diagnostics(for: model, options: .init(scenarios: true))
        #expect(found.isEmpty, "\(found.map(\.description).joined(separator: "\n"))")
    }

    @Test func theShippedModelsAreFound() {
        #expect(shippedModelNames.count >= 7)
    }
}

private let shippedModelNames: [String] = {
    let dir = repositoryRoot.appendingPathComponent("models").path
    return ((try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []).filter { $0.hasSuffix(".yaml") }.sorted()
}()
