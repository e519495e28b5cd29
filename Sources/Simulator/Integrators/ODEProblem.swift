/// An initial-value problem: the *problem* in the SciML problem / algorithm / solution split.
///
///     dy/dt = f(t, y),  y(t₀) = y₀,  t ∈ [t₀, t₁],
///
/// plus the discontinuities the model schedules on itself: timed events (doses, parameter
/// switches at given times) and triggered events (fired when a root function crosses zero).
/// Integration runs forward in time only (`timeSpan` is a `ClosedRange`, so t₁ ≥ t₀).
public struct ODEProblem<F: ODEFunction> {
    /// The right-hand side f (and optionally its Jacobian).
    public var function: F
    /// y(t₀); must have `function.dimension` finite entries.
    public var initialState: [Double]
    /// [t₀, t₁].
    public var timeSpan: ClosedRange<Double>
    /// Events at fixed times. Occurrences before t₀ or after t₁ are ignored; occurrences at
    /// exactly t₀ are applied before the first step, at exactly t₁ after the last.
    public var timedEvents: [TimedEvent]
    /// Events fired when a condition g(t, y) crosses zero in the requested direction.
    public var triggeredEvents: [TriggeredEvent]
    /// Takes over event semantics (delays, priorities, cascades); see ``EventHandler``.
    public var eventHandler: (any EventHandler)?
    /// Sees the state at every accepted step (the history of delay equations); nil: none.
    public var stepRecorder: (any StepRecorder)?

    public init(
        function: F,
        initialState: [Double],
        timeSpan: ClosedRange<Double>,
        timedEvents: [TimedEvent] = [],
        triggeredEvents: [TriggeredEvent] = [],
        eventHandler: (any EventHandler)? = nil,
        stepRecorder: (any StepRecorder)? = nil
    ) {
        self.function = function
        self.initialState = initialState
        self.timeSpan = timeSpan
        self.timedEvents = timedEvents
        self.triggeredEvents = triggeredEvents
        self.eventHandler = eventHandler
        self.stepRecorder = stepRecorder
    }
}
