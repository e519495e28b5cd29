import Foundation
import PathwayModel
import Simulator
import Testing
@testable import Analysis

@Suite("The step-size lesson: measured orders, adaptive steps, Euler's stability limit")
struct StepSizeStudyTests {
    /// dy/dt = −k·y, y(0) = 1: Euler's iterate is (1 − hk)ⁿ, stable exactly for h < 2/k.
    func decay(k: Double) throws -> Model {
        try loadYAML("""
            model: decay
            units: {time: s, concentration: nM}
            compartments: {cell: 1}
            species: {Y: {compartment: cell, initial: 1}}
            parameters: {k: \(k)}
            reactions:
              loss: {equation: Y ->, mass-action: {kf: k}}
            """)
    }

    @Test("Kholodenko over one period: Euler is first order, RK4 fourth")
    func kholodenkoOrders() throws {
        // The oscillation's period is 1300 s (MAPK_PP peaks at 2019, 3319 and 4619 s).
        let options = StepSizeStudy.Options(species: ["MAPK_PP"], end: 1300, methods: [.euler, .rk4, .dopri5],
                                            findLargestStableEulerStep: false)
        let study = try StepSizeStudy.run(model: try loadShippedModel("kholodenko-2000.yaml"), options: options)
        #expect(study.reference.method == .dopri5 && study.reference.rtol == 1e-12)
        #expect(study.reference.floor < 1e-10)
        let euler = try #require(study.fixedStep.first { $0.method == .euler })
        let rk4 = try #require(study.fixedStep.first { $0.method == .rk4 })
        let p1 = try #require(euler.observedOrder), p4 = try #require(rk4.observedOrder)
        #expect(abs(p1 - 1) <= 0.15, "Euler's measured order \(p1)")
        #expect(abs(p4 - 4) <= 0.4, "RK4's measured order \(p4)")
        #expect(euler.usedSteps.count >= 4 && rk4.usedSteps.count >= 4)
        // RK4 reaches the reference's floor at the fine end of the ladder; those points are left out.
        #expect(rk4.points.last?.status == .atFloor)
        #expect(rk4.points.filter { $0.status == .used }.allSatisfy { $0.error > 10 * study.reference.floor })
        // The adaptive method's recorded steps: from 0 to t-end, one per accepted step.
        let dopri5 = try #require(study.adaptive.first)
        #expect(dopri5.failure == nil)
        #expect(dopri5.stepTimes.first == 0 && dopri5.stepTimes.last == 1300)
        #expect(dopri5.steps.allSatisfy { $0 > 0 })
        #expect(dopri5.summary?.count == dopri5.statistics.acceptedSteps)
        #expect(dopri5.error < 1e-4)
    }

    @Test("dy/dt = −k·y: Euler's error is proportional to h; the stable limit is 2/k")
    func analyticDecay() throws {
        let k = 2.0
        let orders = StepSizeStudy.Options(species: ["Y"], end: 2, methods: [.euler], steps: [0.1, 0.05, 0.025, 0.0125, 0.00625],
                                           findLargestStableEulerStep: false)
        let study = try StepSizeStudy.run(model: try decay(k: k), options: orders)
        let euler = try #require(study.fixedStep.first)
        #expect(abs((euler.observedOrder ?? 0) - 1) <= 0.05, "measured \(String(describing: euler.observedOrder))")
        // Halving the step halves the error.
        for (a, b) in zip(euler.points, euler.points.dropFirst()) where b.status == .used && a.status == .used {
            #expect(abs(a.error / b.error - 2) < 0.15, "\(a.step): \(a.error), \(b.step): \(b.error)")
        }

        // Over a long span a step just above 2/k grows (|1 − hk| > 1) far past the initial value.
        let long = StepSizeStudy.Options(species: ["Y"], end: 500, methods: [.euler], steps: [0.5, 0.25])
        let stability = try #require(try StepSizeStudy.run(model: try decay(k: k), options: long).eulerStability)
        let found = try #require(stability.largestStableStep)
        #expect(abs(found - 2 / k) / (2 / k) < 0.03, "found \(found), exact \(2 / k)")
        #expect(try #require(stability.smallestUnstableStep) > found)
        let initial = try #require(stability.initial)
        #expect(abs(initial.eigenvalue.real + k) < 1e-12 && initial.eigenvalue.imaginary == 0)
        #expect(abs(try #require(initial.bound) - 2 / k) < 1e-12)
    }

