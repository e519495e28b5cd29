import Foundation
import Testing
import PathwayModel
@testable import Simulator

func compile(_ yaml: String) throws -> CompiledModel {
    try CompiledModel(ModelLoader.load(yaml: yaml).model)
}

let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

func loadShippedModel(_ name: String) throws -> Model {
    try ModelLoader.load(path: repositoryRoot.appendingPathComponent("models/\(name)").path).model
}

@Suite("Compiled models against analytic solutions")
struct CompiledModelTests {
    static let decay = """
        model: decay
        compartments: {cell: 1}
        species: {A: {compartment: cell, initial: 10}}
        parameters: {k: 0.3}
        reactions:
          loss: {equation: A ->, mass-action: {kf: k}}
        """

    @Test(arguments: [Method.auto, .dopri5, .rosenbrock])
    func firstOrderDecay(_ method: Method) throws {
        let m = try compile(Self.decay)
        let r = try m.simulate(SimulationSettings(end: 10, output: .points(11), method: method, rtol: 1e-8, atol: 1e-12))
        #expect(r.status == .success)
        for (i, t) in r.times.enumerated() {
            let exact = 10 * exp(-0.3 * t)
            #expect(abs(r.values[i][0] - exact) <= 1e-6 * exact + 1e-9, "t = \(t)")
        }
    }

    @Test func reversibleBindingRelaxesToEquilibrium() throws {
        // A + B <-> C with kf = 2, kr = 1, A0 = 1, B0 = 2: C∞ solves kf(A0−C)(B0−C) = kr·C.
        let m = try compile("""
            model: binding
            compartments: {cell: 1}
            species:
              A: {compartment: cell, initial: 1}
              B: {compartment: cell, initial: 2}
              C: {compartment: cell}
            parameters: {kf: 2, kr: 1}
            reactions:
              bind: {equation: A + B <-> C, mass-action: {kf: kf, kr: kr}}
            """)
        let r = try m.simulate(SimulationSettings(end: 50, output: .points(2), rtol: 1e-9, atol: 1e-12))
        // 2c² − 7c + 4 = 0 → c = (7 − √17)/4
        let c = (7 - 17.0.squareRoot()) / 4
        let final = r.values.last!
        #expect(abs(final[2] - c) < 1e-7)
        #expect(abs(final[0] - (1 - c)) < 1e-7)
        #expect(abs(final[1] - (2 - c)) < 1e-7)
    }

    @Test(arguments: [Method.auto, .dopri5, .rosenbrock])
    func linearChainMatchesBateman(_ method: Method) throws {
        // A -> B -> C with k1 = 1, k2 = 0.5: B(t) = A0·k1/(k2−k1)·(e^{−k1 t} − e^{−k2 t}).
        let m = try compile("""
            model: chain
            compartments: {cell: 1}
            species:
              A: {compartment: cell, initial: 5}
              B: {compartment: cell}
              C: {compartment: cell}
            parameters: {k1: 1, k2: 0.5}
            reactions:
              r1: {equation: A -> B, mass-action: {kf: k1}}
              r2: {equation: B -> C, mass-action: {kf: k2}}
            """)
        let r = try m.simulate(SimulationSettings(end: 12, output: .points(25), method: method, rtol: 1e-8, atol: 1e-12))
        for (i, t) in r.times.enumerated() {
            let a = 5 * exp(-t), b = 5 * 1 / (0.5 - 1) * (exp(-t) - exp(-0.5 * t))
            #expect(abs(r.values[i][0] - a) < 1e-6)
            #expect(abs(r.values[i][1] - b) < 1e-6)
            #expect(abs(r.values[i][0] + r.values[i][1] + r.values[i][2] - 5) < 1e-9)
        }
    }

    @Test func transportBetweenCompartmentsConservesAmounts() throws {
        // Import from a 2 pL cytoplasm into a 0.5 pL nucleus: concentrations change 4× faster in the nucleus.
        let m = try compile("""
            model: transport
            compartments: {cyto: 2, nuc: 0.5}
            species:
              Xc: {compartment: cyto, initial: 10}
              Xn: {compartment: nuc}
            parameters: {kimp: 0.2}
            reactions:
              import: {equation: Xc -> Xn, mass-action: {kf: kimp}}
            """)
        let r = try m.simulate(SimulationSettings(end: 5, output: .points(6), rtol: 1e-9, atol: 1e-12))
        for row in r.values {
            #expect(abs(row[0] * 2 + row[1] * 0.5 - 20) < 1e-8)
        }
        #expect(abs(r.values[5][0] - 10 * exp(-1)) < 1e-6)
    }

    @Test func analyticJacobianMatchesFiniteDifferences() throws {
        let m = try compile("""
            model: jac
            compartments: {cell: 1, nuc: 0.25}
            species:
              S: {compartment: cell, initial: 3}
              P: {compartment: cell, initial: 1}
              E: {compartment: cell, initial: 0.5}
              N: {compartment: nuc, initial: 0.2}
            parameters: {V: 2, Km: 1.5, n: 2.3, K: 0.7, ki: 0.4}
            functions:
              sat: {arguments: [x, k], body: x / (k + x)}
            observables:
              total: S + P
            reactions:
              conv: {equation: S -> P, michaelis-menten: {vmax: V, km: Km}, inhibitors: {N: {k: K, n: n}}}
              back: {equation: P -> S, rate: "ki * P^1.5 * sat(E, K) * exp(-total / 10)"}
              imp: {equation: P -> N, hill: {vmax: V, k: K, n: n, of: P}}
            """)
        let n = m.dimension
        var y = m.initialState
        var J = [Double](repeating: 0, count: n * n)
        _ = J.withUnsafeMutableBufferPointer { m.jacobian(t: 0, y: y, into: $0.baseAddress!) }
        var f0 = [Double](repeating: 0, count: n), f1 = f0
        m.evaluate(t: 0, y: y, dydt: &f0)
        for k in 0..<n {
            let h = 1e-7 * max(1, abs(y[k]))
            y[k] += h
            m.evaluate(t: 0, y: y, dydt: &f1)
            y[k] -= h
            for i in 0..<n {
                let fd = (f1[i] - f0[i]) / h
                #expect(abs(J[i * n + k] - fd) <= 1e-5 * max(1, abs(fd)), "J[\(i),\(k)] = \(J[i * n + k]) vs \(fd)")
            }
        }
    }

