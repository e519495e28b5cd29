/// One occurrence of a ``TimedEvent``: its time and the event's index in the problem.
@usableFromInline
struct ScheduledEvent {
    @usableFromInline let time: Double
    @usableFromInline let index: Int

    @usableFromInline
    init(time: Double, index: Int) {
        self.time = time
        self.index = index
    }

    /// The most occurrences of timed events one run may schedule (each one also ends a step).
    static let maximumOccurrences = 1_000_000

    /// How many times `events` occur in [t₀, t₁], counted without listing them (in floating point, so
    /// that absurd schedules do not overflow).
    @usableFromInline
    static func occurrences(of events: [TimedEvent], from t0: Double, to t1: Double) -> Double {
        var total = 0.0
        for event in events {
            guard let interval = event.interval, interval > 0 else {
                if event.time >= t0 && event.time <= t1 && (event.count ?? 1) > 0 { total += 1 }
                continue
            }
            if event.time > t1 { continue }
            let first = max(0, ((t0 - event.time) / interval).rounded(.up))
            var last = ((t1 - event.time) / interval).rounded(.down)
            if let count = event.count { last = min(last, Double(count) - 1) }
            if last >= first { total += last - first + 1 }
        }
        return total
    }

    /// All occurrences in [t₀, t₁], sorted by time, ties in listing order.
    @usableFromInline
    static func schedule(_ events: [TimedEvent], from t0: Double, to t1: Double) -> [ScheduledEvent] {
        var result: [ScheduledEvent] = []
        for (index, event) in events.enumerated() {
            guard let interval = event.interval else {
                if event.time >= t0 && event.time <= t1 && (event.count ?? 1) > 0 {
                    result.append(ScheduledEvent(time: event.time, index: index))
                }
                continue
            }
            var k = 0
            while event.count.map({ k < $0 }) ?? true {
                let time = event.time + Double(k) * interval
                if time > t1 { break }
                if time >= t0 { result.append(ScheduledEvent(time: time, index: index)) }
                k += 1
            }
        }
        // Stable: sort by (time, listing index); occurrences of one event are already ordered.
        return result.enumerated().sorted { lhs, rhs in
            if lhs.element.time != rhs.element.time { return lhs.element.time < rhs.element.time }
            if lhs.element.index != rhs.element.index { return lhs.element.index < rhs.element.index }
            return lhs.offset < rhs.offset
        }.map(\.element)
    }
}
