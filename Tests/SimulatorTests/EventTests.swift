import Foundation
import Simulator
import Testing

@Suite("Events and output")
struct EventTests {
    static let methods = ["dopri5", "rodas4", "rk4"]

    func options(for method: String) -> SolverOptions {
        SolverOptions(rtol: 1e-10, atol: 1e-12, stepSize: method == "rk4" ? 1e-3 : nil)
    }

    @Test("A timed dose lands exactly at t = 2.5", arguments: methods)
    func timedDose(method: String) {
        let k = 0.5
        let dose = TimedEvent(time: 2.5) { _, y in y[0] += 1 }
        let problem = ODEProblem(function: Decay(k: k), initialState: [1], timeSpan: 0...5, timedEvents: [dose])
        let ts = [0, 1, 2, 2.4, 2.5, 3, 4, 5]
        let sol = integrator(named: method).solve(problem, output: .times(ts), options: options(for: method))
        #expect(sol.status == .success)
        #expect(sol.statistics.eventsFired == 1)
        func exact(_ t: Double) -> Double {
            t < 2.5 ? exp(-k * t) : (exp(-k * 2.5) + 1) * exp(-k * (t - 2.5))
        }
        for i in 0..<sol.count {  // at t = 2.5 the recorded state is the one after the dose
            #expect(abs(sol.value(species: 0, at: i) - exact(sol.times[i])) <= 1e-8, "t = \(sol.times[i])")
        }

        // Every-step mode shows both sides of the jump at exactly t = 2.5.
        let steps = integrator(named: method).solve(problem, output: .everyStep, options: options(for: method))
        let at = steps.times.indices.filter { steps.times[$0] == 2.5 }
        #expect(at.count == 2)
        if at.count == 2 {
            #expect(abs(steps.value(species: 0, at: at[0]) - exp(-k * 2.5)) <= 1e-8)
            #expect(abs(steps.value(species: 0, at: at[1]) - (exp(-k * 2.5) + 1)) <= 1e-8)
        }
    }

    @Test("Repeated doses (every 1.0, three times) follow the superposition", arguments: methods)
    func repeatedDoses(method: String) {
        let k = 0.8
        let dosing = TimedEvent(start: 1, every: 1, count: 3) { _, y in y[0] += 2 }
        let problem = ODEProblem(function: Decay(k: k), initialState: [1], timeSpan: 0...6, timedEvents: [dosing])
        let sol = integrator(named: method).solve(problem, output: .uniform(0...6, count: 61), options: options(for: method))
        #expect(sol.status == .success)
        #expect(sol.statistics.eventsFired == 3)
        for i in 0..<sol.count {
            let t = sol.times[i]
            var exact = exp(-k * t)
            for td in [1.0, 2.0, 3.0] where td <= t { exact += 2 * exp(-k * (t - td)) }
            #expect(abs(sol.value(species: 0, at: i) - exact) <= 1e-8, "t = \(t)")
        }
    }

    @Test("Several events at one time act in the given order")
    func simultaneousOrder() {
        let double = TimedEvent(time: 1) { _, y in y[0] *= 2 }
        let add = TimedEvent(time: 1) { _, y in y[0] += 1 }
        let problem = ODEProblem(function: Decay(k: 0), initialState: [1], timeSpan: 0...2, timedEvents: [double, add])
        let sol = DormandPrince54().solve(problem, output: .times([2]))
        #expect(sol.value(species: 0, at: 0) == 3)  // (1·2)+1, not (1+1)·2
    }

