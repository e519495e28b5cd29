import Foundation
import Testing
@testable import PathwayModel

/// A model whose one parameter `ke` the tests declare, used as `use` says.
private func model(ke: String, use: String = "rate: ke * A", extra: String = "") -> String {
    """
    model: pk
    units: {time: h}
    compartments: {cell: 1}
    species:
      A: {compartment: cell, initial: 10}
      B: {compartment: cell}
    parameters:
      ke: \(ke)
      K: {value: 2, source: test}
    reactions:
      elimination:
        equation: A -> B
        \(use)
    \(extra)
    """
}

@Suite("Parameters that must be positive, and rate-law constants that cannot be negative")
struct ParameterValueTests {
    @Test func aPositiveParameterAtOrBelowZeroIsAnErrorAtItsValue() {
        #expect(errors(in: model(ke: "{value: -1, unit: 1/h, source: test, positive: true}")) == [
            "8:15: parameter 'ke' must be positive (it is declared 'positive: true') but is -1",
        ])
        #expect(errors(in: model(ke: "{value: 0, source: test, positive: true}")) == [
            "8:15: parameter 'ke' must be positive (it is declared 'positive: true') but is 0",
        ])
        // Used as a rate constant, the message says so.
        #expect(errors(in: model(ke: "{positive: true, source: test, value: -1}", use: "mass-action: {kf: ke}")) == [
            "8:45: parameter 'ke' must be positive (it is the forward rate constant of reaction 'elimination') but is -1",
        ])
        #expect(errors(in: model(ke: "{value: 0.1, source: test, positive: true}")) == [])
        #expect(errors(in: model(ke: "{value: 0.1, source: test, positive: maybe}")).first?.contains("'positive' of parameter 'ke'") == true)
    }

    @Test(arguments: [
        ("mass-action: {kf: ke}", "the forward rate constant of reaction 'elimination'"),
        ("michaelis-menten: {vmax: ke, km: K}", "the vmax of reaction 'elimination'"),
        ("michaelis-menten: {vmax: K, km: ke}", "the Michaelis constant of reaction 'elimination'"),
        ("michaelis-menten: {kcat: ke, enzyme: B, km: K}", "the kcat of reaction 'elimination'"),
        ("hill: {vmax: K, k: ke, of: B}", "the Hill constant of reaction 'elimination'"),
        ("mass-action: {kf: K}\n    inhibitors: {B: ke}", "the inhibition constant of 'B' in reaction 'elimination'"),
        ("mass-action: {kf: K}\n    activators: {B: {k: ke, n: 2}}", "the activation constant of 'B' in reaction 'elimination'"),
    ])
    func aNegativeRateLawConstantIsAnError(use: String, role: String) {
        #expect(errors(in: model(ke: "-0.5", use: use)) == ["8:7: parameter 'ke' cannot be negative (it is \(role)) but is -0.5"])
        // Zero stays allowed; so does any value of a parameter a free rate expression uses.
        #expect(errors(in: model(ke: "0", use: use)) == [])
        #expect(errors(in: model(ke: "-0.5", use: "rate: K * A * exp(ke)")) == [])
    }

    @Test func aNegativeNumberWrittenAsAConstantIsAnErrorWhereItIsWritten() {
        #expect(errors(in: model(ke: "1", use: "michaelis-menten: {vmax: 2, km: -3}")) == [
            "13:37: the Michaelis constant of reaction 'elimination' cannot be negative but is -3",
        ])
    }

    @Test func aDrugsIC50IsReportedAtItsValue() {
        let yaml = model(ke: "1", extra: "drugs:\n  d: {targets: [elimination], ic50: {value: -2, source: test}}")
        #expect(errors(in: yaml) == ["15:45: the IC50 of drug 'd' must be positive but is -2"])
    }

    @Test func scenariosCannotMakeAPositiveParameterNonPositive() {
        let yaml = model(ke: "{value: 0.1, source: test, positive: true}", extra: """
            scenarios:
              negative: {set: {ke: -1}}
              off: {scale: {ke: 0}}
              fine: {scale: {ke: 2}}
            """)
        #expect(errors(in: yaml) == [
            "15:20: scenario 'negative' sets parameter 'ke' to -1, but parameter 'ke' must be positive (it is declared 'positive: true')",
            "16:17: scenario 'off' scales parameter 'ke' by 0 to 0, but parameter 'ke' must be positive (it is declared 'positive: true')",
        ])
    }

    @Test func perturbationsAreRefused() throws {
        let m = try ModelLoader.load(yaml: model(ke: "{value: 0.1, source: test, positive: true}", use: "mass-action: {kf: ke}")
            .replacingOccurrences(of: "K: {value: 2", with: "K: {value: 2, positive: false")).model
        #expect(m.parameter(named: "ke")?.positive == true)
        func refusal(_ p: Perturbation) -> String? {
            do { _ = try m.applying([p]); return nil } catch { return error.errors.first?.message }
        }
        #expect(refusal(.setParameter(name: "ke", value: -1))
            == "cannot set parameter 'ke' to -1: it must be positive (it is the forward rate constant of reaction 'elimination')")
        #expect(refusal(.scaleParameter(name: "ke", factor: 0))
            == "cannot scale parameter 'ke' by 0 (to 0): it must be positive (it is the forward rate constant of reaction 'elimination')")
        #expect(refusal(.setParameter(name: "ke", value: 2)) == nil)
        #expect(refusal(.setParameter(name: "K", value: -2)) == nil) // not a rate-law constant here
        #expect(refusal(.setParameter(name: "A", value: 0)) == nil)  // a species' initial value
    }

    @Test func positiveIsWrittenBack() throws {
        let m = try ModelLoader.load(yaml: model(ke: "{value: 0.1, source: test, positive: true}")).model
        let text = try YAMLModelWriter.write(m)
        #expect(text.contains("positive: true"))
        #expect(try ModelLoader.load(yaml: text).model.parameter(named: "ke")?.positive == true)
    }
}