    @Test func timedDoseLandsExactlyAtItsTime() throws {
        let m = try compile(Self.decay + """

            events:
              dose: {at: 2.5, add: {A: 4}}
            """)
        let r = try m.simulate(SimulationSettings(end: 5, output: .times([2.5, 3, 5]), rtol: 1e-10, atol: 1e-12))
        let before = 10 * exp(-0.3 * 2.5)
        // The output at the event time reports the value after the event.
        #expect(abs(r.values[0][0] - (before + 4)) < 1e-7)
        #expect(abs(r.values[1][0] - (before + 4) * exp(-0.3 * 0.5)) < 1e-7)
        #expect(abs(r.values[2][0] - (before + 4) * exp(-0.3 * 2.5)) < 1e-7)
    }

    @Test func triggeredEventFiresOnceAtTheRoot() throws {
        // A decays from 10; when A < 5 (t = ln 2 / 0.3), k is switched off, so A stays at 5.
        let m = try compile(Self.decay + """

            events:
              stop: {when: A < 5, set: {k: 0}}
            """)
        let r = try m.simulate(SimulationSettings(end: 10, output: .points(101), rtol: 1e-10, atol: 1e-12), observe: ["A", "k"])
        #expect(r.status == .success)
        #expect(abs(r.values.last![0] - 5) < 1e-7)
        #expect(r.values.last![1] == 0)
        let tRoot = log(2) / 0.3
        for (i, t) in r.times.enumerated() where t < tRoot - 1e-6 { #expect(abs(r.values[i][1] - 0.3) < 1e-12) }
        #expect(r.statistics.eventsFired == 1)
    }

    @Test func outputDoesNotDependOnTheNumberOfPoints() throws {
        let m = try compile(Self.decay)
        let a = try m.simulate(SimulationSettings(end: 10, output: .points(301), rtol: 1e-6, atol: 1e-9))
        let b = try m.simulate(SimulationSettings(end: 10, output: .points(1001), rtol: 1e-6, atol: 1e-9))
        // t = 5 is in both grids.
        let va = a.values[a.times.firstIndex { abs($0 - 5) < 1e-12 }!][0]
        let vb = b.values[b.times.firstIndex { abs($0 - 5) < 1e-12 }!][0]
        #expect(abs(va - vb) < 1e-5 * va)
    }

    @Test func observablesAndParametersAreReported() throws {
        let m = try compile(Self.decay + """

            observables:
              twice: 2 * A
            """)
        let r = try m.simulate(SimulationSettings(end: 1, output: .points(3)), observe: ["twice", "k", "A"])
        for row in r.values { #expect(abs(row[0] - 2 * row[2]) < 1e-12 && row[1] == 0.3) }
        #expect(throws: SimulationError.self) { try m.simulate(SimulationSettings(end: 1), observe: ["B"]) }
        #expect(throws: SimulationError.self) { try m.simulate(SimulationSettings(end: -1)) }
    }

    @Test func fixedStepEulerIsFirstOrder() throws {
        let m = try compile(Self.decay)
        func error(_ h: Double) throws -> Double {
            let r = try m.simulate(SimulationSettings(end: 2, output: .points(2), method: .euler, fixedStep: h))
            return abs(r.values[1][0] - 10 * exp(-0.6))
        }
        let ratio = try error(0.01) / error(0.005)
        #expect(abs(ratio - 2) < 0.1)
    }
}

@Suite("Event edge cases")
struct EventEdgeCaseTests {
    @Test func aStrictTriggerThatIsZeroAtTheStartFiresJustAfter() throws {
        // `time > 0` is false at t = 0 and true right after: the event fires once, at the start.
        let m = try compile("""
            model: start
            compartments: {cell: 1}
            species: {A: {compartment: cell, initial: 1}}
            parameters: {k: 0}
            reactions:
              loss: {equation: A ->, mass-action: {kf: k}}
            events:
              on: {when: time > 0, set: {k: 1}}
            """)
        let r = try m.simulate(SimulationSettings(end: 2, output: .points(3), rtol: 1e-10, atol: 1e-12), observe: ["A", "k"])
        #expect(r.statistics.eventsFired == 1)
        #expect(abs(r.values[2][0] - exp(-2)) < 1e-6)
    }

    @Test func timeDependentObservablesWithNothingToIntegrate() throws {
        let m = try compile("""
            model: clock
            compartments: {cell: 1}
            species: {A: {compartment: cell, initial: 1, constant: true}}
            observables:
              ramp: 2 * time
            """)
        let r = try m.simulate(SimulationSettings(end: 4, output: .points(5)), observe: ["ramp"])
        #expect(r.values.map { $0[0] } == [0, 2, 4, 6, 8])
    }
}
