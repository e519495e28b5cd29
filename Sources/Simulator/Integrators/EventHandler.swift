/// Event semantics that go beyond "act when a time comes or a condition crosses zero": delayed
/// executions scheduled while integrating, priorities among simultaneous executions, events triggered
/// by other events' assignments (SBML). A problem with a handler leaves these to it:
///
/// * the driver stops a step exactly at ``nextScheduledTime`` (as at a timed event);
/// * triggered events' conditions are still located by root-finding, but their actions are not called:
///   at every instant where a condition crossed zero, a timed event acted, or a scheduled time came,
///   the driver calls ``settle(t:state:previousSigns:)`` after the timed events' actions, with the signs
///   the conditions had just before the instant, and then restarts the method;
/// * before the first step (after the timed events at t₀) it calls ``start(t:state:)``.
///
/// A handler belongs to one run (a continuation of the same run, as ``AutoIntegrator`` makes, keeps it).
public protocol EventHandler: AnyObject {
    /// The earliest time at which an execution is pending, or +∞.
    var nextScheduledTime: Double { get }
    /// The run starts at t (once per run; later calls do nothing). Returns the number of executions
    /// carried out, or nil if the events at t did not settle (they kept triggering each other).
    func start(t: Double, state: UnsafeMutableBufferPointer<Double>) -> Int?
    /// Handles everything that happens at t. `previousSigns[i]` is the sign of triggered event i's
    /// condition just before t (0 if unknown). Returns the number of executions carried out, or nil if
    /// the events did not settle.
    func settle(t: Double, state: UnsafeMutableBufferPointer<Double>, previousSigns: UnsafeBufferPointer<Double>) -> Int?
}
