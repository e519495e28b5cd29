/// Which states a solve records.
///
/// Output never influences the trajectory: values at requested times come from the dense
/// output (continuous extension) of the step that covers them, so asking for 301 or 1001
/// points gives the same values at common times.
public enum OutputSchedule: Sendable, Equatable {
    /// Record the state at these times (sorted ascending, inside the time span). A time that
    /// coincides with an event records the state *after* the event's actions (right limit).
    case times([Double])
    /// Record t₀ and the end of every accepted step. At an event the state is recorded twice
    /// at the same time: before and after the actions (left and right limits), so plots show
    /// the jump.
    case everyStep

    /// `count` equally spaced times from `range.lowerBound` to `range.upperBound` inclusive;
    /// the end points are exact. `count == 1` gives the end point only, `count ≤ 0` nothing.
    public static func uniform(_ range: ClosedRange<Double>, count: Int) -> OutputSchedule {
        if count <= 0 { return .times([]) }
        if count == 1 { return .times([range.upperBound]) }
        let a = range.lowerBound, b = range.upperBound
        let d = (b - a) / Double(count - 1)
        var ts = (0..<count).map { a + Double($0) * d }
        ts[count - 1] = b
        return .times(ts)
    }
}
