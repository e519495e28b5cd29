/// Solves dense linear systems A·x = b by LU factorisation with partial pivoting, on caller-owned
/// row-major buffers (nothing is allocated). For the small systems of Newton's method and curve fits.
enum DenseSolve {
    /// Factors `a` (n×n, row-major) in place; returns false when a pivot is zero or not finite.
    static func factor(_ a: inout [Double], _ n: Int, pivots: inout [Int]) -> Bool {
        for k in 0..<n {
            var p = k, best = abs(a[k * n + k])
            for i in (k + 1)..<max(n, k + 1) where abs(a[i * n + k]) > best {
                best = abs(a[i * n + k])
                p = i
            }
            pivots[k] = p
            guard best > 0, best.isFinite else { return false }
            if p != k { for j in 0..<n { a.swapAt(k * n + j, p * n + j) } }
            let inverse = 1 / a[k * n + k]
            for i in (k + 1)..<max(n, k + 1) {
                let l = a[i * n + k] * inverse
                a[i * n + k] = l
                if l != 0 { for j in (k + 1)..<n { a[i * n + j] -= l * a[k * n + j] } }
            }
        }
        return true
    }

    /// Overwrites `b` with the solution, given the output of ``factor(_:_:pivots:)``.
    static func solve(_ lu: [Double], _ n: Int, pivots: [Int], _ b: inout [Double]) {
        for k in 0..<n where pivots[k] != k { b.swapAt(k, pivots[k]) }
        for i in 0..<n {
            var s = b[i]
            for j in 0..<i { s -= lu[i * n + j] * b[j] }
            b[i] = s
        }
        for i in stride(from: n - 1, through: 0, by: -1) {
            var s = b[i]
            for j in (i + 1)..<n { s -= lu[i * n + j] * b[j] }
            b[i] = s / lu[i * n + i]
        }
    }
}
