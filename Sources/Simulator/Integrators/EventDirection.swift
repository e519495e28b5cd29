/// Which zero crossings of a triggered event's condition g fire it.
public enum EventDirection: Sendable, Equatable {
    /// g goes from negative to positive (the condition "g > 0" becomes true).
    case rising
    /// g goes from positive to negative (the condition "g < 0" becomes true).
    case falling
    /// Either.
    case either

    @inlinable
    func fires(newSign: Double) -> Bool {
        switch self {
        case .rising: return newSign > 0
        case .falling: return newSign < 0
        case .either: return true
        }
    }
}
