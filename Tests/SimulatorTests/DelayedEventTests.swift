import Foundation
import Testing
import PathwayModel
@testable import Simulator

/// Event delays, persistence, priorities and cascades (SBML event semantics) on compiled models.
@Suite("Delayed and prioritised events")
struct DelayedEventTests {
    /// A species that only events change, reported every 0.5.
    func run(_ events: String, parameters: String = "{}", end: Double = 6, observe: [String] = ["X"],
             method: Method = .auto) throws -> SimulationResult {
        let m = try compile("""
            model: events
            compartments: {cell: 1}
            species: {X: {compartment: cell, initial: 0}, Y: {compartment: cell, initial: 1}}
            parameters: \(parameters)
            reactions:
              decay: {equation: Y ->, mass-action: {kf: 1}}
            events:
            \(events)
            """)
        let r = try m.simulate(SimulationSettings(end: end, output: .step(0.5), method: method, rtol: 1e-9, atol: 1e-12),
                               observe: observe)
        #expect(r.status == .success)
        return r
    }

    func value(_ r: SimulationResult, _ name: String, at t: Double) -> Double {
        let i = r.times.firstIndex { abs($0 - t) < 1e-9 }!
        return r.column(name)![i]
    }

    @Test("A delayed dose lands at trigger time + delay", arguments: [Method.auto, .rosenbrock, .rk4])
    func delayedDose(method: Method) throws {
        // Y = e^-t crosses 0.5 at ln 2 ≈ 0.693; the dose lands at ln 2 + 1.5 ≈ 2.193.
        let r = try run("  dose: {when: \"Y < 0.5\", delay: 1.5, add: {X: 1}}", method: method)
        #expect(value(r, "X", at: 2) == 0)
        #expect(value(r, "X", at: 2.5) == 1)
        #expect(value(r, "X", at: 6) == 1)
    }

    @Test("A delay with a unit and a timed trigger")
    func delayedTimedEvent() throws {
        let r = try run("  dose: {at: 1, delay: 60 s, set: {X: 5}}")
        #expect(value(r, "X", at: 1.5) == 0)
        #expect(value(r, "X", at: 6) == 0) // 60 s is 60 time units here: past the end
        let later = try run("  dose: {at: 1, delay: \"2 * k\", set: {X: 5}}", parameters: "{k: 1}")
        #expect(value(later, "X", at: 2.5) == 0)
        #expect(value(later, "X", at: 3) == 5)
    }

    @Test("Values from the trigger time versus the execution time")
    func valuesFromTriggerTime() throws {
        // At t = 1 (trigger) Y = e^-1; at t = 2 (execution) Y = e^-2.
        let atTrigger = try run("  copy: {at: 1, delay: 1, set: {X: Y}, values-from-trigger-time: true}")
        #expect(abs(value(atTrigger, "X", at: 3) - exp(-1)) < 1e-7)
        let atExecution = try run("  copy: {at: 1, delay: 1, set: {X: Y}}")
        #expect(abs(value(atExecution, "X", at: 3) - exp(-2)) < 1e-7)
    }

    @Test("A non-persistent event whose trigger turns false before its delay is cancelled")
    func cancelledNonPersistent() throws {
        // `time > 1 && time < 1.5` holds for 0.5 only; the delay is 1.
        let cancelled = try run("  e: {when: \"time > 1 && time < 1.5\", delay: 1, persistent: false, set: {X: 1}}")
        #expect(value(cancelled, "X", at: 6) == 0)
        let kept = try run("  e: {when: \"time > 1 && time < 1.5\", delay: 1, set: {X: 1}}")
        #expect(value(kept, "X", at: 2) == 0)
        #expect(value(kept, "X", at: 2.5) == 1)
    }

    @Test("Several executions of one event may be pending at once")
    func multiplePending() throws {
        // Fires at 1, 2, 3 (every 1), each execution 2.5 later: at 3.5, 4.5, 5.5.
        let r = try run("  e: {at: 1, every: 1, count: 3, delay: 2.5, add: {X: 1}}")
        #expect(value(r, "X", at: 3) == 0)
        #expect(value(r, "X", at: 4) == 1)
        #expect(value(r, "X", at: 5) == 2)
        #expect(value(r, "X", at: 6) == 3)
    }

    @Test("A persistent triggered event fired three times before its first execution executes three times",
          arguments: [Method.auto, .rosenbrock, .rk4])
    func pendingTriggeredExecutions(method: Method) throws {
        // The condition turns true at 1, 2 and 3 (and false at 1.5, 2.5, 3.5); with a delay of 10 the
        // executions are due at 11, 12 and 13, all three pending at once from t = 3. X + 1 is evaluated
        // when each one executes (values from the execution time), so X counts them.
        let r = try run("""
              e: {when: "time >= 1 && time < 1.5 || time >= 2 && time < 2.5 || time >= 3 && time < 3.5", delay: 10, set: {X: "X + 1"}}
            """, end: 15, method: method)
        #expect(value(r, "X", at: 10.5) == 0)
        #expect(value(r, "X", at: 11.5) == 1)
        #expect(value(r, "X", at: 12.5) == 2)
        #expect(value(r, "X", at: 13.5) == 3)
        #expect(value(r, "X", at: 15) == 3)
    }

