import Foundation
import Testing
import PathwayModel
@testable import Simulator

/// Times at which `values` crosses its mean upwards (linear interpolation between samples).
func upwardCrossings(_ times: [Double], _ values: [Double]) -> [Double] {
    let mean = values.reduce(0, +) / Double(values.count)
    var out: [Double] = []
    for i in 1..<values.count where values[i - 1] < mean && values[i] >= mean {
        let f = (mean - values[i - 1]) / (values[i] - values[i - 1])
        out.append(times[i - 1] + f * (times[i] - times[i - 1]))
    }
    return out
}

@Suite("Published models")
struct ShippedModelTests {
    /// Kholodenko 2000: negative feedback plus ultrasensitivity gives sustained oscillations; the
    /// period measured from the simulation is the same whatever the method and tolerance.
    @Test func kholodenkoOscillatesWithOnePeriodAcrossMethods() throws {
        let model = try CompiledModel(loadShippedModel("kholodenko-2000.yaml"))
        var periods: [Double] = []
        for (method, rtol) in [(Method.auto, 1e-6), (.dopri5, 1e-8), (.rosenbrock, 1e-7), (.rosenbrock, 1e-9)] {
            let r = try model.simulate(SimulationSettings(end: 12000, output: .points(6001), method: method, rtol: rtol, atol: 1e-9),
                                       observe: ["MAPK_PP"])
            #expect(r.status == .success)
            let x = r.column("MAPK_PP")!
            // Sustained: the last third still swings by more than half the total MAPK.
            let tail = x[4000...]
            #expect(tail.max()! - tail.min()! > 150, "\(method) rtol \(rtol): amplitude \(tail.max()! - tail.min()!)")
            let crossings = upwardCrossings(r.times, x).filter { $0 > 3000 }
            #expect(crossings.count >= 4)
            let gaps = zip(crossings.dropFirst(), crossings).map { $0 - $1 }
            periods.append(gaps.reduce(0, +) / Double(gaps.count))
        }
        for p in periods {
            #expect(abs(p - periods[0]) < 0.01 * periods[0], "periods \(periods)")
        }
        // Minutes to hours (Kholodenko 2000): here about 20 minutes.
        #expect(periods[0] > 600 && periods[0] < 3600)
    }

    @Test func kholodenkoWithoutFeedbackSettles() throws {
        let model = try CompiledModel(loadShippedModel("kholodenko-2000.yaml").applying(scenario: "no-feedback"))
        let r = try model.simulate(SimulationSettings(end: 12000, output: .points(1201)), observe: ["MAPK_PP"])
        let tail = r.column("MAPK_PP")![900...]
        #expect(tail.max()! - tail.min()! < 1e-3 * tail.max()!)
    }

    /// Huang & Ferrell 1996 reaches the same steady state with every method.
    @Test func huangFerrellSteadyStateAgreesAcrossMethods() throws {
        let model = try CompiledModel(loadShippedModel("huang-ferrell-1996.yaml"))
        let names = ["MAPKKK_active", "MAPKK_PP", "MAPK_PP"]
        let reference = try model.simulate(SimulationSettings(end: 300, output: .points(2), method: .rosenbrock, rtol: 1e-10, atol: 1e-14),
                                           observe: names).values.last!
        #expect(reference[2] > 0.1) // the stimulus activates MAPK
        for method in [Method.auto, .dopri5, .rosenbrock] {
            let r = try model.simulate(SimulationSettings(end: 300, output: .points(2), method: method, rtol: 1e-6, atol: 1e-10,
                                                          maxSteps: 2_000_000), observe: names)
            #expect(r.status == .success)
            for (a, b) in zip(r.values.last!, reference) { #expect(abs(a - b) <= 1e-4 * abs(b) + 1e-9, "\(method)") }
        }
        // The fixed-step methods get there too with a step inside their stability region.
        for (method, step) in [(Method.rk4, 1.5e-3), (.euler, 1e-3)] {
            let r = try model.simulate(SimulationSettings(end: 300, output: .points(2), method: method, fixedStep: step,
                                                          maxSteps: 3_000_000), observe: names)
            #expect(r.status == .success)
            for (a, b) in zip(r.values.last!, reference) { #expect(abs(a - b) <= 1e-3 * abs(b) + 1e-9, "\(method)") }
        }
    }

    @Test func autoSwitchesToTheStiffMethodOnStiffModels() throws {
        let stiff = try CompiledModel(loadShippedModel("huang-ferrell-1996.yaml"))
        let r = try stiff.simulate(SimulationSettings(end: 600, output: .points(11)))
        #expect(r.statistics.switchedToStiffAt != nil)
        let oscillator = try CompiledModel(loadShippedModel("kholodenko-2000.yaml"))
        let s = try oscillator.simulate(SimulationSettings(end: 3000, output: .points(11)))
        #expect(s.statistics.switchedToStiffAt == nil)
    }

    @Test func eventsAreAppliedOnceAcrossTheSwitch() throws {
        // A fast reversible binding (stiff) with doses before and after the switch.
        let m = try compile("""
            model: switch
            compartments: {cell: 1}
            species:
              A: {compartment: cell, initial: 1}
              B: {compartment: cell, initial: 1}
              C: {compartment: cell}
            parameters: {kf: 1e4, kr: 1e3}
            reactions:
              bind: {equation: A + B <-> C, mass-action: {kf: kf, kr: kr}}
            events:
              dose: {at: 0.5, every: 1, count: 3, add: {A: 1}}
            """)
        let r = try m.simulate(SimulationSettings(end: 4, output: .points(9)), observe: ["A", "C"])
        #expect(r.statistics.switchedToStiffAt != nil)
        #expect(r.statistics.eventsFired == 3)
        // Conservation of A: 1 initially + 3 doses.
        let last = r.values.last!
        #expect(abs(last[0] + last[1] - 4) < 1e-6)
    }

    /// IL-11 (facts §5, items 3 and 4): transient pSTAT3 peaking within tens of minutes with SOCS3
    /// rising after it; sustained pSTAT3 without SOCS3.
    @Test func il11GivesTransientPSTAT3UnderSOCS3Feedback() throws {
        let model = try loadShippedModel("il11.yaml")
        let settings = SimulationSettings(end: 4 * 3600, output: .points(481))
        let base = try CompiledModel(model).simulate(settings, observe: ["pSTAT3", "SOCS3"])
        #expect(base.status == .success)
        let p = base.column("pSTAT3")!, s = base.column("SOCS3")!
        let peak = p.indices.max { p[$0] < p[$1] }!
        let tPeak = base.times[peak]
        #expect(tPeak >= 5 * 60 && tPeak <= 60 * 60, "pSTAT3 peaks at \(tPeak / 60) min")
        let at2h = p[base.times.firstIndex { $0 >= 2 * 3600 }!]
        #expect(at2h < 0.6 * p[peak], "pSTAT3 at 2 h is \(at2h / p[peak]) of its peak")
        let socsPeak = s.indices.max { s[$0] < s[$1] }!
        #expect(base.times[socsPeak] > tPeak)

        let knockout = try CompiledModel(model.applying(scenario: "socs3-knockout")).simulate(settings, observe: ["pSTAT3", "SOCS3"])
        let k = knockout.column("pSTAT3")!
        let kPeak = k.max()!
        let k2h = k[knockout.times.firstIndex { $0 >= 2 * 3600 }!]
        #expect(k2h >= 0.8 * kPeak, "without SOCS3, pSTAT3 at 2 h is \(k2h / kPeak) of its peak")
        #expect(k2h > 2 * at2h)
        #expect(knockout.column("SOCS3")!.max()! == 0)
    }
}
