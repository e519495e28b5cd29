@testable import Simulator
import Testing

@Suite("Dense LU")
struct LinearAlgebraTests {
    @Test("LU with partial pivoting solves a system that needs pivoting")
    func solveWithPivoting() {
        // Zero in the (0,0) position forces a row swap.
        var a: [Double] = [0, 2, 1,
                           1, 1, 1,
                           4, -1, 3]
        let x: [Double] = [1, -2, 3]
        var b = [Double](repeating: 0, count: 3)
        for i in 0..<3 { for j in 0..<3 { b[i] += a[i * 3 + j] * x[j] } }
        var pivots = [Int](repeating: 0, count: 3)
        let ok = a.withUnsafeMutableBufferPointer { ap in
            pivots.withUnsafeMutableBufferPointer { pp in
                DenseLU.factor(ap.baseAddress!, order: 3, pivots: pp.baseAddress!)
            }
        }
        #expect(ok)
        a.withUnsafeBufferPointer { ap in
            pivots.withUnsafeBufferPointer { pp in
                b.withUnsafeMutableBufferPointer { bp in
                    DenseLU.solve(ap.baseAddress!, order: 3, pivots: pp.baseAddress!, bp.baseAddress!)
                }
            }
        }
        for i in 0..<3 { #expect(abs(b[i] - x[i]) <= 1e-14) }
    }

    @Test("A singular matrix is detected")
    func singular() {
        var a: [Double] = [1, 2, 2, 4]
        var pivots = [0, 0]
        let ok = a.withUnsafeMutableBufferPointer { ap in
            pivots.withUnsafeMutableBufferPointer { DenseLU.factor(ap.baseAddress!, order: 2, pivots: $0.baseAddress!) }
        }
        #expect(!ok)
    }
}
