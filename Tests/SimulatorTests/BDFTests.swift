import Foundation
import PathwayModel
import Testing
@testable import Simulator

/// Largest |a − b| / (1e-4·max_t|b| + floor) over all outputs and species: ≤ 1 means every value
/// agrees within 1e-4 of that species' scale.
func trajectoryMismatch(_ a: SimulationResult, _ b: SimulationResult, floor: Double = 1e-9) -> Double {
    var worst = 0.0
    for k in 0..<b.names.count {
        let scale = b.values.map { abs($0[k]) }.max() ?? 0
        for i in 0..<b.values.count {
            worst = max(worst, abs(a.values[i][k] - b.values[i][k]) / (1e-4 * scale + floor))
        }
    }
    return worst
}

@Suite("BDF")
struct BDFTests {
    @Test("Exponential decay matches e^{−kt} at tight and default tolerances")
    func decay() {
        for (rtol, bound) in [(1e-6, 2e-5), (1e-10, 2e-9)] {
            let problem = ODEProblem(function: Decay(k: 0.7), initialState: [2], timeSpan: 0...10)
            let sol = BDF().solve(problem, output: .uniform(0...10, count: 41), options: SolverOptions(rtol: rtol, atol: 1e-12))
            #expect(sol.status == .success)
            for i in 0..<sol.count {
                let exact = 2 * exp(-0.7 * sol.times[i])
                #expect(abs(sol.value(species: 0, at: i) - exact) <= bound * 2, "rtol \(rtol) t = \(sol.times[i])")
            }
        }
    }

    @Test("Linear chain (finite-difference Jacobian) matches the analytic solution")
    func linearChain() {
        let k1 = 1.3, k2 = 0.4
        let problem = ODEProblem(function: LinearChain(k1: k1, k2: k2), initialState: [1, 0, 0], timeSpan: 0...20)
        let sol = BDF().solve(problem, output: .uniform(0...20, count: 21), options: SolverOptions(rtol: 1e-8, atol: 1e-12))
        #expect(sol.status == .success)
        for i in 0..<sol.count {
            let t = sol.times[i]
            let a = exp(-k1 * t), b = k1 / (k2 - k1) * (exp(-k1 * t) - exp(-k2 * t))
            #expect(abs(sol.value(species: 0, at: i) - a) <= 1e-6)
            #expect(abs(sol.value(species: 1, at: i) - b) <= 1e-6)
            #expect(abs(sol.value(species: 2, at: i) - (1 - a - b)) <= 1e-6)
        }
    }

    @Test("Reversible binding reaches its equilibrium and conserves mass")
    func binding() {
        let kon = 2.0, koff = 0.5
        let problem = ODEProblem(function: ReversibleBinding(kon: kon, koff: koff), initialState: [1, 0.6, 0], timeSpan: 0...40)
        let sol = BDF().solve(problem, output: .uniform(0...40, count: 11), options: SolverOptions(rtol: 1e-8, atol: 1e-12))
        #expect(sol.status == .success)
        // Equilibrium: kon(1 − c)(0.6 − c) = koff·c.
        let b = -(kon * 1.6 + koff), disc = (b * b - 4 * kon * kon * 0.6).squareRoot()
        let c = (-b - disc) / (2 * kon)
        #expect(abs(sol.value(species: 2, at: sol.count - 1) - c) <= 1e-6)
        for i in 0..<sol.count {
            #expect(abs(sol.value(species: 0, at: i) + sol.value(species: 2, at: i) - 1) <= 1e-10)
            #expect(abs(sol.value(species: 1, at: i) + sol.value(species: 2, at: i) - 0.6) <= 1e-10)
        }
    }

    @Test("Robertson: reference values at t = 40, conservation, bounded work to 4e10")
    func robertson() {
        let problem = ODEProblem(function: Robertson(), initialState: [1, 0, 0], timeSpan: 0...4e10)
        let sol = BDF().solve(problem, output: .times([40, 1e5, 4e10]), options: SolverOptions(rtol: 1e-7, atol: 1e-12))
        #expect(sol.status == .success, "\(sol.status)")
        #expect(sol.statistics.steps < 2000, "\(sol.statistics)")
        #expect(sol.statistics.jacobianEvaluations < sol.statistics.acceptedSteps / 2, "\(sol.statistics)")
        let reference = StiffTests.reference40
        for i in 0..<3 {
            #expect(abs(sol.value(species: i, at: 0) - reference[i]) <= 1e-4 * reference[i], "y\(i + 1)")
        }
        for j in 0..<sol.count {
            #expect(abs(sol.state(at: j).reduce(0, +) - 1) <= 1e-8)
        }
        #expect(sol.value(species: 2, at: 2) > 0.9999)
    }

