/// A root function g(t, y) of a triggered event. Should be continuous in t along solutions.
public typealias EventCondition = (_ t: Double, _ state: UnsafeBufferPointer<Double>) -> Double

/// An event fired when g(t, y(t)) changes sign in the given direction (SBML semantics: on a
/// false → true transition of the trigger, once per crossing).
///
/// After each accepted step the integrator compares the sign of g at the step end with the
/// last known sign. On a firing sign change it locates the crossing on the step's dense
/// output with the Illinois (modified regula falsi) method, takes the earliest firing root,
/// shortens the step to end there (just past the root, where g already has its new sign),
/// applies the action(s) and restarts. Events whose roots coincide to within the root
/// tolerance fire together, in listing order.
///
/// Caveats: a condition already true at t₀ does not fire (no transition), nor does one that
/// is exactly zero at t₀ (its sign is taken from the first non-zero value). A change of sign
/// caused by an event *action* (a jump of the state) does not fire events; it only updates
/// the remembered sign. Two crossings within a single step cancel out and are not seen;
/// bound the step with `SolverOptions.maxStep` if that matters.
public struct TriggeredEvent {
    public var condition: EventCondition
    public var direction: EventDirection
    public var action: EventAction

    public init(
        direction: EventDirection,
        condition: @escaping EventCondition,
        action: @escaping EventAction
    ) {
        self.condition = condition
        self.direction = direction
        self.action = action
    }
}