    @Test("A periodic trigger: every pending execution runs, with values at its execution time")
    func pendingFromPeriodicTrigger() throws {
        // P = sin(2π t) rises through 0.5 once a period (t = 1/12, 13/12, 25/12: three triggers before
        // `time < 3` stops them); each execution, 10 later, adds Y at that time (Y = e^(-t/10)).
        let m = try compile("""
            model: periodic
            compartments: {cell: 1}
            species: {X: {compartment: cell, initial: 0}, Y: {compartment: cell, initial: 1}}
            parameters: {P: 0}
            rate-rules: {P: "2 * pi * cos(2 * pi * time)"}
            reactions:
              decay: {equation: Y ->, mass-action: {kf: 0.1}}
            events:
              e: {when: "P > 0.5 && time < 3", delay: 10, add: {X: Y}}
            """)
        let r = try m.simulate(SimulationSettings(end: 13, output: .step(0.5), rtol: 1e-10, atol: 1e-12), observe: ["X"])
        #expect(r.status == .success)
        let executions: [Double] = [10 + 1.0 / 12, 10 + 13.0 / 12, 10 + 25.0 / 12]
        let checks: [Double] = [10.5, 11.5, 12.5]
        for (k, t) in checks.enumerated() {
            var expected = 0.0
            for e in executions[...k] { expected += exp(-e / 10) }
            #expect(abs(value(r, "X", at: t) - expected) < 1e-6, "X at \(t)")
        }
    }

    @Test("A trigger periodic in time, with nothing else changing, fires every period",
          arguments: [Method.auto, .dopri5, .rosenbrock, .bdf, .rk4])
    func periodicTriggerWithoutDynamics(method: Method) throws {
        // Only events change X, so the error control sees nothing and steps grow past the period of
        // sin(2π t): each rise through 0.5 (t = k + 1/12) must still trigger, and the executions 10 later
        // (10 + 1/12, 11 + 1/12, 12 + 1/12) each add one to X, read when it executes. Steps growing past
        // the period used to miss crossings and count 1 or 2.
        let m = try compile("""
            model: periodic
            compartments: {cell: 1}
            species: {X: {compartment: cell, initial: 0}}
            parameters: {}
            reactions: {}
            events:
              e: {when: "sin(2 * pi * time) > 0.5", delay: 10, set: {X: "X + 1"}}
            """)
        let r = try m.simulate(SimulationSettings(end: 12.5, output: .step(0.5), method: method), observe: ["X"])
        #expect(r.status == .success)
        #expect(value(r, "X", at: 10) == 0)
        #expect(value(r, "X", at: 10.5) == 1)
        #expect(value(r, "X", at: 11.5) == 2)
        #expect(value(r, "X", at: 12.5) == 3)
    }

    @Test("Simultaneous executions go in decreasing priority")
    func priorities() throws {
        // Both set X at t = 1; the lower priority executes last and wins.
        let r = try run("""
              first: {at: 1, set: {X: 1}, priority: 10}
              second: {at: 1, set: {X: 2}, priority: 5}
            """)
        #expect(value(r, "X", at: 2) == 2)
        let swapped = try run("""
              first: {at: 1, set: {X: 1}, priority: 5}
              second: {at: 1, set: {X: 2}, priority: 10}
            """)
        #expect(value(swapped, "X", at: 2) == 1)
    }

    @Test("An event's assignment triggers another event at the same instant")
    func cascade() throws {
        let r = try run("""
              set_x: {at: 1, set: {X: 3}}
              react: {when: "X > 2", add: {X: 10}}
            """)
        #expect(value(r, "X", at: 1.5) == 13)
    }

    @Test("initial-value: false fires a condition that holds at the start")
    func initialValueFalse() throws {
        let fires = try run("  e: {when: \"Y > 0.5\", initial-value: false, set: {X: 7}}")
        #expect(value(fires, "X", at: 0) == 7)
        let waits = try run("  e: {when: \"Y > 0.5\", set: {X: 7}}")
        #expect(value(waits, "X", at: 6) == 0)
    }

    @Test("Events that keep triggering each other are reported, not looped on")
    func runaway() throws {
        let m = try compile("""
            model: runaway
            compartments: {cell: 1}
            species: {X: {compartment: cell, initial: 0}}
            parameters: {}
            reactions: {}
            events:
              up: {when: "X < 0.5", set: {X: 1}}
              down: {when: "X > 0.5", set: {X: 0}}
              start: {at: 1, set: {X: 1}}
            """)
        let r = try m.simulate(SimulationSettings(end: 2, output: .points(3)), observe: ["X"])
        #expect(r.status == .eventsDidNotSettle(time: 1))
    }
}
