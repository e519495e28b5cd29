/// Weighted norms used by error control and initial-step selection.
@usableFromInline
enum ErrorNorm {
    /// sqrt((1/n) Σ (eᵢ / (atol + rtol·max(|yᵢ|, |ŷᵢ|)))²), Hairer's error norm.
    @inlinable
    static func rms(
        _ e: UnsafePointer<Double>, y: UnsafePointer<Double>, yNew: UnsafePointer<Double>,
        count n: Int, rtol: Double, atol: Double
    ) -> Double {
        var sum = 0.0
        for i in 0..<n {
            let sc = atol + rtol * max(abs(y[i]), abs(yNew[i]))
            let r = e[i] / sc
            sum += r * r
        }
        return n == 0 ? 0 : (sum / Double(n)).squareRoot()
    }

    /// sqrt((1/n) Σ (vᵢ / (atol + rtol·|yᵢ|))²).
    @inlinable
    static func rms(
        _ v: UnsafePointer<Double>, scaledBy y: UnsafePointer<Double>, count n: Int, rtol: Double, atol: Double
    ) -> Double {
        var sum = 0.0
        for i in 0..<n {
            let r = v[i] / (atol + rtol * abs(y[i]))
            sum += r * r
        }
        return n == 0 ? 0 : (sum / Double(n)).squareRoot()
    }
}
