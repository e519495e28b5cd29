/// A number that summarises one time course.
public enum Metric: String, Sendable, CaseIterable, Hashable {
    /// The largest value on the output grid.
    case peak
    /// The value at the last output time.
    case final
    /// Area under the curve by the trapezoid rule on the output grid (value × time unit).
    case auc
    /// The first output time at which the peak is reached.
    case timeToPeak = "time-to-peak"
}

/// Peak, time to peak, final value and area under the curve of a sampled time course.
///
/// Everything is read off the output grid: the peak is the largest sampled value (the true maximum
/// between samples may be higher by up to the curve's change over one interval), and the AUC is the
/// trapezoid rule `Σ (tᵢ₊₁ − tᵢ)(yᵢ + yᵢ₊₁)/2`, exact for piecewise-linear data and second-order
/// accurate for smooth curves. Use more output points for sharper numbers.
public struct TimeCourseSummary: Sendable, Hashable {
    public var peak: Double
    public var timeToPeak: Double
    public var final: Double
    public var auc: Double

    public init(peak: Double, timeToPeak: Double, final: Double, auc: Double) {
        self.peak = peak
        self.timeToPeak = timeToPeak
        self.final = final
        self.auc = auc
    }

    /// Summarises `values` sampled at `times` (same length, times ascending). Empty input gives NaNs.
    public init(times: [Double], values: [Double]) {
        precondition(times.count == values.count, "times and values differ in length")
        guard let first = values.first else {
            self.init(peak: .nan, timeToPeak: .nan, final: .nan, auc: .nan)
            return
        }
        var peak = first, tPeak = times[0], auc = 0.0
        for i in 1..<max(values.count, 1) {
            let v = values[i]
            if v > peak {
                peak = v
                tPeak = times[i]
            }
            auc += (times[i] - times[i - 1]) * (values[i] + values[i - 1]) / 2
        }
        self.init(peak: peak, timeToPeak: tPeak, final: values[values.count - 1], auc: auc)
    }

    public func value(of metric: Metric) -> Double {
        switch metric {
        case .peak: return peak
        case .final: return final
        case .auc: return auc
        case .timeToPeak: return timeToPeak
        }
    }
}
