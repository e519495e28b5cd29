import Foundation

/// A mapping from data values to one screen coordinate, with ticks chosen for people.
public struct Axis: Sendable {
    public var label: String
    public var logarithmic: Bool
    public var lower: Double
    public var upper: Double

    /// An axis that covers `values` (non-finite values, and non-positive ones on a log axis, are ignored).
    /// With `tight`, a linear axis ends at the data's extremes (for time); otherwise at nice round values.
    public init(label: String, covering values: [Double], logarithmic: Bool, includeZero: Bool = false, tight: Bool = false) {
        self.label = label
        self.logarithmic = logarithmic
        let usable = values.filter { $0.isFinite && (!logarithmic || $0 > 0) }
        var lo = usable.min() ?? (logarithmic ? 1 : 0)
        var hi = usable.max() ?? (logarithmic ? 10 : 1)
        if includeZero && !logarithmic { lo = min(lo, 0); hi = max(hi, 0) }
        if logarithmic {
            lo = pow(10, floor(log10(lo) + 1e-9))
            hi = pow(10, ceil(log10(hi) - 1e-9))
            if hi <= lo { hi = lo * 10 }
        } else {
            if hi <= lo {
                let pad = lo == 0 ? 1 : abs(lo) * 0.1
                lo -= pad
                hi += pad
            }
            if !tight {
                let step = Axis.niceStep((hi - lo) / 5)
                lo = floor(lo / step + 1e-9) * step
                hi = ceil(hi / step - 1e-9) * step
            }
        }
        lower = lo
        upper = hi
    }

    /// The position of `v` in [0, 1] along the axis (nil for non-positive values on a log axis).
    public func fraction(_ v: Double) -> Double? {
        guard v.isFinite else { return nil }
        if logarithmic {
            guard v > 0 else { return nil }
            return (log10(v) - log10(lower)) / (log10(upper) - log10(lower))
        }
        return (v - lower) / (upper - lower)
    }

    /// 1, 2 or 5 times a power of ten, near `raw`.
    static func niceStep(_ raw: Double) -> Double {
        guard raw > 0, raw.isFinite else { return 1 }
        let e = floor(log10(raw)), base = pow(10, e), m = raw / base
        let nice: Double = m < 1.5 ? 1 : m < 3.5 ? 2 : m < 7.5 ? 5 : 10
        return nice * base
    }

    /// Labelled ticks: values and their text (markup for powers of ten).
    public var ticks: [(value: Double, label: String)] {
        if logarithmic {
            let a = Int(log10(lower).rounded()), b = Int(log10(upper).rounded())
            let stride = max(1, (b - a + 7) / 8)
            return Swift.stride(from: a, through: b, by: stride).map { k in (pow(10, Double(k)), Axis.power(k)) }
        }
        let step = Axis.niceStep((upper - lower) / 5)
        let first = Int((lower / step - 1e-9).rounded(.up)), last = Int((upper / step + 1e-9).rounded(.down))
        guard first <= last else { return [] }
        let decimals = max(0, -Int(floor(log10(step) + 1e-9)))
        let big = max(abs(lower), abs(upper)) >= 1e5 || max(abs(lower), abs(upper)) < 1e-3
        return (first...last).map { k in
            let v = Double(k) * step
            return (v, Axis.label(v, decimals: decimals, scientific: big))
        }
    }

    /// Unlabelled minor ticks (2…9 × 10ᵏ on a log axis; none on a linear one).
    public var minorTicks: [Double] {
        guard logarithmic else { return [] }
        let a = Int(log10(lower).rounded()), b = Int(log10(upper).rounded())
        guard b - a <= 6 else { return [] }
        var out: [Double] = []
        for k in a..<b { for m in 2...9 { out.append(Double(m) * pow(10, Double(k))) } }
        return out
    }

    static func label(_ v: Double, decimals: Int, scientific: Bool) -> String {
        if v == 0 { return "0" }
        if scientific {
            let e = Int(floor(log10(abs(v)) + 1e-9))
            let m = v / pow(10, Double(e))
            let mantissa = String(format: "%.1f", m).replacingOccurrences(of: ".0", with: "")
            return (mantissa == "1" ? "" : mantissa + "×") + power(e)
        }
        return String(format: "%.\(decimals)f", v).replacingOccurrences(of: "-", with: "−")
    }

    /// `10` with a raised exponent (SVG markup).
    static func power(_ k: Int) -> String {
        if k == 0 { return "1" }
        if k == 1 { return "10" }
        let e = k < 0 ? "−\(-k)" : "\(k)"
        return "10<tspan dy=\"-5\" font-size=\"10\">\(e)</tspan>"
    }
}
