import Foundation

/// The measured order of convergence of a fixed-step method: the slope of log(error) against
/// log(step) over the ladder's asymptotic range.
///
/// A method of order p has global error C·hᵖ + O(hᵖ⁺¹) for small enough h, so on log–log axes its
/// errors lie on a line of slope p — but only between two limits. At large steps the error is not yet
/// asymptotic (or the method is unstable and the error is meaningless); at small steps it reaches the
/// floor set by the reference solution (and, far below, by rounding). The fit therefore
///
/// 1. leaves out unstable runs and errors that are not finite,
/// 2. leaves out errors at or below `floorFactor` × the reference's own error (the *floor*), and
///    errors of `ceiling` or more (relative errors of order one are not asymptotic),
/// 3. takes, among the remaining points that follow each other in the ladder, the longest run of at
///    least three (two if no more are left) whose local slopes log(eᵢ/eᵢ₊₁)/log(hᵢ/hᵢ₊₁) all lie within
///    `slopeTolerance` (relative, at least 0.15 absolute) of their median; ties go to the finer steps,
/// 4. fits a least-squares line to log e against log h over that run.
///
/// Points coarser than the run are *pre-asymptotic*, finer ones are taken to be *at the floor*.
public enum ConvergenceOrder {
    /// What the fit made of one point of the ladder.
    public enum PointStatus: String, Sendable, CaseIterable {
        /// In the fitted (asymptotic) range.
        case used
        /// The run blew up (or its error is not finite).
        case unstable
        /// Too coarse: the error is not yet proportional to hᵖ.
        case preAsymptotic = "pre-asymptotic"
        /// The error is at the reference's floor (or off the trend at the fine end).
        case atFloor = "at-floor"
    }

    /// The fit over a ladder.
    public struct Fit: Sendable, Equatable {
        /// The slope of log(error) against log(step) over the used points; nil with fewer than two.
        public var order: Double?
        /// One status per point, in the order the steps were given.
        public var status: [PointStatus]
    }

    /// Fits the order over a ladder. `steps` and `errors` are parallel (any order of steps; equal
    /// steps are not allowed); `stable[i]` false marks a run that blew up.
    public static func fit(steps: [Double], errors: [Double], stable: [Bool], floor: Double,
                           floorFactor: Double = 10, ceiling: Double = 0.2, slopeTolerance: Double = 0.12) -> Fit {
        precondition(steps.count == errors.count && steps.count == stable.count, "steps, errors and stable must be parallel")
        var status = [PointStatus?](repeating: nil, count: steps.count)
        // Coarse to fine.
        let order = steps.indices.sorted { steps[$0] > steps[$1] }
        for i in order {
            if !stable[i] || !errors[i].isFinite || !(steps[i] > 0) {
                status[i] = .unstable
            } else if errors[i] <= floorFactor * floor || errors[i] <= 0 {
                status[i] = .atFloor
            } else if errors[i] >= ceiling {
                status[i] = .preAsymptotic
            }
        }
        // Runs of consecutive candidates (in ladder order).
        var blocks: [[Int]] = []
        var current: [Int] = []
        for i in order {
            if status[i] == nil {
                current.append(i)
            } else if !current.isEmpty {
                blocks.append(current)
                current = []
            }
        }
        if !current.isEmpty { blocks.append(current) }

        func slope(_ a: Int, _ b: Int) -> Double { log(errors[a] / errors[b]) / log(steps[a] / steps[b]) }
        func median(_ v: [Double]) -> Double {
            let s = v.sorted()
            return s.count % 2 == 1 ? s[s.count / 2] : 0.5 * (s[s.count / 2 - 1] + s[s.count / 2])
        }
        // The longest consistent window (ties: the finer one) over all blocks.
        var best: (block: Int, from: Int, to: Int)?
        for (b, block) in blocks.enumerated() {
            let minimum = min(3, block.count)
            guard minimum >= 2 else { continue }
            for from in 0...(block.count - minimum) {
                for to in (from + minimum - 1)..<block.count {
                    let slopes = (from..<to).map { slope(block[$0], block[$0 + 1]) }
                    let m = median(slopes)
                    let tolerance = max(0.15, slopeTolerance * abs(m))
                    guard slopes.allSatisfy({ abs($0 - m) <= tolerance }) else { continue }
                    let length = to - from + 1
                    if let current = best {
                        let currentLength = current.to - current.from + 1
                        let finer = steps[block[to]] < steps[blocks[current.block][current.to]]
                        if length > currentLength || (length == currentLength && finer) { best = (b, from, to) }
                    } else {
                        best = (b, from, to)
                    }
                }
            }
        }
        var fitted: Double?
        if let best {
            let block = blocks[best.block]
            for (k, i) in block.enumerated() {
                status[i] = k < best.from ? .preAsymptotic : (k > best.to ? .atFloor : .used)
            }
            let used = Array(block[best.from...best.to])
            fitted = leastSquaresSlope(x: used.map { log(steps[$0]) }, y: used.map { log(errors[$0]) })
        }
        // Candidates outside the chosen block: coarser blocks are pre-asymptotic, finer ones off the trend.
        let chosenFinest = best.map { steps[blocks[$0.block][$0.to]] }
        for i in order where status[i] == nil {
            if let chosenFinest, steps[i] < chosenFinest { status[i] = .atFloor } else { status[i] = .preAsymptotic }
        }
        return Fit(order: fitted, status: status.map { $0 ?? .preAsymptotic })
    }

    /// The least-squares slope of y against x (nil with fewer than two distinct x).
    public static func leastSquaresSlope(x: [Double], y: [Double]) -> Double? {
        guard x.count == y.count, x.count >= 2 else { return nil }
        let n = Double(x.count)
        let mx = x.reduce(0, +) / n, my = y.reduce(0, +) / n
        var sxx = 0.0, sxy = 0.0
        for (a, b) in zip(x, y) {
            sxx += (a - mx) * (a - mx)
            sxy += (a - mx) * (b - my)
        }
        return sxx > 0 ? sxy / sxx : nil
    }
}
