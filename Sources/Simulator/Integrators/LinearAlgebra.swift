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

    /// Applies the row interchanges of a factorisation to b, in order: b[k] ↔ b[pivots[k]], k = 0…n−1.
    @inlinable
    static func permute(_ b: UnsafeMutablePointer<Double>, pivots: UnsafePointer<Int>, count n: Int) {
        for k in 0..<n {
            let p = pivots[k]
            if p != k {
                let tmp = b[k]
                b[k] = b[p]
                b[p] = tmp
            }
        }
    }

    /// Solves A·x = b in place (`b` becomes x) with the output of ``factor(_:order:pivots:)``.
    @inlinable
    static func solve(
        _ lu: UnsafePointer<Double>, order n: Int, pivots: UnsafePointer<Int>, _ b: UnsafeMutablePointer<Double>
    ) {
        DenseLU.permute(b, pivots: pivots, count: n)
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
        DenseLU.permute(b, pivots: pivots, count: n)
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

/// LU factorisation of `W = d·I − J` for a Jacobian with a fixed sparsity pattern, ordered to limit
/// fill-in and factored with diagonal pivots along that order.
///
/// The structural work is done once, when the solver starts: a minimum-degree ordering of the
/// symmetrised pattern (Markowitz's greedy rule, as in Tinney–Walker scheme 2), and the symbolic
/// elimination that gives the pattern of L and U with their fill. Each numeric factorisation then
/// touches only that pattern. Diagonal pivoting is safe for the iteration matrices of stiff
/// solvers, which are dominated by `d·I` for small steps; when a pivot is small relative to its
/// column (threshold 1e-3) or not finite, ``factor(jacobian:diagonal:)`` returns `false` and the
/// caller falls back to dense partial pivoting for that step.
@usableFromInline
final class SparseLU {
    @usableFromInline let n: Int
    /// `permutation[i]` is the original index of the i-th unknown in elimination order.
    @usableFromInline let permutation: UnsafeMutablePointer<Int32>
    /// Original Jacobian entries: dense index in J and dense index in the permuted work matrix.
    @usableFromInline let sourceIndex, targetIndex: UnsafeMutablePointer<Int32>
    @usableFromInline let sourceCount: Int
    /// Every position of the factor pattern (zeroed before each factorisation).
    @usableFromInline let fillIndex: UnsafeMutablePointer<Int32>
    @usableFromInline let fillCount: Int
    /// Column k of L: rows below the diagonal (colStart[k]..<colStart[k+1] in colRows).
    @usableFromInline let colStart, colRows: UnsafeMutablePointer<Int32>
    /// Row k of U: columns right of the diagonal; row i of L: columns left of it.
    @usableFromInline let upperStart, upperCols, lowerStart, lowerCols: UnsafeMutablePointer<Int32>
    @usableFromInline let a, inverseDiagonal, work: UnsafeMutablePointer<Double>

    /// - Parameter pattern: the dense indices `row·n + column` of J's structural nonzeros.
    @inlinable
    init(order n: Int, pattern: [Int]) {
        self.n = n
        // Symmetrised adjacency (no self loops).
        var adjacency = [Set<Int>](repeating: [], count: n)
        var entries = Set<Int>()
        for p in pattern where p >= 0 && p < n * n {
            let r = p / n, c = p % n
            entries.insert(p)
            if r != c {
                adjacency[r].insert(c)
                adjacency[c].insert(r)
            }
        }
        // Minimum-degree ordering with symbolic elimination; ties go to the lowest index (deterministic).
        var eliminated = [Bool](repeating: false, count: n)
        var order: [Int] = []
        var neighboursAtElimination: [[Int]] = []
        var graph = adjacency
        for _ in 0..<n {
            var best = -1, bestDegree = Int.max
            for v in 0..<n where !eliminated[v] && graph[v].count < bestDegree {
                best = v
                bestDegree = graph[v].count
            }
            let nb = graph[best].sorted()
            order.append(best)
            neighboursAtElimination.append(nb)
            eliminated[best] = true
            for u in nb {
                graph[u].remove(best)
                for w in nb where w != u { graph[u].insert(w) }
            }
            graph[best] = []
        }
        var position = [Int](repeating: 0, count: n)
        for (i, v) in order.enumerated() { position[v] = i }
        // Pattern of the factors in elimination order: row k of U and column k of L are the
        // neighbours of the k-th eliminated unknown at its elimination (symmetric structure).
        var later = [[Int]](repeating: [], count: n)
        for k in 0..<n { later[k] = neighboursAtElimination[k].map { position[$0] }.sorted() }
        var lowerRows = [[Int]](repeating: [], count: n)
        for k in 0..<n { for i in later[k] { lowerRows[i].append(k) } }

        func buffer(_ values: [Int]) -> UnsafeMutablePointer<Int32> {
            let b = UnsafeMutablePointer<Int32>.allocate(capacity: max(1, values.count))
            b.initialize(repeating: 0, count: max(1, values.count))
            for (i, v) in values.enumerated() { b[i] = Int32(v) }
            return b
        }
        func starts(_ lists: [[Int]]) -> [Int] {
            var s = [0]
            for l in lists { s.append(s.last! + l.count) }
            return s
        }
        permutation = buffer(order)
        colStart = buffer(starts(later))
        colRows = buffer(later.flatMap { $0 })
        upperStart = colStart
        upperCols = colRows
        lowerStart = buffer(starts(lowerRows))
        lowerCols = buffer(lowerRows.flatMap { $0 })
        var fill: [Int] = []
        for k in 0..<n {
            fill.append(k * n + k)
            for j in later[k] {
                fill.append(k * n + j)
                fill.append(j * n + k)
            }
        }
        fillIndex = buffer(fill)
        fillCount = fill.count
        let sortedEntries = entries.sorted()
        sourceIndex = buffer(sortedEntries)
        targetIndex = buffer(sortedEntries.map { position[$0 / n] * n + position[$0 % n] })
        sourceCount = sortedEntries.count
        a = .allocate(capacity: max(1, n * n))
        a.initialize(repeating: 0, count: max(1, n * n))
        inverseDiagonal = .allocate(capacity: max(1, n))
        inverseDiagonal.initialize(repeating: 0, count: max(1, n))
        work = .allocate(capacity: max(1, n))
        work.initialize(repeating: 0, count: max(1, n))
    }

    deinit {
        for b in [permutation, colStart, colRows, lowerStart, lowerCols, fillIndex, sourceIndex, targetIndex] {
            b.deallocate()
        }
        a.deallocate()
        inverseDiagonal.deallocate()
        work.deallocate()
    }

    /// The number of stored entries of L and U (a measure of the fill).
    var factorEntries: Int { fillCount }

    /// Factors `diagonal·M − J` (M = I without `mass`, else diag(mass)); false when a pivot is
    /// unusable (then use dense partial pivoting).
    @inlinable
    func factor(jacobian J: UnsafePointer<Double>, diagonal: Double, mass: UnsafePointer<Double>? = nil) -> Bool {
        let n = self.n, a = self.a
        for e in 0..<fillCount { a[Int(fillIndex[e])] = 0 }
        for e in 0..<sourceCount { a[Int(targetIndex[e])] = -J[Int(sourceIndex[e])] }
        if let mass {
            for i in 0..<n { a[i * n + i] += diagonal * mass[i] }
        } else {
            for i in 0..<n { a[i * n + i] += diagonal }
        }
        for k in 0..<n {
            let pivot = a[k * n + k]
            let start = Int(colStart[k]), end = Int(colStart[k + 1])
            var largest = abs(pivot)
            for e in start..<end { largest = max(largest, abs(a[Int(colRows[e]) * n + k])) }
            guard pivot.isFinite, largest.isFinite, abs(pivot) > 1e-3 * largest, pivot != 0 else { return false }
            let inverse = 1 / pivot
            inverseDiagonal[k] = inverse
            let rowK = a + k * n
            for e in start..<end {
                let rowI = a + Int(colRows[e]) * n
                let l = rowI[k] * inverse
                rowI[k] = l
                if l != 0 {
                    for f in start..<end {
                        let j = Int(upperCols[f])
                        rowI[j] -= l * rowK[j]
                    }
                }
            }
        }
        return true
    }

    /// Solves `(d·I − J)·x = b` in place, after a successful ``factor(jacobian:diagonal:)``.
    @inlinable
    func solve(_ b: UnsafeMutablePointer<Double>) {
        let n = self.n, a = self.a, w = self.work
        for i in 0..<n { w[i] = b[Int(permutation[i])] }
        for i in 0..<n {
            var s = w[i]
            let row = a + i * n
            for e in Int(lowerStart[i])..<Int(lowerStart[i + 1]) {
                let j = Int(lowerCols[e])
                s -= row[j] * w[j]
            }
            w[i] = s
        }
        var i = n - 1
        while i >= 0 {
            var s = w[i]
            let row = a + i * n
            for e in Int(colStart[i])..<Int(colStart[i + 1]) {
                let j = Int(upperCols[e])
                s -= row[j] * w[j]
            }
            w[i] = s * inverseDiagonal[i]
            i -= 1
        }
        for i in 0..<n { b[Int(permutation[i])] = w[i] }
    }
}

/// Dense LU with partial pivoting on arrays, for code outside the integrators (Newton's method for
/// steady states, small least-squares systems). The same factorisation as the solvers use.
public enum DenseLinearSystem {
    /// Factors the n×n row-major matrix `a` in place; false when it is singular.
    public static func factor(_ a: inout [Double], order n: Int, pivots: inout [Int]) -> Bool {
        precondition(a.count >= n * n && pivots.count >= n)
        return a.withUnsafeMutableBufferPointer { m in
            pivots.withUnsafeMutableBufferPointer { p in
                n == 0 || DenseLU.factor(m.baseAddress!, order: n, pivots: p.baseAddress!)
            }
        }
    }

    /// Solves A·x = b in place with the output of ``factor(_:order:pivots:)``.
    public static func solve(_ lu: [Double], order n: Int, pivots: [Int], _ b: inout [Double]) {
        guard n > 0 else { return }
        lu.withUnsafeBufferPointer { m in
            pivots.withUnsafeBufferPointer { p in
                b.withUnsafeMutableBufferPointer { x in
                    DenseLU.solve(m.baseAddress!, order: n, pivots: p.baseAddress!, x.baseAddress!)
                }
            }
        }
    }
}

/// The iteration matrix `d·I − J` of the implicit methods (Rodas4, BDF), factored sparse along a
/// fill-reducing order when the Jacobian's pattern is known and the system is large enough for it to
/// pay (n ≥ 12), else dense with partial pivoting; solves use whichever factorisation is current.
/// All buffers are allocated once.
@usableFromInline
final class IterationMatrix {
    @usableFromInline let n: Int
    @usableFromInline let lu: UnsafeMutablePointer<Double>
    @usableFromInline let pivots: UnsafeMutablePointer<Int>
    /// The nonzeros of the dense factors, for fast repeated solves.
    @usableFromInline let factors: CompressedLU
    @usableFromInline let sparse: SparseLU?
    /// Whether the current factorisation is the sparse one.
    @usableFromInline var usingSparse = false

    @inlinable
    init(order n: Int, sparsity: [Int]?) {
        self.n = n
        lu = .allocate(capacity: max(1, n * n))
        lu.initialize(repeating: 0, count: max(1, n * n))
        pivots = .allocate(capacity: max(1, n))
        pivots.initialize(repeating: 0, count: max(1, n))
        factors = CompressedLU(order: n)
        if n >= 12, let sparsity {
            sparse = SparseLU(order: n, pattern: sparsity)
        } else {
            sparse = nil
        }
    }

    deinit {
        lu.deallocate()
        pivots.deallocate()
        factors.deallocate()
    }

    /// Factors `diagonal·M − J` (M = I without `mass`, else the diagonal mass matrix diag(mass) of a
    /// differential–algebraic system); false when it is singular.
    @inlinable
    func factor(jacobian J: UnsafePointer<Double>, diagonal: Double, mass: UnsafePointer<Double>? = nil) -> Bool {
        if let sparse, sparse.factor(jacobian: J, diagonal: diagonal, mass: mass) {
            usingSparse = true
            return true
        }
        usingSparse = false
        for i in 0..<(n * n) { lu[i] = -J[i] }
        if let mass {
            for i in 0..<n { lu[i * n + i] += diagonal * mass[i] }
        } else {
            for i in 0..<n { lu[i * n + i] += diagonal }
        }
        guard DenseLU.factor(lu, order: n, pivots: pivots) else { return false }
        factors.compress(from: lu, order: n)
        return true
    }

    /// Solves `(d·I − J)·x = b` in place with the current factorisation.
    @inlinable
    func solve(_ b: UnsafeMutablePointer<Double>) {
        if usingSparse, let sparse {
            sparse.solve(b)
        } else {
            factors.solve(pivots: pivots, b)
        }
    }
}
