/// The default method: Dormand–Prince 5(4) while the problem is non-stiff, switching to ``BDF``
/// (variable-order NDF/BDF with a reused Jacobian and LU) for the rest of the run as soon as BDF is
/// estimated to be the cheaper method: Dormand–Prince's step has stopped growing at its stability
/// limit (h·ρ ≥ 3, ρ ≈ |λ_max| by power iteration) and BDF's estimated cost per unit time is below half
/// of Dormand–Prince's, in two windows of 8 steps in a row (see
/// ``DormandPrince54Stepper/compareCosts(h:y:statistics:)``). Hairer's stiffness test (h·ρ > 3.25 on 15
/// accepted steps without 6 non-stiff ones in between; Hairer & Wanner I, IV.2) still switches too, but
/// its one-step estimate of ρ can be far too small (Chen 2009: 12,791 steps before it fired; now 28).
///
/// Signalling models with fast binding and slow transcription are stiff and switch within the first
/// few dozen steps; oscillators and slow cascades stay with the cheaper explicit method. The switch
/// happens at an accepted step end: outputs before it come from Dormand–Prince's dense output, later
/// ones from BDF's; events already applied are not applied again.
///
/// BDF rather than ``Rodas4``: on the stiff shipped models at rtol 1e-6 it takes about as many steps
/// but needs about 1.2 evaluations of f per step and one Jacobian and LU per ~10 steps, against
/// Rodas4's 6 and 1, for comparable accuracy (Huang–Ferrell 1996 and IL-11 agree with a tight Rodas4
/// reference to better than 1e-5 of each species' scale either way); alone it is 2.3–2.5× faster
/// there (measured: Huang–Ferrell 0.57 vs 1.32 ms, IL-11 1.8 vs 4.7 ms, 1001 outputs).
public struct AutoIntegrator: Integrator {
    public init() {}

    public var name: String { "auto" }

    @inlinable
    public func solve<F: ODEFunction>(
        _ problem: ODEProblem<F>, output: OutputSchedule, options: SolverOptions
    ) -> Solution {
        var adaptive = options
        adaptive.stepSize = nil
        var first = adaptive
        first.stopWhenStiff = true
        var explicit = DormandPrince54().solve(problem, output: output, options: first)
        guard case .stiffnessDetected(let tSwitch) = explicit.status else { return explicit }

        // Continue from the switch with the stiff method, appending to the output recorded so far
        // (moved, not copied: the recorded arrays can be large).
        var rest = problem
        rest.initialState = explicit.finalState
        rest.timeSpan = tSwitch...problem.timeSpan.upperBound
        rest.timedEvents = problem.timedEvents.compactMap { $0.remaining(after: tSwitch) }
        let remainingOutput: OutputSchedule
        switch output {
        case .times(let ts): remainingOutput = .times(ts.filter { $0 >= tSwitch })
        case .everyStep: remainingOutput = .everyStep
        }
        let times = explicit.times, states = explicit.states
        explicit.times = []
        explicit.states = []
        let stepper = BDFStepper(function: problem.function, rtol: adaptive.rtol, atol: adaptive.atol)
        var second = adaptive
        second.initialMagnitudes = explicit.largestMagnitudes // the negative-state check keeps its scale
        var merged = IntegrationDriver.run(
            problem: rest, output: remainingOutput, options: second, stepper: stepper,
            recordedTimes: times, recordedStates: states)
        merged.statistics = explicit.statistics.adding(merged.statistics)
        merged.statistics.switchedToStiffAt = tSwitch
        merged.statistics.stepsBeforeSwitch = explicit.statistics.steps
        return merged
    }
}

extension TimedEvent {
    /// The occurrences strictly after `time`, or nil when none is left.
    @inlinable
    func remaining(after time: Double) -> TimedEvent? {
        let slack = 4 * abs(time).ulp
        guard let interval, interval > 0 else { return self.time > time + slack ? self : nil }
        // The first occurrence strictly after `time` (computed, not walked: intervals may be tiny).
        let q = ((time + slack - self.time) / interval).rounded(.down)
        var k = q.isFinite && q > 0 ? Int(min(q, 1e15)) : 0
        while self.time + Double(k) * interval <= time + slack { k += 1 }
        if let count, k >= count { return nil }
        var event = self
        event.time = self.time + Double(k) * interval
        event.count = count.map { $0 - k }
        return event
    }
}
