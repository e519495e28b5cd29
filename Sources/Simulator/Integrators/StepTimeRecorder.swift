/// Records where accepted steps end (the step-size history of a run), passing every point on to
/// another recorder (the delay history) when there is one.
///
/// The times are t₀ followed by the end of every accepted step: a step that a triggered event's root
/// cut short ends at the root (``StepRecorder/replaceLast(t:state:)``), and the repeated records at an
/// instant where events acted are kept once. Consecutive differences are the accepted step sizes.
public final class StepTimeRecorder: StepRecorder {
    /// t₀, then the end of every accepted step (strictly increasing).
    public private(set) var times: [Double] = []
    let next: (any StepRecorder)?

    public init(passingTo next: (any StepRecorder)? = nil) {
        self.next = next
        times.reserveCapacity(256)
    }

    public func record(t: Double, state: UnsafePointer<Double>) {
        if let last = times.last, !(t > last) {
            // The same instant again (after events acted).
        } else {
            times.append(t)
        }
        next?.record(t: t, state: state)
    }

    public func replaceLast(t: Double, state: UnsafePointer<Double>) {
        if !times.isEmpty { times[times.count - 1] = t }
        next?.replaceLast(t: t, state: state)
    }
}
