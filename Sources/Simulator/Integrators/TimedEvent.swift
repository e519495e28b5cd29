/// An event action: changes the state in place (and/or parameters held by the captured
/// system) at time t. It must not keep the buffer.
public typealias EventAction = (_ t: Double, _ state: UnsafeMutableBufferPointer<Double>) -> Void

/// An event at a fixed time, optionally repeated every `interval` (`count` times, or until the
/// end of the time span when `count` is `nil`).
///
/// Integrators stop a step exactly at each occurrence, apply the action, and restart (step
/// history and FSAL derivatives are discarded, since the state is discontinuous there).
/// Occurrences at the same time are applied in the order the events are listed.
/// Occurrence k is at `time + k·interval` (multiplied, not accumulated, so no drift).
public struct TimedEvent {
    public var time: Double
    public var interval: Double?
    public var count: Int?
    public var action: EventAction

    /// A single event at `time`.
    public init(time: Double, action: @escaping EventAction) {
        self.time = time
        self.interval = nil
        self.count = 1
        self.action = action
    }

    /// A repeated event at `start`, `start + every`, … (`count` occurrences, or until the end).
    public init(start: Double, every interval: Double, count: Int? = nil, action: @escaping EventAction) {
        self.time = start
        self.interval = interval
        self.count = count
        self.action = action
    }
}
