import Analysis
import Foundation
import PathwayModel
import Plot
import Simulator
import Testing

/// Gillespie's stochastic simulation against exact results: the immigration–death process (Poisson at
/// every time), dimerisation (the chemical master equation solved directly), a linear chain (whose mean
/// is the ODE solution), events between reaction events, and seeded reproducibility.
@Suite("Stochastic simulation")
struct StochasticTests {
    /// ∅ → X at k, X → ∅ at μ·X, in molecules: from X(0) = 0, X(t) is Poisson with mean
    /// (k/μ)(1 − e^(−μt)), so its variance equals its mean.
    static let immigrationDeath = """
        model: immigration-death
        units: {time: s, concentration: molecules}
        compartments: {cell: {size: 1}}
        species:
          X: {compartment: cell, initial: 0}
        parameters:
          k: {value: 10, source: "test"}
          mu: {value: 0.1, source: "test"}
        reactions:
          birth: {equation: -> X, mass-action: {kf: k}}
          death: {equation: X ->, mass-action: {kf: mu}}
        """

    @Test("Immigration–death: mean and variance are the Poisson (k/μ)(1 − e^(−μt)), both algorithms",
          arguments: [SSAAlgorithm.direct, .nextReaction])
    func immigrationDeathMoments(algorithm: SSAAlgorithm) throws {
        let model = try loadYAML(Self.immigrationDeath)
        let runs = 1000
        let settings = SimulationSettings(end: 20, output: .points(5))
        let e = try StochasticEnsemble.run(model: model, settings: settings, observe: ["X"],
                                           options: StochasticOptions(algorithm: algorithm), runs: runs, seed: 42, jobs: 2)
        #expect(e.notes.contains { $0.contains("as they stand") })
        for (i, t) in e.times.enumerated() where t > 0 {
            let mean = 100 * (1 - exp(-0.1 * t))
            // The sample mean has sd √(mean/n); the sample variance about mean·√(2/n) (plus a small
            // Poisson kurtosis term): 4.5 of each.
            let meanTolerance = 4.5 * (mean / Double(runs)).squareRoot()
            let varianceTolerance = 4.5 * mean * (2 / Double(runs) + 1 / (mean * Double(runs))).squareRoot()
            #expect(abs(e.mean[i][0] - mean) < meanTolerance, "mean at t = \(t): \(e.mean[i][0]) vs \(mean)")
            #expect(abs(e.sd[i][0] * e.sd[i][0] - mean) < varianceTolerance, "variance at t = \(t): \(e.sd[i][0] * e.sd[i][0]) vs \(mean)")
        }
        #expect(e.mean[0][0] == 0 && e.sd[0][0] == 0)
    }

