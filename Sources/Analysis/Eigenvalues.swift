import Foundation

/// A complex number, as an eigenvalue of a real matrix.
public struct ComplexValue: Sendable, Hashable, CustomStringConvertible {
    public var real: Double
    public var imaginary: Double

    public init(_ real: Double, _ imaginary: Double = 0) {
        self.real = real
        self.imaginary = imaginary
    }

    public var magnitude: Double { (real * real + imaginary * imaginary).squareRoot() }

    public var description: String {
        imaginary == 0 ? "\(real)" : "\(real) \(imaginary < 0 ? "-" : "+") \(abs(imaginary))i"
    }
}

/// Eigenvalues of a dense real matrix.
///
/// The matrix is balanced (rows and columns scaled by powers of two so that their norms are comparable,
/// Parlett & Reinsch 1969: this leaves the eigenvalues unchanged and protects them from the wildly different
/// rate scales of signalling Jacobians), reduced to upper Hessenberg form by Householder reflections, and
/// then iterated with the implicit double-shift QR algorithm of Francis (Golub & Van Loan, §7.5) with
/// deflation on negligible subdiagonal entries and exceptional shifts after 10 and 20 iterations without
/// progress. Cost O(n³), about 10 n³ flops; meant for n up to a few hundred. Complex eigenvalues come in
/// conjugate pairs. The result is sorted by descending real part, then descending imaginary part.
public enum Eigenvalues {
    /// Eigenvalues of the n×n row-major matrix `a`, or nil if the iteration does not converge
    /// (30·n iterations without deflation) or the matrix holds non-finite values.
    public static func of(_ a: [Double], order n: Int) -> [ComplexValue]? {
        precondition(a.count == n * n, "a \(n)×\(n) matrix needs \(n * n) entries, not \(a.count)")
        guard n > 0 else { return [] }
        guard a.allSatisfy(\.isFinite) else { return nil }
        var h = a
        balance(&h, n)
        hessenberg(&h, n)
        guard let values = hessenbergQR(&h, n) else { return nil }
        return values.sorted { x, y in x.real != y.real ? x.real > y.real : x.imaginary > y.imaginary }
    }

    /// Scales rows and columns by powers of two until each row and its column have similar 1-norms.
    static func balance(_ a: inout [Double], _ n: Int) {
        let radix = 2.0, sqrdx = radix * radix
        var done = false
        while !done {
            done = true
            for i in 0..<n {
                var r = 0.0, c = 0.0
                for j in 0..<n where j != i {
                    c += abs(a[j * n + i])
                    r += abs(a[i * n + j])
                }
                guard c != 0, r != 0 else { continue }
                var g = r / radix, f = 1.0
                let s = c + r
                while c < g {
                    f *= radix
                    c *= sqrdx
                }
                g = r * radix
                while c > g {
                    f /= radix
                    c /= sqrdx
                }
                if (c + r) / f < 0.95 * s {
                    done = false
                    let inverse = 1 / f
                    for j in 0..<n { a[i * n + j] *= inverse }
                    for j in 0..<n { a[j * n + i] *= f }
                }
            }
        }
    }

    /// Reduces `a` to upper Hessenberg form H = QᵀAQ by Householder reflections (entries below the
    /// subdiagonal are set to zero).
    static func hessenberg(_ a: inout [Double], _ n: Int) {
        guard n > 2 else { return }
        var v = [Double](repeating: 0, count: n)
        for k in 0..<(n - 2) {
            // Reflection that zeroes a[k+2..., k].
            var norm = 0.0
            for i in (k + 1)..<n { norm = max(norm, abs(a[i * n + k])) }
            if norm == 0 { continue }
            var sigma = 0.0
            for i in (k + 1)..<n {
                v[i] = a[i * n + k] / norm
                sigma += v[i] * v[i]
            }
            var alpha = sigma.squareRoot()
            if v[k + 1] > 0 { alpha = -alpha }
            // v = x − alpha·e₁ (scaled), H = I − 2vvᵀ/(vᵀv)
            v[k + 1] -= alpha
            var vv = 0.0
            for i in (k + 1)..<n { vv += v[i] * v[i] }
            if vv == 0 { continue }
            let beta = 2 / vv
            // A ← H A (rows k+1..n−1)
            for j in 0..<n {
                var s = 0.0
                for i in (k + 1)..<n { s += v[i] * a[i * n + j] }
                s *= beta
                if s != 0 { for i in (k + 1)..<n { a[i * n + j] -= s * v[i] } }
            }
            // A ← A H (columns k+1..n−1)
            for i in 0..<n {
                var s = 0.0
                for j in (k + 1)..<n { s += a[i * n + j] * v[j] }
                s *= beta
                if s != 0 { for j in (k + 1)..<n { a[i * n + j] -= s * v[j] } }
            }
            for i in (k + 2)..<n { a[i * n + k] = 0 }
        }
    }

