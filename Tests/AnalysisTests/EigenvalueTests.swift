import Foundation
import Testing
@testable import Analysis

@Suite("Eigenvalues of dense real matrices")
struct EigenvalueTests {
    /// Matches computed eigenvalues to expected ones (any order) within a tolerance.
    func expectEigenvalues(_ a: [Double], _ n: Int, _ expected: [ComplexValue], tolerance: Double = 1e-9,
                           sourceLocation: SourceLocation = #_sourceLocation) {
        guard let got = Eigenvalues.of(a, order: n) else {
            Issue.record("no convergence", sourceLocation: sourceLocation)
            return
        }
        #expect(got.count == expected.count, sourceLocation: sourceLocation)
        var remaining = got
        for e in expected {
            let best = remaining.indices.min { i, j in
                hypot(remaining[i].real - e.real, remaining[i].imaginary - e.imaginary)
                    < hypot(remaining[j].real - e.real, remaining[j].imaginary - e.imaginary)
            }!
            let d = hypot(remaining[best].real - e.real, remaining[best].imaginary - e.imaginary)
            #expect(d <= tolerance * max(1, e.magnitude), "expected \(e), closest \(remaining[best]) in \(got)", sourceLocation: sourceLocation)
            remaining.remove(at: best)
        }
    }

    @Test func diagonalAndTriangular() {
        expectEigenvalues([3, 0, 0, 0, -1, 0, 0, 0, 2], 3, [ComplexValue(3), ComplexValue(-1), ComplexValue(2)])
        expectEigenvalues([1, 5, 7, 0, 2, 9, 0, 0, -4], 3, [ComplexValue(1), ComplexValue(2), ComplexValue(-4)])
        expectEigenvalues([42], 1, [ComplexValue(42)])
        expectEigenvalues([0, 0, 0, 0], 2, [ComplexValue(0), ComplexValue(0)])
    }

    @Test func rotationHasImaginaryPair() {
        expectEigenvalues([0, -1, 1, 0], 2, [ComplexValue(0, 1), ComplexValue(0, -1)])
        // A damped oscillator: x'' + 0.4 x' + 4 x = 0 → λ = −0.2 ± i·sqrt(3.96).
        expectEigenvalues([0, 1, -4, -0.4], 2, [ComplexValue(-0.2, 3.96.squareRoot()), ComplexValue(-0.2, -(3.96.squareRoot()))])
    }

    @Test func companionMatrixOfKnownRoots() {
        // (x−1)(x−2)(x−3)(x−4)(x−5) = x⁵ − 15x⁴ + 85x³ − 225x² + 274x − 120.
        let c = [-15.0, 85, -225, 274, -120]
        var a = [Double](repeating: 0, count: 25)
        for j in 0..<5 { a[j] = -c[j] }
        for i in 1..<5 { a[i * 5 + i - 1] = 1 }
        expectEigenvalues(a, 5, (1...5).map { ComplexValue(Double($0)) }, tolerance: 1e-8)
    }

    @Test func similarityTransformOfKnownSpectrum() {
        // B = blockdiag(−1, −2, [[−0.5, 3], [−3, −0.5]], −10, 0.25), A = S B S⁻¹ with S unit lower triangular
        // (S⁻¹ computed exactly by forward substitution), so A has B's eigenvalues.
        let n = 6
        var b = [Double](repeating: 0, count: n * n)
        b[0] = -1; b[1 * n + 1] = -2
        b[2 * n + 2] = -0.5; b[2 * n + 3] = 3; b[3 * n + 2] = -3; b[3 * n + 3] = -0.5
        b[4 * n + 4] = -10; b[5 * n + 5] = 0.25
        var s = [Double](repeating: 0, count: n * n)
        for i in 0..<n {
            s[i * n + i] = 1
            for j in 0..<i { s[i * n + j] = Double((i * 7 + j * 3) % 5) - 2 }
        }
        // Inverse of a unit lower-triangular matrix.
        var inv = [Double](repeating: 0, count: n * n)
        for col in 0..<n {
            for i in 0..<n {
                var v = i == col ? 1.0 : 0
                for k in 0..<i { v -= s[i * n + k] * inv[k * n + col] }
                inv[i * n + col] = v
            }
        }
        func mul(_ x: [Double], _ y: [Double]) -> [Double] {
            var z = [Double](repeating: 0, count: n * n)
            for i in 0..<n { for k in 0..<n { for j in 0..<n { z[i * n + j] += x[i * n + k] * y[k * n + j] } } }
            return z
        }
        let a = mul(mul(s, b), inv)
        expectEigenvalues(a, n, [ComplexValue(-1), ComplexValue(-2), ComplexValue(-0.5, 3), ComplexValue(-0.5, -3),
                                 ComplexValue(-10), ComplexValue(0.25)], tolerance: 1e-8)
    }

    @Test func badlyScaledMatrixIsBalanced() {
        // Rates that differ by 10¹² (binding vs transcription): eigenvalues −1e6 and −1e-6.
        let a = [-1e6, 1e-3, 0, -1e-6]
        expectEigenvalues(a, 2, [ComplexValue(-1e6), ComplexValue(-1e-6)], tolerance: 1e-9)
    }

    @Test func sumAndProductMatchTraceAndDeterminantForLargerMatrix() {
        // A 30×30 pseudo-random matrix: the eigenvalues' sum is the trace.
        let n = 30
        var state: UInt64 = 12345
        var a = [Double](repeating: 0, count: n * n)
        for i in a.indices {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            a[i] = Double(state >> 11) / Double(1 << 53) - 0.5
        }
        let e = Eigenvalues.of(a, order: n)!
        #expect(e.count == n)
        let trace = (0..<n).reduce(0.0) { $0 + a[$1 * n + $1] }
        #expect(abs(e.reduce(0) { $0 + $1.real } - trace) < 1e-10)
        #expect(abs(e.reduce(0) { $0 + $1.imaginary }) < 1e-10)
        // Sorted by descending real part.
        #expect(zip(e, e.dropFirst()).allSatisfy { $0.real >= $1.real })
    }
}
