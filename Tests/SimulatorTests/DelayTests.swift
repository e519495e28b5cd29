import Foundation
import Testing
import PathwayModel
@testable import Simulator

/// `delay(x, τ)`: values read from the run's history at t − τ.
@Suite("Delayed values")
struct DelayTests {
    static func delay(_ x: PathwayModel.Expression, _ tau: Double) -> PathwayModel.Expression { .call(delayFunction, [x, .number(tau)]) }

    /// y' = −y(t − 1), y = 1 for t ≤ 0 (y is a parameter with a rate rule; a species keeps the model valid).
    static func delayedDecay() -> Model {
        Model(id: "delayed_decay", compartments: [Compartment(id: "cell", size: 1)],
              species: [Species(id: "S", compartment: "cell", initialValue: 1)],
              parameters: [Parameter(id: "y", value: 1)],
              rateRules: [RateRule(variable: "y", expression: .negate(delay(.symbol("y"), 1)))])
    }

    /// Method of steps: y = 1 − t on [0, 1], 1 − t + (t − 1)²/2 on [1, 2].
    static func exact(_ t: Double) -> Double { t <= 1 ? 1 - t : 1 - t + (t - 1) * (t - 1) / 2 }

    @Test("y' = −y(t − 1) follows the method-of-steps solution", arguments: [Method.auto, .dopri5, .rosenbrock, .bdf, .rk4])
    func delayedDecayMatchesTheMethodOfSteps(method: Method) throws {
        let m = try CompiledModel(Self.delayedDecay())
        #expect(!m.isAutonomous)
        let r = try m.simulate(SimulationSettings(end: 2, output: .points(41), method: method, rtol: 1e-10, atol: 1e-12,
                                                  fixedStep: method == .rk4 ? 0.01 : nil), observe: ["y"])
        #expect(r.status == .success)
        let tolerance = method == .bdf ? 1e-6 : 1e-8
        for (i, t) in r.times.enumerated() {
            #expect(abs(r.values[i][0] - Self.exact(t)) < tolerance, "\(method) at t = \(t): \(r.values[i][0])")
        }
    }

    @Test("A second run starts from a fresh history")
    func runsDoNotShareHistory() throws {
        let m = try CompiledModel(Self.delayedDecay())
        let settings = SimulationSettings(end: 2, output: .points(5), rtol: 1e-10, atol: 1e-12)
        let first = try m.simulate(settings, observe: ["y"])
        let second = try m.simulate(settings, observe: ["y"])
        #expect(first.values == second.values)
    }

    @Test("Before the start, expressions of time are evaluated at the earlier time")
    func expressionsOfTimeBeforeTheStart() throws {
        // Nothing to integrate: x = sin(10·time), y = 2 + x(t − 0.2).
        let model = Model(id: "echo", compartments: [Compartment(id: "cell", size: 1)],
                          species: [Species(id: "S", compartment: "cell", initialValue: 1)],
                          observables: [Observable(id: "x", expression: .call("sin", [.number(10) * .time])),
                                        Observable(id: "y", expression: .number(2) + Self.delay(.symbol("x"), 0.2))])
        let m = try CompiledModel(model)
        let r = try m.simulate(SimulationSettings(end: 1, output: .points(11)), observe: ["y"])
        for (i, t) in r.times.enumerated() {
            #expect(abs(r.values[i][0] - (2 + sin(10 * (t - 0.2)))) < 1e-12, "t = \(t)")
        }
    }

    @Test("A rate read from before the start is 0; later it is the rate then")
    func rateOfBeforeTheStart() throws {
        // S' = −S/2 from S = 4; d = rateOf(S) one time unit ago.
        let model = Model(id: "rate", compartments: [Compartment(id: "cell", size: 1)],
                          species: [Species(id: "S", compartment: "cell", initialValue: 4)],
                          parameters: [Parameter(id: "k", value: 0.5)],
                          reactions: [Reaction(id: "decay", reactants: [StoichiometricTerm("S")], products: [], reversible: false,
                                               rateLaw: .expression(.symbol("k") * .symbol("S")), compartment: nil)],
                          observables: [Observable(id: "d", expression: Self.delay(.call(rateOfFunction, [.symbol("S")]), 1))])
        let m = try CompiledModel(model)
        let r = try m.simulate(SimulationSettings(end: 3, output: .points(7), rtol: 1e-10, atol: 1e-12), observe: ["d"])
        for (i, t) in r.times.enumerated() {
            let expected = t < 1 ? 0 : -2 * exp(-0.5 * (t - 1))
            #expect(abs(r.values[i][0] - expected) < 1e-7, "t = \(t): \(r.values[i][0])")
        }
    }

    @Test("Delays nest: delay(delay(p, 0.5), 0.5) is p two half-units ago")
    func nestedDelays() throws {
        // p' = 1 from 0, so p = t (and 0 before the start).
        let model = Model(id: "nested", compartments: [Compartment(id: "cell", size: 1)],
                          species: [Species(id: "S", compartment: "cell", initialValue: 1)],
                          parameters: [Parameter(id: "p", value: 0)],
                          observables: [Observable(id: "q", expression: Self.delay(Self.delay(.symbol("p"), 0.5), 0.5))],
                          rateRules: [RateRule(variable: "p", expression: .number(1))])
        let m = try CompiledModel(model)
        let r = try m.simulate(SimulationSettings(end: 3, output: .points(7), rtol: 1e-10, atol: 1e-12), observe: ["q"])
        for (i, t) in r.times.enumerated() {
            #expect(abs(r.values[i][0] - max(0, t - 1)) < 1e-9, "t = \(t): \(r.values[i][0])")
        }
    }

    @Test("An event trigger reads a delayed value")
    func delayedValueInATrigger() throws {
        // p' = 1; when p(t − 1) > 0.5 (at t = 1.5), X = 7.
        let model = Model(id: "trigger", compartments: [Compartment(id: "cell", size: 1)],
                          species: [Species(id: "X", compartment: "cell", initialValue: 0)],
                          parameters: [Parameter(id: "p", value: 0)],
                          rateRules: [RateRule(variable: "p", expression: .number(1))],
                          events: [Event(id: "e", trigger: .when(.binary(.greater, Self.delay(.symbol("p"), 1), .number(0.5))),
                                         assignments: [EventAssignment(target: "X", mode: .set, value: .number(7))])])
        let m = try CompiledModel(model)
        let r = try m.simulate(SimulationSettings(end: 2, output: .times([1.4, 1.6]), rtol: 1e-10, atol: 1e-12), observe: ["X"])
        #expect(r.values.map { $0[0] } == [0, 7])
    }

    @Test("Models without delays have no history")
    func noDelaysNoHistory() throws {
        let model = Model(id: "plain", compartments: [Compartment(id: "cell", size: 1)],
                          species: [Species(id: "S", compartment: "cell", initialValue: 1)],
                          parameters: [Parameter(id: "y", value: 1)],
                          rateRules: [RateRule(variable: "y", expression: .negate(.symbol("y")))])
        #expect(try CompiledModel(model).delays == nil)
        #expect(try CompiledModel(Self.delayedDecay()).delays != nil)
    }
}
