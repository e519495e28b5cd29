import Foundation
import Simulator

/// The largest step at which explicit Euler stays stable on a model, and why it is that small.
///
/// Near a state y*, the error of Euler's iterate obeys eₙ₊₁ ≈ (I + hJ)eₙ, J the Jacobian there; a mode
/// with eigenvalue λ is multiplied by 1 + hλ per step, so it decays only while |1 + hλ| < 1, that is
///
///     h < −2·Re λ / |λ|²,   which is h < 2/|λ| for a real negative λ.
///
/// Signalling models are *stiff*: fast binding and unbinding give eigenvalues far larger than the rates
/// of anything one wants to see, and the fastest of them caps Euler's step, however smooth the solution.
/// The bound is local (J changes along the trajectory) and linear; the search measures the real thing.
///
/// **Search.** A run is unstable as defined by ``StepSizeStudy`` (not finite, or a state variable outside [−c, 10·c]).
/// Starting from the bound predicted over the reference trajectory (else t-end/100), steps are doubled
/// or halved until one run is stable and the other not, then bisected geometrically to 1 %. Every run
/// covers the whole time span, so a mode that grows only slightly per step still has time to show.
public struct EulerStability: Sendable {
    /// The fastest eigenvalue of the Jacobian somewhere, and Euler's bound for it.
    public struct Stiffness: Sendable {
        /// Where the Jacobian was taken.
        public var time: Double
        /// The eigenvalue of largest magnitude.
        public var eigenvalue: ComplexValue
        /// −2·Re λ / |λ|² (2/|λ| when λ is real and negative); nil when Re λ ≥ 0 (a growing or
        /// conserved mode: Euler cannot be stable on it in the linear sense, nor need it be).
        public var bound: Double?
        /// The tightest bound over every eigenvalue with a negative real part (usually the fastest one's).
        public var tightestBound: Double?
    }

    /// At t = 0 (the initial state).
    public var initial: Stiffness?
    /// Where, over the reference trajectory (at the output times), the fastest eigenvalue is largest.
    public var trajectory: Stiffness?
    /// At t-end, on the reference: where the run spends its time once transients have passed.
    public var final: Stiffness?
    /// The largest step found stable (nil: every step tried blew up).
    public var largestStableStep: Double?
    /// The smallest step found unstable (nil: every step tried, up to t-end, was stable).
    public var smallestUnstableStep: Double?
    /// Euler runs made by the search.
    public var runs: Int
    /// Why the search stopped short of a bracket, if it did.
    public var note: String?

    /// Relative width of the final bracket.
    public static let resolution = 0.01

    /// The fastest eigenvalue at (t, y) and Euler's bounds there.
    static func stiffness(at t: Double, state: [Double], _ runner: StepRunner) -> Stiffness? {
        guard let values = runner.eigenvalues(t: t, state: state), let fastest = values.max(by: { $0.magnitude < $1.magnitude }),
              fastest.magnitude > 0 else { return nil }
        func bound(_ l: ComplexValue) -> Double? { l.real < 0 ? -2 * l.real / (l.magnitude * l.magnitude) : nil }
        return Stiffness(time: t, eigenvalue: fastest, bound: bound(fastest), tightestBound: values.compactMap(bound).min())
    }

    /// The fastest eigenvalue at t = 0, at its largest over the reference's output times, and at t-end.
    static func stiffness(_ runner: StepRunner) -> (initial: Stiffness?, trajectory: Stiffness?, final: Stiffness?) {
        runner.compiled.reset()
        let initial = stiffness(at: 0, state: runner.compiled.initialState, runner)
        var trajectory: Stiffness?, final: Stiffness?
        for (i, row) in runner.reference.enumerated() {
            guard let s = stiffness(at: runner.grid[i], state: runner.state(of: row), runner) else { continue }
            if trajectory == nil || s.eigenvalue.magnitude > trajectory!.eigenvalue.magnitude { trajectory = s }
            if i == runner.reference.count - 1 { final = s }
        }
        return (initial, trajectory, final)
    }

    static func find(_ runner: StepRunner, initial: Stiffness?, trajectory: Stiffness?, final: Stiffness?) throws(AnalysisError) -> EulerStability {
        let compiled = runner.compiled
        var out = EulerStability(initial: initial, trajectory: trajectory, final: final, runs: 0)
        let end = runner.end
        let unit = compiled.model.units.time.rawValue
        let smallest = end / Double(runner.maxSteps)
        func stable(_ h: Double) throws(AnalysisError) -> Bool {
            out.runs += 1
            return runner.instability(of: try runner.run(.euler, step: h)) == nil
        }

        let predicted = [trajectory?.tightestBound, initial?.tightestBound].compactMap { $0 }.min()
        var h = min(predicted ?? end / 100, end)
        var lo: Double?, hi: Double?
        // Bracket: double while stable, halve while unstable.
        while lo == nil || hi == nil {
            if try stable(h) {
                lo = h
                if hi != nil { break }
                if h >= end {
                    out.note = "Euler stays stable at every step up to t-end"
                    break
                }
                h = min(2 * h, end)
            } else {
                hi = h
                if lo != nil { break }
                if h / 2 < smallest {
                    out.note = "Euler blows up even at \(NumberFormat.short(h)) \(unit); smaller steps need more than \(runner.maxSteps) steps"
                    break
                }
                h /= 2
            }
        }
        // Bisect (geometrically) to the resolution.
        if var a = lo, var b = hi {
            while b / a > 1 + resolution {
                let mid = (a * b).squareRoot()
                if try stable(mid) { a = mid } else { b = mid }
            }
            lo = a
            hi = b
        }
        out.largestStableStep = lo
        out.smallestUnstableStep = hi
        return out
    }
}
