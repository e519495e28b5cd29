/// Units of time a model or a duration may be written in.
public enum TimeUnit: String, Hashable, Sendable, CaseIterable {
    case second = "s", minute = "min", hour = "h", day = "d"

    /// Seconds in one of this unit.
    public var seconds: Double {
        switch self {
        case .second: return 1
        case .minute: return 60
        case .hour: return 3600
        case .day: return 86400
        }
    }

    public init?(symbol: String) {
        switch symbol {
        case "s", "sec", "second", "seconds": self = .second
        case "min", "minute", "minutes": self = .minute
        case "h", "hr", "hour", "hours": self = .hour
        case "d", "day", "days": self = .day
        default: return nil
        }
    }
}

/// Units of concentration (amount of substance per volume).
public enum ConcentrationUnit: String, Hashable, Sendable, CaseIterable {
    case molar = "M", millimolar = "mM", micromolar = "µM", nanomolar = "nM", picomolar = "pM"
    /// Molecules per cell, or any count-like unit: no conversion to molar units.
    case perCell = "molecules"
    /// Dimensionless or arbitrary units (normalised models).
    case arbitrary = "au"

    /// Molar in one of this unit; nil for units not convertible to molar.
    public var molar: Double? {
        switch self {
        case .molar: return 1
        case .millimolar: return 1e-3
        case .micromolar: return 1e-6
        case .nanomolar: return 1e-9
        case .picomolar: return 1e-12
        case .perCell, .arbitrary: return nil
        }
    }

    /// The power of ten of molar in one of this unit.
    var molarExponent: Int? {
        switch self {
        case .molar: return 0
        case .millimolar: return -3
        case .micromolar: return -6
        case .nanomolar: return -9
        case .picomolar: return -12
        case .perCell, .arbitrary: return nil
        }
    }

    public init?(symbol: String) {
        switch symbol {
        case "M", "mol/L": self = .molar
        case "mM": self = .millimolar
        case "µM", "μM", "uM": self = .micromolar
        case "nM": self = .nanomolar
        case "pM": self = .picomolar
        case "molecules", "molecules/cell", "#": self = .perCell
        case "au", "a.u.", "1", "dimensionless": self = .arbitrary
        default: return nil
        }
    }
}

public enum VolumeUnit: String, Hashable, Sendable, CaseIterable {
    case litre = "L", millilitre = "mL", microlitre = "µL", nanolitre = "nL", picolitre = "pL", femtolitre = "fL"

    public var litres: Double {
        switch self {
        case .litre: return 1
        case .millilitre: return 1e-3
        case .microlitre: return 1e-6
        case .nanolitre: return 1e-9
        case .picolitre: return 1e-12
        case .femtolitre: return 1e-15
        }
    }

    public init?(symbol: String) {
        switch symbol {
        case "L", "l", "litre", "liter": self = .litre
        case "mL": self = .millilitre
        case "µL", "μL", "uL": self = .microlitre
        case "nL": self = .nanolitre
        case "pL": self = .picolitre
        case "fL": self = .femtolitre
        default: return nil
        }
    }
}

/// A number with an optional unit, as written in a model or on the command line: `60 min`, `10 nM`, `2.5`.
public struct Quantity: Hashable, Sendable {
    public var value: Double
    public var unit: String?

    public init(value: Double, unit: String? = nil) {
        self.value = value
        self.unit = unit
    }

    /// Parses `<number>[ ]<unit>`; the unit is everything after the number.
    public init?(parsing text: String) {
        let trimmed = text.trimmingWhitespace
        var end = trimmed.startIndex
        var sawDigit = false
        var index = trimmed.startIndex
        // Longest prefix that parses as a Double.
        while index < trimmed.endIndex {
            let next = trimmed.index(after: index)
            if Double(trimmed[trimmed.startIndex..<next]) != nil {
                end = next
                sawDigit = true
            } else if !"+-.eE0123456789".contains(trimmed[index]) {
                break
            }
            index = next
        }
        guard sawDigit, let v = Double(trimmed[trimmed.startIndex..<end]) else { return nil }
        let rest = trimmed[end...].trimmingWhitespace
        self.value = v
        self.unit = rest.isEmpty ? nil : rest
    }

    /// The value in `target` time units; a plain number is taken to be in `target` already.
    public func time(in target: TimeUnit) -> Double? {
        guard let unit else { return value }
        guard let u = TimeUnit(symbol: unit) else { return nil }
        if u.seconds >= target.seconds { return value * (u.seconds / target.seconds) }
        return value / (target.seconds / u.seconds)
    }

    /// The value in `target` concentration units; a plain number is taken to be in `target` already.
    public func concentration(in target: ConcentrationUnit) -> Double? {
        guard let unit else { return value }
        guard let u = ConcentrationUnit(symbol: unit) else { return nil }
        if u == target { return value }
        guard let from = u.molarExponent, let to = target.molarExponent else { return nil }
        // Powers of ten as one exact factor: 1 µM is exactly 1000 nM.
        return value * pow10(from - to)
    }
}

extension StringProtocol {
    /// The text without leading and trailing white space.
    public var trimmingWhitespace: String {
        var s = Substring(self)
        while let f = s.first, f.isWhitespace { s = s.dropFirst() }
        while let l = s.last, l.isWhitespace { s = s.dropLast() }
        return String(s)
    }
}

/// 10^n, exact for the small integer powers units need.
func pow10(_ n: Int) -> Double {
    var r = 1.0
    for _ in 0..<abs(n) { r *= 10 }
    return n >= 0 ? r : 1 / r
}