    /// 2A → B with the deterministic rate k[A]² in a volume of 1 (counts as they stand): the stochastic
    /// propensity is k·A(A − 1) (c = 2k with A(A − 1)/2 pairs). The master equation of this pure-death chain
    /// (A = 20, 18, …, 0) is solved here directly, by RK4 with a small step.
    @Test("Dimerisation 2A → B: mean and variance match the chemical master equation")
    func dimerisation() throws {
        let k = 0.01, a0 = 20
        let model = try loadYAML("""
            model: dimerisation
            units: {time: s, concentration: molecules}
            compartments: {cell: {size: 1}}
            species:
              A: {compartment: cell, initial: \(a0)}
              B: {compartment: cell, initial: 0}
            parameters:
              k: {value: \(k), source: "test"}
            reactions:
              dimerise: {equation: 2 A -> B, mass-action: {kf: k}}
            """)
        let end = 2.0
        // Master equation: p[m] is P(A = a0 − 2m); A → A − 2 at rate k·A(A − 1).
        let states = a0 / 2 + 1
        func rate(_ m: Int) -> Double { let a = Double(a0 - 2 * m); return k * a * (a - 1) }
        func derivative(_ p: [Double]) -> [Double] {
            (0..<states).map { m in -rate(m) * p[m] + (m > 0 ? rate(m - 1) * p[m - 1] : 0) }
        }
        var p = [Double](repeating: 0, count: states)
        p[0] = 1
        let h = 1e-4
        for _ in 0..<Int((end / h).rounded()) {
            let k1 = derivative(p)
            let k2 = derivative(zip(p, k1).map { $0 + h / 2 * $1 })
            let k3 = derivative(zip(p, k2).map { $0 + h / 2 * $1 })
            let k4 = derivative(zip(p, k3).map { $0 + h * $1 })
            p = (0..<states).map { p[$0] + h / 6 * (k1[$0] + 2 * k2[$0] + 2 * k3[$0] + k4[$0]) }
        }
        let values = (0..<states).map { Double(a0 - 2 * $0) }
        let mean = zip(p, values).map { $0 * $1 }.reduce(0, +)
        let variance = zip(p, values).map { $0 * ($1 - mean) * ($1 - mean) }.reduce(0, +)

        let runs = 2000
        let e = try StochasticEnsemble.run(model: model, settings: SimulationSettings(end: end, output: .points(2)),
                                           observe: ["A", "B"], runs: runs, seed: 7, jobs: 2)
        let sampleMean = e.mean[1][0], sampleVariance = e.sd[1][0] * e.sd[1][0]
        #expect(abs(sampleMean - mean) < 4.5 * (variance / Double(runs)).squareRoot(), "mean \(sampleMean) vs \(mean)")
        // The fourth central moment of the exact distribution gives the sample variance's spread.
        let m4 = zip(p, values).map { $0 * pow($1 - mean, 4) }.reduce(0, +)
        let varianceSD = ((m4 - variance * variance) / Double(runs)).squareRoot()
        #expect(abs(sampleVariance - variance) < 4.5 * varianceSD, "variance \(sampleVariance) vs \(variance)")
        // Every dimerisation takes two A and makes one B.
        #expect(abs(e.mean[1][0] + 2 * e.mean[1][1] - Double(a0)) < 1e-9)
    }

    /// A → B → C, first order: the mean of the stochastic process is the ODE solution. Concentrations in
    /// nM in 1 pL convert with Avogadro's number (1 nM = 602.2 molecules).
    @Test("Linear chain in nM: the stochastic mean agrees with the ODE, counts by Avogadro's number")
    func meanMatchesODE() throws {
        let model = try loadYAML("""
            model: chain
            units: {time: s, concentration: nM, volume: pL}
            compartments: {cell: {size: 1}}
            species:
              A: {compartment: cell, initial: 1}
              B: {compartment: cell, initial: 0}
              C: {compartment: cell, initial: 0}
            parameters:
              k1: {value: 0.5, source: "test"}
              k2: {value: 0.2, source: "test"}
            reactions:
              first: {equation: A -> B, mass-action: {kf: k1}}
              second: {equation: B -> C, mass-action: {kf: k2}}
            """)
        let settings = SimulationSettings(end: 10, output: .points(11))
        let ode = try CompiledModel(model).simulate(SimulationSettings(end: 10, output: .points(11), rtol: 1e-10, atol: 1e-14), observe: ["B"])
        let runs = 200
        let e = try StochasticEnsemble.run(model: model, settings: settings, observe: ["B"], runs: runs, seed: 3, jobs: 2)
        let molecules = 6.022_140_76e23 * 1e-9 * 1e-12 // per nM in 1 pL
        #expect(e.notes.contains { $0.contains("Avogadro") })
        #expect(e.mean[0][0] == 0)
        for i in 1..<e.times.count {
            let expected = ode.values[i][0] * molecules
            let tolerance = 4.5 * e.sd[i][0] / Double(runs).squareRoot() + 1e-9
            #expect(abs(e.mean[i][0] - expected) < tolerance, "B at t = \(e.times[i]): \(e.mean[i][0]) vs \(expected) molecules")
        }
    }

