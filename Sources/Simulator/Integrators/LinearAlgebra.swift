/// Dense LU factorisation with partial pivoting on caller-owned, row-major buffers
/// (Golub & Van Loan, Algorithm 3.4.1; the layout of LAPACK's `dgetrf`/`dgetrs`).
/// Nothing is allocated.
@usableFromInline
enum DenseLU {
    /// Factors the n×n row-major matrix `a` in place into P·A = L·U (unit lower L below the
    /// diagonal, U on and above it). `pivots[k]` is the row swapped with row k at stage k.
    /// Returns `false` if a pivot is exactly zero or not finite (matrix singular to working
    /// precision or poisoned by NaN).
    @inlinable
    static func factor(_ a: UnsafeMutablePointer<Double>, order n: Int, pivots: UnsafeMutablePointer<Int>) -> Bool {
        for k in 0..<n {
            var p = k
            var pivotMagnitude = abs(a[k * n + k])
            var i = k + 1
            while i < n {
                let v = abs(a[i * n + k])
                if v > pivotMagnitude {
                    pivotMagnitude = v
                    p = i
                }
                i += 1
            }
            pivots[k] = p
            if pivotMagnitude == 0 || !pivotMagnitude.isFinite { return false }
            if p != k {
                let rowK = a + k * n, rowP = a + p * n
                for j in 0..<n {
                    let tmp = rowK[j]
                    rowK[j] = rowP[j]
                    rowP[j] = tmp
                }
            }
            let rowK = a + k * n
            let inversePivot = 1.0 / rowK[k]
            i = k + 1
            while i < n {
                let rowI = a + i * n
                let l = rowI[k] * inversePivot
                rowI[k] = l
                if l != 0 {
                    var j = k + 1
                    while j < n {
                        rowI[j] -= l * rowK[j]
                        j += 1
                    }
                }
                i += 1
            }
        }
        return true
    }

    /// Solves A·x = b in place (`b` becomes x) with the output of ``factor(_:order:pivots:)``.
    @inlinable
    static func solve(
        _ lu: UnsafePointer<Double>, order n: Int, pivots: UnsafePointer<Int>, _ b: UnsafeMutablePointer<Double>
    ) {
        for k in 0..<n {
            let p = pivots[k]
            if p != k {
                let tmp = b[k]
                b[k] = b[p]
                b[p] = tmp
            }
        }
        for i in 0..<n {
            let row = lu + i * n
            var s = b[i]
            for j in 0..<i { s -= row[j] * b[j] }
            b[i] = s
        }
        var i = n - 1
        while i >= 0 {
            let row = lu + i * n
            var s = b[i]
            var j = i + 1
            while j < n {
                s -= row[j] * b[j]
                j += 1
            }
            b[i] = s / row[i]
            i -= 1
        }
    }
}