    @Test("A falling crossing of y = 0.5 fires once, at ln 2", arguments: methods)
    func triggeredFallingCrossing(method: String) {
        let fired = FiringLog()
        let event = TriggeredEvent(direction: .falling, condition: { _, y in y[0] - 0.5 }, action: { t, _ in
            fired.times.append(t)
        })
        let problem = ODEProblem(function: Decay(k: 1), initialState: [1], timeSpan: 0...3, triggeredEvents: [event])
        let sol = integrator(named: method).solve(problem, output: .uniform(0...3, count: 31), options: options(for: method))
        #expect(sol.status == .success)
        #expect(fired.times.count == 1)
        #expect(sol.statistics.eventsFired == 1)
        if let t = fired.times.first { #expect(abs(t - log2Root) <= 1e-8, "fired at \(t)") }
    }

    var log2Root: Double { Foundation.log(2.0) }

    @Test("An action that re-arms the condition makes it fire once per crossing", arguments: methods)
    func triggeredRearmed(method: String) {
        let fired = FiringLog()
        let event = TriggeredEvent(direction: .falling, condition: { _, y in y[0] - 0.5 }, action: { t, y in
            fired.times.append(t)
            y[0] += 1  // back to 1.5: next crossing at ln 2 + ln 3
        })
        let problem = ODEProblem(function: Decay(k: 1), initialState: [1], timeSpan: 0...2, triggeredEvents: [event])
        let sol = integrator(named: method).solve(problem, output: .times([2]), options: options(for: method))
        #expect(sol.status == .success)
        #expect(fired.times.count == 2)
        if fired.times.count == 2 {
            #expect(abs(fired.times[0] - log(2)) <= 1e-8)
            #expect(abs(fired.times[1] - (log(2) + log(3))) <= 1e-8)
        }
        // After the second firing: 1.5 e^{-(2 − ln 6)}.
        #expect(abs(sol.value(species: 0, at: 0) - 1.5 * exp(-(2 - log(6)))) <= 1e-8)
    }

    @Test("A condition already true at t₀ does not fire")
    func alreadyTrueAtStart() {
        let fired = FiringLog()
        // y grows from 1; "y > 0.5" is true from the start: no false → true transition.
        let rising = TriggeredEvent(direction: .rising, condition: { _, y in y[0] - 0.5 }, action: { t, _ in
            fired.times.append(t)
        })
        // y decays from 0.4; "y < 0.5" is true from the start.
        let falling = TriggeredEvent(direction: .falling, condition: { _, y in y[0] - 0.5 }, action: { t, _ in
            fired.times.append(t)
        })
        let up = ODEProblem(function: Decay(k: -0.1), initialState: [1], timeSpan: 0...5, triggeredEvents: [rising])
        let down = ODEProblem(function: Decay(k: 0.1), initialState: [0.4], timeSpan: 0...5, triggeredEvents: [falling])
        #expect(Rodas4().solve(up, output: .times([5])).status == .success)
        #expect(DormandPrince54().solve(down, output: .times([5])).status == .success)
        #expect(fired.times.isEmpty)
    }

    @Test("Values at output times do not depend on how many output times are asked for", arguments: ["dopri5", "rodas4", "rk4"])
    func outputIndependence(method: String) {
        let dose = TimedEvent(time: 0.9) { _, y in y[1] += 0.3 }
        let threshold = TriggeredEvent(direction: .rising, condition: { _, y in y[2] - 0.2 }, action: { _, y in
            y[0] += 0.5
        })
        let problem = ODEProblem(
            function: LinearChain(k1: 1.3, k2: 0.4), initialState: [1, 0, 0], timeSpan: 0...3,
            timedEvents: [dose], triggeredEvents: [threshold])
        func grid(_ count: Int) -> [Double] {
            guard case let .times(ts) = OutputSchedule.uniform(0...3, count: count) else { return [] }
            return (ts + [1.7]).sorted()
        }
        let options = SolverOptions(stepSize: method == "rk4" ? 0.01 : nil)
        let coarse = integrator(named: method).solve(problem, output: .times(grid(301)), options: options)
        let fine = integrator(named: method).solve(problem, output: .times(grid(1001)), options: options)
        #expect(coarse.status == .success && fine.status == .success)
        #expect(coarse.statistics.eventsFired == 2 && fine.statistics.eventsFired == 2)
        let i = coarse.times.firstIndex(of: 1.7)!, j = fine.times.firstIndex(of: 1.7)!
        for s in 0..<3 {
            #expect(abs(coarse.value(species: s, at: i) - fine.value(species: s, at: j)) <= 1e-14)
            #expect(abs(coarse.value(species: s, at: coarse.count - 1) - fine.value(species: s, at: fine.count - 1)) <= 1e-14)
        }
    }
}