    /// Eigenvalues of an upper Hessenberg matrix by the Francis double-shift QR iteration.
    /// Only the active window is updated (eigenvalues, not the Schur form, are wanted).
    static func hessenbergQR(_ h: inout [Double], _ n: Int) -> [ComplexValue]? {
        @inline(__always) func at(_ i: Int, _ j: Int) -> Double { h[i * n + j] }
        var out: [ComplexValue] = []
        out.reserveCapacity(n)
        var norm = 0.0
        for i in 0..<n { for j in max(i - 1, 0)..<n { norm += abs(at(i, j)) } }
        if norm == 0 { return [ComplexValue](repeating: ComplexValue(0), count: n) }
        var hi = n - 1
        var shiftTotal = 0.0
        var iterations = 0
        while hi >= 0 {
            // Find the start `lo` of the unreduced block ending at `hi`.
            var lo = hi
            while lo > 0 {
                var s = abs(at(lo - 1, lo - 1)) + abs(at(lo, lo))
                if s == 0 { s = norm }
                if abs(at(lo, lo - 1)) + s == s {
                    h[lo * n + lo - 1] = 0
                    break
                }
                lo -= 1
            }
            let x = at(hi, hi)
            if lo == hi { // one real eigenvalue
                out.append(ComplexValue(x + shiftTotal))
                hi -= 1
                iterations = 0
                continue
            }
            let y = at(hi - 1, hi - 1), w = at(hi, hi - 1) * at(hi - 1, hi)
            if lo == hi - 1 { // a 2×2 block: two real eigenvalues or a complex pair
                let p = 0.5 * (y - x), q = p * p + w
                let z = abs(q).squareRoot()
                let base = x + shiftTotal
                if q >= 0 {
                    let zz = p + (p >= 0 ? z : -z)
                    let first = base + zz
                    let second = zz != 0 ? base - w / zz : first
                    out.append(ComplexValue(first))
                    out.append(ComplexValue(second))
                } else {
                    out.append(ComplexValue(base + p, z))
                    out.append(ComplexValue(base + p, -z))
                }
                hi -= 2
                iterations = 0
                continue
            }
            if iterations >= 30 * n { return nil }
            // Shifts: the eigenvalues of the trailing 2×2 block, or exceptional shifts.
            var sx = x, sy = y, sw = w
            if iterations > 0 && iterations % 10 == 0 {
                shiftTotal += x
                for i in 0...hi { h[i * n + i] -= x }
                let s = abs(at(hi, hi - 1)) + abs(at(hi - 1, hi - 2))
                sx = 0.75 * s
                sy = sx
                sw = -0.4375 * s * s
            }
            iterations += 1
            // Look for two consecutive small subdiagonal entries (start of the bulge at m).
            var m = hi - 2
            var p = 0.0, q = 0.0, r = 0.0
            while true {
                let z = at(m, m)
                let rr = sx - z, ss = sy - z
                p = (rr * ss - sw) / at(m + 1, m) + at(m, m + 1)
                q = at(m + 1, m + 1) - z - rr - ss
                r = at(m + 2, m + 1)
                let s = abs(p) + abs(q) + abs(r)
                p /= s
                q /= s
                r /= s
                if m == lo { break }
                let u = abs(at(m, m - 1)) * (abs(q) + abs(r))
                let v = abs(p) * (abs(at(m - 1, m - 1)) + abs(z) + abs(at(m + 1, m + 1)))
                if u + v == v { break }
                m -= 1
            }
            for i in (m + 2)...hi {
                h[i * n + i - 2] = 0
                if i != m + 2 { h[i * n + i - 3] = 0 }
            }
            // Chase the bulge from m to hi with 3×3 Householder reflections.
            var k = m
            while k <= hi - 1 {
                var scale = 0.0
                if k != m {
                    p = at(k, k - 1)
                    q = at(k + 1, k - 1)
                    r = k != hi - 1 ? at(k + 2, k - 1) : 0
                    scale = abs(p) + abs(q) + abs(r)
                    if scale != 0 {
                        p /= scale
                        q /= scale
                        r /= scale
                    }
                }
                let root = (p * p + q * q + r * r).squareRoot()
                let s = p >= 0 ? root : -root
                if s != 0 {
                    if k == m {
                        if lo != m { h[k * n + k - 1] = -at(k, k - 1) }
                    } else {
                        h[k * n + k - 1] = -s * scale
                    }
                    p += s
                    let vx = p / s, vy = q / s, vz = r / s
                    q /= p
                    r /= p
                    for j in k...hi { // rows k..k+2
                        var t = at(k, j) + q * at(k + 1, j)
                        if k != hi - 1 {
                            t += r * at(k + 2, j)
                            h[(k + 2) * n + j] -= t * vz
                        }
                        h[(k + 1) * n + j] -= t * vy
                        h[k * n + j] -= t * vx
                    }
                    let last = min(hi, k + 3)
                    for i in lo...last { // columns k..k+2
                        var t = vx * at(i, k) + vy * at(i, k + 1)
                        if k != hi - 1 {
                            t += vz * at(i, k + 2)
                            h[i * n + k + 2] -= t * r
                        }
                        h[i * n + k + 1] -= t * q
                        h[i * n + k] -= t
                    }
                }
                k += 1
            }
        }
        return out
    }
}