    @Test("Huang–Ferrell: Euler's largest stable step is within a factor 2 of 2/|λmax|")
    func huangFerrellStability() throws {
        let options = StepSizeStudy.Options(end: 60, methods: [.euler], steps: [0.001, 0.0005])
        let study = try StepSizeStudy.run(model: try loadShippedModel("huang-ferrell-1996.yaml"), options: options)
        let s = try #require(study.eulerStability)
        let found = try #require(s.largestStableStep)
        let fastest = try #require(s.trajectory)
        #expect(fastest.eigenvalue.real < -100, "fast binding: \(fastest.eigenvalue)")
        let bound = 2 / fastest.eigenvalue.magnitude
        // Within a factor 2 is the bar; closer than 1.3 shows that the spurious bounded oscillation Euler falls
        // into above the limit (at 1.5–2 ms) counts as unstable.
        #expect(found / bound > 0.5 && found / bound < 2, "found \(found), 2/|λ| = \(bound)")
        #expect(found / bound > 0.75 && found / bound < 1.3, "found \(found), 2/|λ| = \(bound)")
        #expect(try #require(s.smallestUnstableStep) / found <= 1 + EulerStability.resolution + 1e-12)
        // Both ladder steps are below the limit: stable, first order.
        #expect(study.fixedStep[0].points.allSatisfy { $0.status != .unstable })
    }

    @Test("The order fit leaves out unstable, pre-asymptotic and floor points")
    func orderFit() {
        // Errors 3·h² on 0.1 … 0.1/2⁷; the two coarsest blew up, the finest two sit at a floor of 1e-9.
        let steps = (0..<10).map { 0.4 / pow(2, Double($0)) }
        var errors = steps.map { 3 * $0 * $0 }
        errors[8] = 2e-9
        errors[9] = 2e-9
        let stable = steps.indices.map { $0 >= 2 }
        let fit = ConvergenceOrder.fit(steps: steps, errors: errors, stable: stable, floor: 1e-9, floorFactor: 3)
        #expect(fit.status[0] == .unstable && fit.status[1] == .unstable)
        #expect(fit.status[8] == .atFloor && fit.status[9] == .atFloor)
        #expect(fit.status[2...7].allSatisfy { $0 == .used })
        #expect(abs(fit.order! - 2) < 1e-12)

        // A coarse point off the trend (error saturating) is pre-asymptotic, not fitted.
        var bent = steps.map { 0.5 * $0 }
        bent[0] = 0.15
        let fit2 = ConvergenceOrder.fit(steps: steps, errors: bent, stable: steps.map { _ in true }, floor: 1e-16)
        #expect(fit2.status[0] == .preAsymptotic)
        #expect(fit2.status.dropFirst().allSatisfy { $0 == .used })
        #expect(abs(fit2.order! - 1) < 1e-12)

        // Nothing usable: no order.
        let none = ConvergenceOrder.fit(steps: [1, 0.5], errors: [.infinity, .nan], stable: [false, false], floor: 0)
        #expect(none.order == nil && none.status == [.unstable, .unstable])
    }

    @Test func defaultLadderFollowsTheStabilityBound() {
        #expect(StepSizeStudy.defaultLadder(end: 100) == (0..<10).map { 10 / pow(2, Double($0)) })
        // A bound of 0.3 moves the start to 10/2⁵ = 0.3125, the first halving of 10 at or below 2 × 0.3.
        let moved = StepSizeStudy.defaultLadder(end: 100, eulerBound: 0.3)
        #expect(moved[0] == 10 / 32 && moved.count == 10)
        // The finest step keeps to the budget: 5120·2⁴ = 81 920 steps ≤ 100 000.
        let capped = StepSizeStudy.defaultLadder(end: 100, eulerBound: 1e-6, maxSteps: 100_000)
        #expect(capped[0] == 10 / 16 && abs(100 / capped[9] - 81_920) < 1e-6)
    }

    @Test func badInputIsRefused() throws {
        let model = try decay(k: 1)
        #expect(throws: AnalysisError.self) { try StepSizeStudy.run(model: model, options: .init(species: ["X"], end: 10)) }
        do {
            _ = try StepSizeStudy.run(model: model, options: .init(species: ["Y"], end: 10, steps: [20, 10]))
            Issue.record("a step longer than the span was accepted")
        } catch {
            #expect(error.message.contains("longer than the time span"))
        }
    }
}
