import Foundation

/// Deterministic number formatting for tables and files.
public enum NumberFormat {
    /// The shortest text that reads back as the same Double (`0.1`, `1e-05`, `12345.678`); `NaN`, `INF`, `-INF`.
    public static func exact(_ v: Double) -> String {
        if v == 0 { return "0" }
        if v.isNaN { return "NaN" }
        if v.isInfinite { return v > 0 ? "INF" : "-INF" }
        // Whole numbers without a trailing ".0" (`1`, `400`), as in the model files.
        if v == v.rounded(), abs(v) < 1e15 { return String(Int64(v)) }
        return "\(v)"
    }

    /// Four significant digits, for people (`0.1235`, `1.235e+04`).
    public static func short(_ v: Double, digits: Int = 4) -> String {
        if v == 0 { return "0" }
        if v.isNaN { return "NaN" }
        if v.isInfinite { return v > 0 ? "INF" : "-INF" }
        return String(format: "%.\(digits)g", v)
    }
}
