import Foundation
import PathwayModel
import Simulator
import Testing

/// The negative-state check's noise band (``SolverOptions/checkNegative``).
@Suite("Negative values: noise band and real failures")
struct NegativeNoiseTests {
    /// A fast decay next to a slow one, both consumed into nothing: Dormand–Prince at its stability
    /// limit leaves the fast species oscillating around 0 at the tolerance's level.
    static let fastDecay = """
        model: fast-decay
        compartments: {cell: 1}
        species:
          A: {compartment: cell, initial: 1}
          B: {compartment: cell, initial: 1}
        parameters: {kfast: 2000, kslow: 0.5}
        reactions:
          fast: {equation: A -> , mass-action: {kf: kfast}}
          slow: {equation: B -> , mass-action: {kf: kslow}}
        """

    @Test("The band is k·(atol + rtol·s) with k = 10·√n")
    func bandFactor() {
        let options = SolverOptions()
        #expect(options.negativeNoiseFactor(dimension: 1) == 10)
        #expect(options.negativeNoiseFactor(dimension: 100) == 100)
        #expect(abs(options.negativeNoiseFactor(dimension: 500) - 10 * 500.0.squareRoot()) < 1e-12)
    }

    /// n copies of y' = −(y + d) from y = 1: each settles at −d, just below zero.
    final class SettlesBelowZero: ODEFunction {
        let dimension: Int
        let d: Double
        init(dimension: Int, d: Double) {
            self.dimension = dimension
            self.d = d
        }
        func evaluate(t: Double, y: UnsafePointer<Double>, dydt: UnsafeMutablePointer<Double>) {
            for i in 0..<dimension { dydt[i] = -(y[i] + d) }
        }
    }

    @Test("The band's edge: −d inside it runs, beyond it fails; it widens with √n",
          arguments: [(1, 0.5, true), (1, 2.0, false), (400, 0.5, true), (400, 2.0, false)])
    func bandEdge(dimension: Int, dipInBands: Double, runs: Bool) {
        // The band with s = 1: 10·√n·(atol + rtol·1); the dip in those units.
        let band = 10 * Double(dimension).squareRoot() * (1e-9 + 1e-6)
        let d = dipInBands * band
        let problem = ODEProblem(function: SettlesBelowZero(dimension: dimension, d: d),
                                 initialState: [Double](repeating: 1, count: dimension), timeSpan: 0...40)
        let sol = DormandPrince54().solve(problem, output: .times([40]))
        if runs {
            #expect(sol.status == .success, "\(sol.status)")
            // Kept as it is by the integrator: the exact −d (1 − e^(−40)) + e^(−40) to the tolerance.
            #expect(abs(sol.value(species: 0, at: 0) + d) <= 1e-7 + 1e-6 * d)
        } else if case let .negativeState(component, _, value) = sol.status {
            #expect(component == 0)
            #expect(value < -band)
        } else {
            Issue.record("expected negativeState, got \(sol.status)")
        }
    }

    @Test("BDF's small negatives on a decay to zero are noise: the run goes on")
    func bdfNoiseRuns() {
        let problem = ODEProblem(function: Decay(k: 1), initialState: [1], timeSpan: 0...1000)
        let sol = BDF().solve(problem, output: .everyStep)
        #expect(sol.status == .success, "\(sol.status)")
        let lowest = sol.states.min() ?? 0
        #expect(lowest < 0 && lowest > -1e-9, "\(lowest)")
    }

    @Test("Output with noise equals a tight run within the tolerance; negatives are reported as 0")
    func outputMatchesTightRun() throws {
        let model = try compile(Self.fastDecay)
        let settings = SimulationSettings(end: 5, output: .points(51), method: .dopri5)
        let r = try model.simulate(settings, observe: ["A", "B"])
        #expect(r.status == .success, "\(r.status)")
        var tight = settings
        tight.method = .rosenbrock
        tight.rtol = 1e-10
        tight.atol = 1e-14
        let t = try model.simulate(tight, observe: ["A", "B"])
        #expect(t.status == .success)
        for (a, b) in zip(r.values, t.values) {
            for k in 0..<2 {
                #expect(a[k] >= 0)
                // Within 10 weights of the error norm (the global error of a 1e-6 run).
                #expect(abs(a[k] - b[k]) <= 10 * (1e-9 + 1e-6 * abs(b[k])), "\(a) vs \(b)")
            }
        }
    }

    @Test("In-band negatives are reported as 0; with the check off they are reported as computed")
    func inBandNegativesReportedAsZero() throws {
        let model = try compile("""
            model: decay
            compartments: {cell: 1}
            species:
              A: {compartment: cell, initial: 1}
            parameters: {k: 1}
            reactions:
              decay: {equation: A -> , mass-action: {kf: k}}
            """)
        var settings = SimulationSettings(end: 1000, output: .points(1001), method: .bdf)
        settings.checkNegative = false
        let raw = try model.simulate(settings, observe: ["A"])
        let rawLowest = raw.values.map { $0[0] }.min() ?? 0
        #expect(rawLowest < 0 && rawLowest > -1e-8, "the test needs a dip inside the band: \(rawLowest)")
        settings.checkNegative = true
        let reported = try model.simulate(settings, observe: ["A"])
        #expect(reported.status == .success)
        for (i, (a, b)) in zip(reported.values, raw.values).enumerated() {
            #expect(a[0] == max(b[0], 0))
            // The global error of an rtol 1e-6 run: within 10 weights of the error norm.
            #expect(abs(a[0] - exp(-reported.times[i])) <= 10 * (1e-9 + 1e-6))
        }
    }

    @Test("A species that truly goes negative still fails, named, at the right time")
    func realNegativeFails() throws {
        let model = try compile("""
            model: drain
            compartments: {cell: 1}
            species:
              A: {compartment: cell, initial: 1}
            parameters: {v: 1}
            reactions:
              drain: {equation: A -> , rate: v}
            """)
        for method in [Method.auto, .dopri5, .bdf, .rosenbrock] {
            let r = try model.simulate(SimulationSettings(end: 3, output: .points(31), method: method))
            guard case let .negativeState(component, time, value) = r.status else {
                Issue.record("\(method): expected negativeState, got \(r.status)")
                continue
            }
            #expect(model.stateNames[component] == "A")
            #expect(time > 1, "\(method)")
            #expect(value < -10 * (1e-9 + 1e-6 * 1)) // beyond the band
            #expect(r.times.allSatisfy { $0 <= time })
        }
    }
}
