/// The default method: Dormand–Prince 5(4) while the problem is non-stiff, switching to ``Rodas4``
/// (L-stable, analytic Jacobian) for the rest of the run as soon as Dormand–Prince's stiffness test
/// fires (h·ρ > 3.25 on 15 accepted steps without 6 non-stiff ones in between; Hairer & Wanner I, IV.2).
///
/// Signalling models with fast binding and slow transcription are stiff and switch within the first
/// few dozen steps; oscillators and slow cascades stay with the cheaper explicit method. The switch
/// happens at an accepted step end: outputs before it come from Dormand–Prince's dense output, later
/// ones from Rodas4's; events already applied are not applied again.
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
        let explicit = DormandPrince54().solve(problem, output: output, options: first)
        guard case .stiffnessDetected(let tSwitch) = explicit.status else { return explicit }

        // Continue from the switch with the stiff method.
        var rest = problem
        rest.initialState = explicit.finalState
        rest.timeSpan = tSwitch...problem.timeSpan.upperBound
        rest.timedEvents = problem.timedEvents.compactMap { $0.remaining(after: tSwitch) }
        let remainingOutput: OutputSchedule
        switch output {
        case .times(let ts): remainingOutput = .times(ts.filter { $0 >= tSwitch })
        case .everyStep: remainingOutput = .everyStep
        }
        let stiff = Rodas4().solve(rest, output: remainingOutput, options: adaptive)

        var merged = stiff
        var times = explicit.times, states = explicit.states
        if case .everyStep = output, let last = times.last, stiff.times.first == last {
            // The switch point is already recorded.
            times.append(contentsOf: stiff.times.dropFirst())
            states.append(contentsOf: stiff.states.dropFirst(stiff.dimension))
        } else {
            times.append(contentsOf: stiff.times)
            states.append(contentsOf: stiff.states)
        }
        merged.times = times
        merged.states = states
        merged.statistics = explicit.statistics.adding(stiff.statistics)
        merged.statistics.switchedToStiffAt = tSwitch
        return merged
    }
}

extension TimedEvent {
    /// The occurrences strictly after `time`, or nil when none is left.
    @inlinable
    func remaining(after time: Double) -> TimedEvent? {
        let slack = 4 * abs(time).ulp
        guard let interval, interval > 0 else { return self.time > time + slack ? self : nil }
        var k = 0
        while self.time + Double(k) * interval <= time + slack { k += 1 }
        if let count, k >= count { return nil }
        var event = self
        event.time = self.time + Double(k) * interval
        event.count = count.map { $0 - k }
        return event
    }
}
