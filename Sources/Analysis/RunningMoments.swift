/// The running mean and variance of a stream of numbers by Welford's update: after the n-th value x,
/// δ = x − mean, mean += δ/n, M₂ += δ·(x − mean); the sample variance is M₂/(n − 1) (0 for fewer than
/// two values). One pass, no stored values, and no cancellation of Σx² − n·mean² (Welford 1962,
/// Technometrics 4(3):419–420). The result depends on the order of the values: callers that run in
/// parallel add them in run order, so it does not depend on the number of threads.
public struct RunningMoments: Sendable, Equatable {
    public private(set) var count = 0
    public private(set) var mean = 0.0
    /// The sum of squared deviations from the mean, M₂.
    private var m2 = 0.0

    public init() {}

    public mutating func add(_ x: Double) {
        count += 1
        let delta = x - mean
        mean += delta / Double(count)
        m2 += delta * (x - mean)
    }

    /// The sample variance M₂/(n − 1); 0 for fewer than two values.
    public var variance: Double { count > 1 ? max(m2, 0) / Double(count - 1) : 0 }

    /// The sample standard deviation.
    public var standardDeviation: Double { variance.squareRoot() }
}
