/// A conserved moiety: a weighted sum of species amounts that no reaction changes.
public struct ConservationLaw: Hashable, Sendable, CustomStringConvertible {
    /// Species and their integer-like weights.
    public var terms: [(species: String, weight: Double)]
    /// The conserved total at the initial state, as an amount (concentration × compartment size).
    public var total: Double

    public static func == (a: ConservationLaw, b: ConservationLaw) -> Bool {
        a.total == b.total && a.terms.map(\.species) == b.terms.map(\.species) && a.terms.map(\.weight) == b.terms.map(\.weight)
    }

    public func hash(into h: inout Hasher) {
        for t in terms {
            h.combine(t.species)
            h.combine(t.weight)
        }
        h.combine(total)
    }

    /// `STAT3 + pSTAT3 + 2 pSTAT3_dimer = 1000`.
    public var description: String {
        var text = ""
        for (i, t) in terms.enumerated() {
            let w = abs(t.weight)
            let coefficient = w == 1 ? "" : "\(Expression.format(number: w)) "
            if i == 0 {
                text += (t.weight < 0 ? "-" : "") + coefficient + t.species
            } else {
                text += (t.weight < 0 ? " - " : " + ") + coefficient + t.species
            }
        }
        return text + " = " + Expression.format(number: total)
    }
}

extension Model {
    /// Species whose amounts the reactions change (not constant, not boundary, not set by a rate rule).
    public var reactiveSpecies: [Species] {
        let ruled = Set(rateRules.map(\.variable))
        let touched = Set(reactions.flatMap { r in r.netStoichiometry.filter { $0.coefficient != 0 }.map(\.species) })
        return species.filter { !$0.constant && !$0.boundary && !ruled.contains($0.id) && touched.contains($0.id) }
    }

    /// The conservation laws of the reaction network: a basis of the left null space of the
    /// stoichiometry matrix over ``reactiveSpecies``, in reduced row-echelon form so that each law
    /// has one species of its own (its first), with weights scaled to small whole numbers.
    public var conservationLaws: [ConservationLaw] {
        let s = reactiveSpecies
        let m = s.count
        guard m > 0 else { return [] }
        let index = Dictionary(uniqueKeysWithValues: s.enumerated().map { ($1.id, $0) })
        let r = reactions.count
        // Augmented matrix [Nᵀ-rows: species × reactions | identity], kept sparse: a row is its nonzero
        // entries by column (reaction j is column j, species i's identity entry column r + i), and each
        // reaction column knows the rows not yet used as pivots that have an entry in it. A network of
        // thousands of species then reduces in about linear time (dense, a chain of 5,000 took minutes).
        var a = [[Int: Double]](repeating: [:], count: m)
        var rowsIn = [Set<Int>](repeating: [], count: r)
        for (j, reaction) in reactions.enumerated() {
            for (name, c) in reaction.netStoichiometry {
                if let i = index[name] { a[i][j, default: 0] += c }
            }
        }
        for i in 0..<m {
            a[i] = a[i].filter { $0.value != 0 }
            for j in a[i].keys { rowsIn[j].insert(i) }
            a[i][r + i] = 1
        }
        let eps = 1e-9
        // Forward elimination on the reaction columns: rows never chosen as a pivot end with a zero
        // reaction part, and their identity parts span the left null space.
        var pivoted = [Bool](repeating: false, count: m)
        for col in 0..<r {
            var best = -1
            for i in rowsIn[col].sorted() where abs(a[i][col] ?? 0) > eps && (best < 0 || abs(a[i][col]!) > abs(a[best][col]!)) {
                best = i
            }
            guard best >= 0 else { continue }
            pivoted[best] = true
            for k in a[best].keys where k < r { rowsIn[k].remove(best) }
            let pivot = a[best], p = pivot[col]!
            for i in rowsIn[col] {
                let f = (a[i][col] ?? 0) / p
                for (k, v) in pivot {
                    let updated = (a[i][k] ?? 0) - f * v
                    if k == col || abs(updated) < 1e-12 {
                        a[i][k] = nil
                        if k < r { rowsIn[k].remove(i) }
                    } else {
                        a[i][k] = updated
                        if k < r { rowsIn[k].insert(i) }
                    }
                }
            }
        }
        var basis: [[Double]] = (0..<m).filter { !pivoted[$0] }.map { i in
            var v = [Double](repeating: 0, count: m)
            for (k, x) in a[i] where k >= r { v[k - r] = x }
            return v
        }
        guard !basis.isEmpty else { return [] }
        // Reduced row-echelon form of the basis for readable laws.
        var row = 0
        for col in 0..<m where row < basis.count {
            var best = row
            for i in row..<basis.count where abs(basis[i][col]) > abs(basis[best][col]) { best = i }
            guard abs(basis[best][col]) > eps else { continue }
            basis.swapAt(row, best)
            let p = basis[row][col]
            for k in 0..<m { basis[row][k] /= p }
            for i in 0..<basis.count where i != row && abs(basis[i][col]) > eps {
                let f = basis[i][col]
                for k in 0..<m { basis[i][k] -= f * basis[row][k] }
            }
            row += 1
        }
        let volumes = Dictionary(compartments.map { ($0.id, $0.size) }, uniquingKeysWith: { a, _ in a })
        return basis.map { vector in
            // Scale to small whole numbers where possible.
            let nonzero = vector.map(abs).filter { $0 > eps }
            let smallest = nonzero.min() ?? 1
            var scaled = vector.map { $0 / smallest }
            for k in 1...12 {
                let candidate = scaled.map { $0 * Double(k) }
                if candidate.allSatisfy({ abs($0 - $0.rounded()) < 1e-6 }) {
                    scaled = candidate.map { $0.rounded() }
                    break
                }
            }
            var terms: [(String, Double)] = []
            var total = 0.0
            for (i, w) in scaled.enumerated() where abs(w) > eps {
                terms.append((s[i].id, w))
                let v = s[i].amountValued ? 1 : volumes[s[i].compartment] ?? 1
                total += w * s[i].initialValue * v
            }
            return ConservationLaw(terms: terms, total: total)
        }
    }
}