    @Test("A timed dose lands exactly and the method restarts after it")
    func timedDose() {
        let k = 0.5
        let dose = TimedEvent(time: 2.5) { _, y in y[0] += 1 }
        let problem = ODEProblem(function: Decay(k: k), initialState: [1], timeSpan: 0...5, timedEvents: [dose])
        let options = SolverOptions(rtol: 1e-10, atol: 1e-12)
        let sol = BDF().solve(problem, output: .times([0, 1, 2, 2.4, 2.5, 3, 4, 5]), options: options)
        #expect(sol.status == .success)
        #expect(sol.statistics.eventsFired == 1)
        for i in 0..<sol.count {
            let t = sol.times[i]
            let exact = t < 2.5 ? exp(-k * t) : (exp(-k * 2.5) + 1) * exp(-k * (t - 2.5))
            #expect(abs(sol.value(species: 0, at: i) - exact) <= 1e-8, "t = \(t)")
        }
        let steps = BDF().solve(problem, output: .everyStep, options: options)
        let at = steps.times.indices.filter { steps.times[$0] == 2.5 }
        #expect(at.count == 2)
    }

    @Test("A triggered crossing is located to 1e-8, also when it re-arms")
    func triggered() {
        let fired = FiringLog()
        let event = TriggeredEvent(direction: .falling, condition: { _, y in y[0] - 0.5 }, action: { t, y in
            fired.times.append(t)
            y[0] += 1
        })
        let problem = ODEProblem(function: Decay(k: 1), initialState: [1], timeSpan: 0...2, triggeredEvents: [event])
        let sol = BDF().solve(problem, output: .times([2]), options: SolverOptions(rtol: 1e-10, atol: 1e-12))
        #expect(sol.status == .success)
        #expect(fired.times.count == 2)
        if fired.times.count == 2 {
            #expect(abs(fired.times[0] - log(2)) <= 1e-8)
            #expect(abs(fired.times[1] - (log(2) + log(3))) <= 1e-8)
        }
        #expect(abs(sol.value(species: 0, at: 0) - 1.5 * exp(-(2 - log(6)))) <= 1e-8)
    }

    @Test("Values at output times do not depend on how many output times are asked for")
    func outputIndependence() {
        let dose = TimedEvent(time: 0.9) { _, y in y[1] += 0.3 }
        let threshold = TriggeredEvent(direction: .rising, condition: { _, y in y[2] - 0.2 }, action: { _, y in y[0] += 0.5 })
        let problem = ODEProblem(
            function: LinearChain(k1: 1.3, k2: 0.4), initialState: [1, 0, 0], timeSpan: 0...3,
            timedEvents: [dose], triggeredEvents: [threshold])
        func grid(_ count: Int) -> [Double] {
            guard case let .times(ts) = OutputSchedule.uniform(0...3, count: count) else { return [] }
            return (ts + [1.7]).sorted()
        }
        let coarse = BDF().solve(problem, output: .times(grid(301)), options: SolverOptions())
        let fine = BDF().solve(problem, output: .times(grid(1001)), options: SolverOptions())
        #expect(coarse.status == .success && fine.status == .success)
        #expect(coarse.statistics.eventsFired == 2 && fine.statistics.eventsFired == 2)
        #expect(coarse.statistics.steps == fine.statistics.steps)
        let i = coarse.times.firstIndex(of: 1.7)!, j = fine.times.firstIndex(of: 1.7)!
        for s in 0..<3 {
            #expect(abs(coarse.value(species: s, at: i) - fine.value(species: s, at: j)) <= 1e-14)
            #expect(abs(coarse.value(species: s, at: coarse.count - 1) - fine.value(species: s, at: fine.count - 1)) <= 1e-14)
        }
    }

    @Test("Auto hands over to BDF on a stiff model; every-step output continues without a repeat")
    func autoEveryStep() throws {
        let model = try CompiledModel(loadShippedModel("huang-ferrell-1996.yaml"))
        let problem = ODEProblem(function: model, initialState: model.initialState, timeSpan: 0...60)
        let sol = AutoIntegrator().solve(problem, output: .everyStep, options: SolverOptions(rtol: 1e-6, atol: 1e-9))
        #expect(sol.status == .success)
        let tSwitch = try #require(sol.statistics.switchedToStiffAt)
        #expect(sol.times.filter { $0 == tSwitch }.count == 1)
        #expect(zip(sol.times, sol.times.dropFirst()).allSatisfy { $0 < $1 })
        #expect(sol.states.count == sol.count * model.dimension)
        #expect(sol.statistics.jacobianEvaluations < sol.statistics.acceptedSteps / 4)
    }

    @Test("Huang–Ferrell and IL-11 at rtol 1e-6 agree with a tight Rodas4 reference", arguments: [
        ("huang-ferrell-1996.yaml", 600.0), ("il11.yaml", 14400.0),
    ])
    func shippedModels(name: String, end: Double) throws {
        let model = try CompiledModel(loadShippedModel(name))
        let reference = try model.simulate(SimulationSettings(end: end, output: .points(101), method: .rosenbrock, rtol: 1e-9, atol: 1e-12))
        for method in [Method.bdf, .auto] {
            let r = try model.simulate(SimulationSettings(end: end, output: .points(101), method: method))
            #expect(r.status == .success)
            let mismatch = trajectoryMismatch(r, reference)
            print("\(name) \(method): mismatch \(mismatch) (1 = 1e-4 of scale); \(r.statistics)")
            #expect(mismatch <= 1, "\(name) \(method)")
        }
    }
}
