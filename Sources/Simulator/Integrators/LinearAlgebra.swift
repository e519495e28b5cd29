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

/// The nonzero entries of an LU factorisation, row by row, for fast repeated solves.
///
/// Signalling-network Jacobians are sparse, and their LU factors stay mostly sparse: the dense
/// triangular solves spend their time multiplying zeros along a serial dependency chain. After each
/// factorisation, ``compress(from:order:)`` gathers the nonzeros once (O(n²)); each of the several
/// solves per step then costs O(nonzeros). Buffers are caller-owned and sized for the dense case,
/// so nothing is allocated.
@usableFromInline
struct CompressedLU {
    /// Row i of L (strictly lower) is entries lowerStart[i]..<lowerStart[i+1]; same for U (strictly upper).
    @usableFromInline let lowerStart, upperStart: UnsafeMutablePointer<Int32>
    @usableFromInline let column: UnsafeMutablePointer<Int32>
    @usableFromInline let value: UnsafeMutablePointer<Double>
    @usableFromInline let inverseDiagonal: UnsafeMutablePointer<Double>
    @usableFromInline let n: Int

    /// Allocates room for an n×n factorisation; free with ``deallocate()``.
    @inlinable
    init(order n: Int) {
        self.n = n
        let m = max(1, n)
        lowerStart = .allocate(capacity: m + 1)
        upperStart = .allocate(capacity: m + 1)
        lowerStart.initialize(repeating: 0, count: m + 1)
        upperStart.initialize(repeating: 0, count: m + 1)
        column = .allocate(capacity: m * m)
        column.initialize(repeating: 0, count: m * m)
        value = .allocate(capacity: m * m)
        value.initialize(repeating: 0, count: m * m)
        inverseDiagonal = .allocate(capacity: m)
        inverseDiagonal.initialize(repeating: 0, count: m)
    }

    @inlinable
    func deallocate() {
        lowerStart.deallocate()
        upperStart.deallocate()
        column.deallocate()
        value.deallocate()
        inverseDiagonal.deallocate()
    }

    /// Gathers the nonzeros of `lu` (the output of ``DenseLU/factor(_:order:pivots:)``).
    @inlinable
    func compress(from lu: UnsafePointer<Double>, order n: Int) {
        var k: Int32 = 0
        // All L rows first, then all U rows, in one pair of arrays.
        for i in 0..<n {
            lowerStart[i] = k
            let row = lu + i * n
            for j in 0..<i where row[j] != 0 {
                column[Int(k)] = Int32(j)
                value[Int(k)] = row[j]
                k += 1
            }
        }
        lowerStart[n] = k
        for i in 0..<n {
            upperStart[i] = k
            let row = lu + i * n
            inverseDiagonal[i] = 1 / row[i]
            var j = i + 1
            while j < n {
                if row[j] != 0 {
                    column[Int(k)] = Int32(j)
                    value[Int(k)] = row[j]
                    k += 1
                }
                j += 1
            }
        }
        upperStart[n] = k
    }

    /// Solves A·x = b in place, with the pivots of the factorisation.
    @inlinable
    func solve(pivots: UnsafePointer<Int>, _ b: UnsafeMutablePointer<Double>) {
        for k in 0..<n {
            let p = pivots[k]
            if p != k {
                let tmp = b[k]
                b[k] = b[p]
                b[p] = tmp
            }
        }
        for i in 0..<n {
            var s = b[i]
            var e = Int(lowerStart[i])
            let end = Int(lowerStart[i + 1])
            while e < end {
                s -= value[e] * b[Int(column[e])]
                e += 1
            }
            b[i] = s
        }
        var i = n - 1
        while i >= 0 {
            var s = b[i]
            var e = Int(upperStart[i])
            let end = Int(upperStart[i + 1])
            while e < end {
                s -= value[e] * b[Int(column[e])]
                e += 1
            }
            b[i] = s * inverseDiagonal[i]
            i -= 1
        }
    }
}
