/// Receives the solution as the integration goes: the state at t₀ (before and after the events there),
/// at the end of every accepted step, and after every instant where events acted. Used for the history
/// that delayed values (`delay(x, τ)`) are read from; a problem without one pays nothing.
///
/// The driver calls ``record(t:state:)`` with the end of an accepted step *before* it looks for event
/// roots inside that step (conditions evaluated there may read the history up to the step end), and
/// ``replaceLast(t:state:)`` when a root cut the step short: the state then continues from the root.
public protocol StepRecorder: AnyObject {
    /// The solution passes through `state` at t (times never decrease; a time may repeat, the later
    /// state being the one after events acted).
    func record(t: Double, state: UnsafePointer<Double>)
    /// The last recorded point is replaced by (t, state), with t no later than its time.
    func replaceLast(t: Double, state: UnsafePointer<Double>)
}