    @Test("The same seed gives identical results whatever the number of threads; another seed differs")
    func reproducibility() throws {
        let model = try loadYAML(Self.immigrationDeath)
        let settings = SimulationSettings(end: 10, output: .points(11))
        let one = try StochasticEnsemble.run(model: model, settings: settings, observe: ["X"], runs: 64, seed: 2026, jobs: 1, keep: 64)
        let three = try StochasticEnsemble.run(model: model, settings: settings, observe: ["X"], runs: 64, seed: 2026, jobs: 3, keep: 64)
        let other = try StochasticEnsemble.run(model: model, settings: settings, observe: ["X"], runs: 64, seed: 2027, jobs: 3)
        #expect(one.mean == three.mean)
        #expect(one.sd == three.sd)
        #expect(one.trajectories == three.trajectories)
        #expect(one.mean != other.mean)
        // Run i of an ensemble is the single trajectory of stream i.
        let simulator = try StochasticSimulator(try CompiledModel(model), settings: settings, observe: ["X"])
        let (single, _) = try simulator.trajectory(seed: 2026, run: 5)
        #expect(single.values == one.trajectories[5])
    }

    /// X → ∅ (μ = 0.2) from 100 molecules; a dose adds 100 at t = 5; when X falls below 50 an event
    /// stops the decay (μ = 0), so X ends at exactly 49 in every run that gets there.
    @Test("Events between reaction events: a timed dose and a triggered parameter change")
    func events() throws {
        let dosed = try loadYAML("""
            model: decay-dose
            units: {time: s, concentration: molecules}
            compartments: {cell: {size: 1}}
            species:
              X: {compartment: cell, initial: 100}
            parameters:
              mu: {value: 0.2, source: "test"}
            reactions:
              death: {equation: X ->, mass-action: {kf: mu}}
            events:
              dose: {at: 5, add: {X: 100}}
            """)
        let runs = 1000
        let e = try StochasticEnsemble.run(model: dosed, settings: SimulationSettings(end: 8, output: .times([4, 5, 6, 8])),
                                           observe: ["X"], runs: runs, seed: 11, jobs: 2)
        for (i, t) in e.times.enumerated() {
            // Each molecule survives to t with probability e^(−μ(t − t_in)): a sum of binomials.
            let p1 = exp(-0.2 * t), p2 = t >= 5 ? exp(-0.2 * (t - 5)) : 0
            let mean = 100 * p1 + 100 * p2
            let variance = 100 * p1 * (1 - p1) + 100 * p2 * (1 - p2)
            #expect(abs(e.mean[i][0] - mean) < 4.5 * (variance / Double(runs)).squareRoot(), "t = \(t): \(e.mean[i][0]) vs \(mean)")
        }

        let stopped = try loadYAML("""
            model: decay-stop
            units: {time: s, concentration: molecules}
            compartments: {cell: {size: 1}}
            species:
              X: {compartment: cell, initial: 100}
            parameters:
              mu: {value: 0.5, source: "test"}
            reactions:
              death: {equation: X ->, mass-action: {kf: mu}}
            events:
              stop: {when: "X < 50", set: {mu: 0}}
            """)
        let s = try StochasticEnsemble.run(model: stopped, settings: SimulationSettings(end: 20, output: .points(3)),
                                           observe: ["X", "mu"], runs: 200, seed: 5, jobs: 2, keep: 200)
        #expect(s.eventExecutions == 200)
        for run in s.trajectories {
            #expect(run.last == [49, 0])
        }
    }

    @Test("A band is drawn as one polygon in its series' colour, and widens the value axis")
    func band() {
        var plot = LinePlot(title: "t", xLabel: "time", yLabel: "molecules",
                            series: [Series(name: "X mean ± 1 sd", x: [0, 1, 2], y: [0, 10, 20])])
        plot.bands = [Band(series: 0, x: [0, 1, 2], lower: [0, 5, 15], upper: [0, 15, 30])]
        let svg = plot.svg()
        #expect(svg.components(separatedBy: "<polygon ").count == 2)
        #expect(svg.contains("fill-opacity=\"0.18\""))
        #expect(svg.contains(">30<")) // the axis reaches the band's top, above the line's
    }
}
